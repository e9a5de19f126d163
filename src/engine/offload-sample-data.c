/* offload-sample-data.c: the deterministic sample CSV dataset
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "offload-sample-data.h"

/* Every row is a pure function of (row index, seed): its random numbers come
 * from a counter-based generator (splitmix64) keyed by the two, not from a
 * shared RNG state. So a file of any size can be written in chunks, by any
 * number of threads or processes, in any order, and always comes out the
 * same, byte for byte. Numbers are formatted with g_ascii_formatd() so the
 * output does not depend on the locale.
 *
 * The columns exercise what the crunch engine has to get right: numeric
 * distributions with different shapes, integers, a skewed categorical column,
 * RFC 4180 quoting (commas, doubled quotes and newlines inside fields),
 * empty cells and "NA".
 */

#define GOLDEN_GAMMA G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)

typedef struct
{
  guint64 state;
} RowRng;

static inline guint64
mix64 (guint64 z)
{
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static inline void
row_rng_init (RowRng  *rng,
              guint64  row_index,
              guint64  seed)
{
  /* The seed is mixed before it meets the row index: a plain XOR would give
   * (row 1, seed 0) and (row 0, seed 1) the same numbers. */
  rng->state = mix64 (row_index ^ mix64 (seed + GOLDEN_GAMMA));
}

static inline guint64
row_rng_next (RowRng *rng)
{
  rng->state += GOLDEN_GAMMA;
  return mix64 (rng->state);
}

/* In [0, 1), with the 53 bits a double holds. */
static inline double
row_rng_uniform (RowRng *rng)
{
  return (double) (row_rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);
}

/* In [0, n), without the bias of a modulo. */
static inline guint
row_rng_below (RowRng *rng,
               guint   n)
{
  return (guint) (((row_rng_next (rng) >> 32) * n) >> 32);
}

static void
append_double (GString    *out,
               const char *format,
               double      value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, g_ascii_formatd (buf, sizeof buf, format, value));
}

/* Weights in percent: a few frequent values and a long tail, so "top" and
 * "distinct" are worth computing. */
static const struct {
  const char *name;
  guint       weight;
} categories[] = {
  { "alpha", 30 },
  { "beta", 20 },
  { "gamma", 15 },
  { "delta", 12 },
  { "epsilon", 10 },
  { "zeta", 7 },
  { "eta", 4 },
  { "theta", 2 },
};

/* None of these is a word pandas reads as missing ("NA", "n/a", "null"...). */
static const char * const plain_comments[] = {
  "ok",
  "checked",
  "pending review",
  "follow up",
  "within tolerance",
  "recalibrated",
};

static const char *
pick_category (RowRng *rng)
{
  guint r = row_rng_below (rng, 100);

  for (guint i = 0; i < G_N_ELEMENTS (categories); i++)
    {
      if (r < categories[i].weight)
        return categories[i].name;
      r -= categories[i].weight;
    }

  g_assert_not_reached ();
}

static void
append_comment (GString *out,
                RowRng  *rng)
{
  guint kind = row_rng_below (rng, 20);
  guint a = row_rng_below (rng, 1000);
  guint b = row_rng_below (rng, 100);

  /* Mostly plain text; the rest needs quoting for each reason RFC 4180 has. */
  if (kind < 12)
    g_string_append (out, plain_comments[a % G_N_ELEMENTS (plain_comments)]);
  else if (kind < 15)
    g_string_append (out, "\"late, but within tolerance\"");
  else if (kind < 17)
    g_string_append_printf (out, "\"batch %u, item %u\"", a, b);
  else if (kind < 18)
    g_string_append_printf (out, "\"operator said \"\"recheck %u\"\"\"", a);
  else if (kind < 19)
    g_string_append_printf (out, "\"first line\nsecond line %u\"", a);
  else
    g_string_append_printf (out, "\"mixed: %u, %u and \"\"quotes\"\"\nnext line\"", a, b);
}

/**
 * offload_sample_data_append_header:
 * @out: where to append
 *
 * Appends the header row, newline included.
 */
void
offload_sample_data_append_header (GString *out)
{
  g_return_if_fail (out != NULL);

  g_string_append (out,
                   "id,uniform,normal,exponential,lognormal,integer_count,"
                   "category,comment,score,flag\n");
}

/**
 * offload_sample_data_append_row:
 * @out: where to append
 * @row_index: the row, counted from 0 after the header; also its id
 * @seed: selects the dataset
 *
 * Appends one record, terminated by LF. The bytes depend only on @row_index
 * and @seed, so rows can be produced in any order and in any chunks. A record
 * may contain a newline inside a quoted field.
 */
void
offload_sample_data_append_row (GString *out,
                                guint64  row_index,
                                guint64  seed)
{
  RowRng rng;
  double u1, u2, radius, z0, z1, count;
  guint roll;

  g_return_if_fail (out != NULL);

  row_rng_init (&rng, row_index, seed);

  /* Box-Muller: two independent standard normals from two uniforms; u1 is
   * in (0, 1] so its logarithm is finite. */
  u1 = 1.0 - row_rng_uniform (&rng);
  u2 = row_rng_uniform (&rng);
  radius = sqrt (-2.0 * log (u1));
  z0 = radius * cos (2.0 * G_PI * u2);
  z1 = radius * sin (2.0 * G_PI * u2);

  g_string_append_printf (out, "%" G_GUINT64_FORMAT ",", row_index);

  append_double (out, "%.6f", 1000.0 * row_rng_uniform (&rng));
  g_string_append_c (out, ',');

  append_double (out, "%.4f", 50.0 + 10.0 * z0);
  g_string_append_c (out, ',');

  /* Mean 5; 1 - u is in (0, 1]. */
  append_double (out, "%.4f", -5.0 * log (1.0 - row_rng_uniform (&rng)));
  g_string_append_c (out, ',');

  append_double (out, "%.4f", exp (1.0 + 0.5 * z1));
  g_string_append_c (out, ',');

  /* Small counts, most of them near zero: a geometric-like shape capped
   * at 99. */
  count = floor (-12.0 * log (1.0 - row_rng_uniform (&rng)));
  g_string_append_printf (out, "%u,", (guint) MIN (count, 99.0));

  g_string_append (out, pick_category (&rng));
  g_string_append_c (out, ',');

  append_comment (out, &rng);
  g_string_append_c (out, ',');

  /* About 5% missing. */
  roll = row_rng_below (&rng, 100);
  if (roll >= 5)
    {
      double u = row_rng_uniform (&rng);

      append_double (out, "%.2f", 100.0 * (1.0 - (1.0 - u) * (1.0 - u)));
    }
  g_string_append_c (out, ',');

  roll = row_rng_below (&rng, 100);
  if (roll < 2)
    g_string_append (out, "NA");
  else if (roll < 60)
    g_string_append (out, "yes");
  else
    g_string_append (out, "no");

  g_string_append_c (out, '\n');
}
