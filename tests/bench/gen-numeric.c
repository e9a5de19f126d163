/* gen-numeric.c: writes the numeric CSV of the crunch benchmark (crunch.sh)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: gen-numeric BYTES > FILE
 *
 * Writes a header and then rows of 10 numeric columns until at least BYTES
 * bytes are out (about 93 bytes a row). The output is deterministic: each
 * row is a pure function of its index (a counter-based splitmix64), so the
 * same BYTES always give the same file, byte for byte. Numbers are formatted
 * by hand, not with printf, which makes 1 GB take a few seconds instead of a
 * minute:
 *
 *   id           0, 1, 2, ...
 *   normal       N(0, 1), 6 decimals: -0.123456
 *   uniform      U(0, 1000), 6 decimals
 *   count        small integers, geometric-like, most near 0, capped at 999
 *   big_int      uniform integers in [-10^9, 10^9]
 *   exponent     +-10^U(-8, 8) in exponent notation: -3.141593e-05
 *   temperature  N(12, 10), 2 decimals, often negative
 *   price        lognormal exp(3 + z), 2 decimals, 2 % missing (NA)
 *   weight       N(1000, 250), 3 decimals, 1 % missing (NA)
 *   sensor       N(-5, 3), 1 decimal, 0.5 % missing (NA)
 *
 * Missing cells are written "NA" (what R writes; pandas, offload and GNU
 * datamash --narm read it as missing), not left empty: datamash refuses
 * empty fields even with --narm.
 *
 * Build: cc -O2 -o gen-numeric gen-numeric.c -lm
 */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GOLDEN_GAMMA UINT64_C (0x9e3779b97f4a7c15)
#define SEED UINT64_C (20261125)

static inline uint64_t
mix64 (uint64_t z)
{
  z = (z ^ (z >> 30)) * UINT64_C (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

typedef struct { uint64_t state; } Rng;

static inline uint64_t
rng_next (Rng *rng)
{
  rng->state += GOLDEN_GAMMA;
  return mix64 (rng->state);
}

/* In [0, 1), 53 bits. */
static inline double
rng_uniform (Rng *rng)
{
  return (double) (rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);
}

/* In [0, n). */
static inline uint32_t
rng_below (Rng *rng, uint32_t n)
{
  return (uint32_t) (((rng_next (rng) >> 32) * n) >> 32);
}

/* Box-Muller, both normals of a pair. */
static inline void
rng_normal2 (Rng *rng, double *z0, double *z1)
{
  double u1 = 1.0 - rng_uniform (rng);  /* (0, 1]: finite log */
  double u2 = rng_uniform (rng);
  double r = sqrt (-2.0 * log (u1));

  *z0 = r * cos (2.0 * M_PI * u2);
  *z1 = r * sin (2.0 * M_PI * u2);
}

static char *
put_u64 (char *p, uint64_t v)
{
  char tmp[24];
  int n = 0;

  do
    {
      tmp[n++] = (char) ('0' + v % 10);
      v /= 10;
    }
  while (v != 0);
  while (n > 0)
    *p++ = tmp[--n];
  return p;
}

static char *
put_i64 (char *p, int64_t v)
{
  if (v < 0)
    {
      *p++ = '-';
      return put_u64 (p, (uint64_t) 0 - (uint64_t) v);
    }
  return put_u64 (p, (uint64_t) v);
}

static const uint64_t pow10_u[] = {
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
};

/* x with exactly `decimals` digits after the point (1..7), like "%.Nf" for
 * the magnitudes used here. */
static char *
put_fixed (char *p, double x, int decimals)
{
  uint64_t scale = pow10_u[decimals];
  double scaled = x * (double) scale;
  int negative = scaled < 0;
  uint64_t s = (uint64_t) llround (negative ? -scaled : scaled);
  uint64_t frac;

  if (negative && s != 0)
    *p++ = '-';
  p = put_u64 (p, s / scale);
  *p++ = '.';
  frac = s % scale;
  for (int i = decimals - 1; i >= 0; i--)
    {
      p[i] = (char) ('0' + frac % 10);
      frac /= 10;
    }
  return p + decimals;
}

/* x != 0 as d.dddddde+XX, like "%.6e" for |exponent| < 100. */
static char *
put_exp (char *p, double x)
{
  int e;
  double m;
  uint64_t ms;

  if (x < 0)
    {
      *p++ = '-';
      x = -x;
    }
  e = (int) floor (log10 (x));
  m = x / pow (10.0, e);
  ms = (uint64_t) llround (m * 1e6);
  if (ms >= 10000000)
    {
      ms = (ms + 5) / 10;
      e++;
    }
  else if (ms < 1000000)
    {
      e--;
      ms = (uint64_t) llround (x / pow (10.0, e) * 1e6);
    }
  *p++ = (char) ('0' + ms / 1000000);
  *p++ = '.';
  ms %= 1000000;
  for (int i = 5; i >= 0; i--)
    {
      p[i] = (char) ('0' + ms % 10);
      ms /= 10;
    }
  p += 6;
  *p++ = 'e';
  *p++ = e < 0 ? '-' : '+';
  if (e < 0)
    e = -e;
  *p++ = (char) ('0' + e / 10);
  *p++ = (char) ('0' + e % 10);
  return p;
}

static char *
put_na (char *p)
{
  *p++ = 'N';
  *p++ = 'A';
  return p;
}

static char *
put_row (char *p, uint64_t row)
{
  Rng rng = { mix64 (row ^ mix64 (SEED + GOLDEN_GAMMA)) };
  double z0, z1, z2, z3, u, c;

  rng_normal2 (&rng, &z0, &z1);
  rng_normal2 (&rng, &z2, &z3);

  p = put_u64 (p, row);
  *p++ = ',';
  p = put_fixed (p, z0, 6);
  *p++ = ',';
  p = put_fixed (p, 1000.0 * rng_uniform (&rng), 6);
  *p++ = ',';
  c = floor (-15.0 * log (1.0 - rng_uniform (&rng)));
  p = put_u64 (p, c > 999.0 ? 999 : (uint64_t) c);
  *p++ = ',';
  p = put_i64 (p, (int64_t) (rng_next (&rng) % UINT64_C (2000000001)) - 1000000000);
  *p++ = ',';
  u = pow (10.0, -8.0 + 16.0 * rng_uniform (&rng));
  p = put_exp (p, rng_below (&rng, 10) < 3 ? -u : u);
  *p++ = ',';
  p = put_fixed (p, 12.0 + 10.0 * z1, 2);
  *p++ = ',';
  p = rng_below (&rng, 1000) < 20 ? put_na (p) : put_fixed (p, exp (3.0 + z2), 2);
  *p++ = ',';
  p = rng_below (&rng, 1000) < 10 ? put_na (p) : put_fixed (p, 1000.0 + 250.0 * z3, 3);
  *p++ = ',';
  rng_normal2 (&rng, &z0, &z1);
  p = rng_below (&rng, 1000) < 5 ? put_na (p) : put_fixed (p, -5.0 + 3.0 * z0, 1);
  *p++ = '\n';
  return p;
}

static void
write_all (const char *buf, size_t len)
{
  while (len > 0)
    {
      ssize_t n = write (STDOUT_FILENO, buf, len);

      if (n < 0)
        {
          perror ("gen-numeric: write");
          exit (1);
        }
      buf += n;
      len -= (size_t) n;
    }
}

int
main (int argc, char **argv)
{
  static char buf[1 << 20];
  static const char header[] =
    "id,normal,uniform,count,big_int,exponent,temperature,price,weight,sensor\n";
  uint64_t target, written;
  char *p = buf;
  char *end;

  if (argc != 2 || (target = strtoull (argv[1], &end, 10)) == 0 || *end != '\0')
    {
      fprintf (stderr, "usage: gen-numeric BYTES > FILE\n");
      return 2;
    }

  memcpy (p, header, sizeof header - 1);
  p += sizeof header - 1;
  written = sizeof header - 1;
  for (uint64_t row = 0; written < target; row++)
    {
      char *start = p;

      p = put_row (p, row);
      written += (uint64_t) (p - start);
      if (p - buf > (long) sizeof buf - 256)
        {
          write_all (buf, (size_t) (p - buf));
          p = buf;
        }
    }
  write_all (buf, (size_t) (p - buf));
  return 0;
}
