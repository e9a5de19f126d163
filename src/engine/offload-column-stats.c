/* offload-column-stats.c: statistics that merge across chunks, exactly
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "offload-column-stats.h"
#include "offload-varint.h"

/* The results must not depend on how the file was cut into chunks, nor on
 * how many workers read it: everything here is either exact (counts,
 * minimum, maximum, quantiles) or merged with the pairwise update of Chan,
 * Golub and LeVeque, whose rounding is as good as one pass's. */

void
offload_moments_init (OffloadMoments *self)
{
  g_return_if_fail (self != NULL);

  memset (self, 0, sizeof *self);
  self->min = INFINITY;
  self->max = -INFINITY;
}

/* The mean plus @increment, as a double-double again: the sum of the two
 * parts, and what rounding it to one double left (Knuth's two-sum). */
static inline void
add_to_mean (OffloadMoments *self,
             double          increment)
{
  double low = self->mean_low + increment;
  double sum = self->mean + low;
  double virtual_low = sum - self->mean;

  /* Past the largest double there is no low part to keep (and the error
   * terms of infinities are NaN). */
  if (G_UNLIKELY (!isfinite (sum)))
    {
      self->mean = sum;
      self->mean_low = 0;
      return;
    }
  self->mean_low = (self->mean - (sum - virtual_low)) + (low - virtual_low);
  self->mean = sum;
}

/* @value less the mean, to twice a double's precision before the last
 * rounding. */
static inline double
from_mean (const OffloadMoments *self,
           double                value)
{
  double minus_mean = -self->mean;
  double difference = value + minus_mean;
  double virtual_minus_mean = difference - value;
  double error;

  /* Numbers of both signs near the largest double. */
  if (G_UNLIKELY (!isfinite (difference)))
    return difference;
  error = (value - (difference - virtual_minus_mean)) + (minus_mean - virtual_minus_mean);

  return difference + (error - self->mean_low);
}

/* The smaller and the larger of two numbers, -0 before +0 (as the order
 * keys and so the quartiles have them): whichever zero came last would
 * otherwise win, and the answer depend on how the file was cut. */
static inline double
min_of (double a,
        double b)
{
  if (G_UNLIKELY (a == b))
    return signbit (a) ? a : b;
  return MIN (a, b);
}

static inline double
max_of (double a,
        double b)
{
  if (G_UNLIKELY (a == b))
    return signbit (a) ? b : a;
  return MAX (a, b);
}

void
offload_moments_add (OffloadMoments *self,
                     double          value)
{
  g_return_if_fail (self != NULL);

  self->count++;
  self->min = min_of (self->min, value);
  self->max = max_of (self->max, value);

  if (isinf (value))
    {
      if (value > 0)
        self->positive_infinite++;
      else
        self->negative_infinite++;
      return;
    }

  /* Welford. */
  {
    double delta = from_mean (self, value);

    self->finite++;
    if (G_UNLIKELY (!isfinite (delta)))
      {
        /* The number and the mean of both signs near the largest double:
         * the mean moves as a weighted sum, each part within range; the
         * spread is past it. */
        double weight = 1.0 / (double) self->finite;

        self->mean = self->mean * (1 - weight) + value * weight;
        self->mean_low = 0;
        self->m2 = INFINITY;
        return;
      }
    add_to_mean (self, delta / (double) self->finite);
    self->m2 += delta * from_mean (self, value);
  }
}

/**
 * offload_moments_add_values:
 * @self: moments
 * @values: (array length=n): numbers, a few dozen at a time
 * @n: how many
 *
 * The same as adding them one by one, but with one division for the
 * block instead of one per number: the block's mean and squared
 * deviations in two passes, then merged like a chunk (Chan et al.).
 */
/* One number into one of the block's lanes. */
static G_ALWAYS_INLINE inline void
lane_add (OffloadMoments *block,
          double          value,
          double          reference,
          double         *sum,
          double         *min,
          double         *max,
          gsize          *finite)
{
  *min = MIN (*min, value);
  *max = MAX (*max, value);
  if (G_UNLIKELY (isinf (value)))
    {
      if (value > 0)
        block->positive_infinite++;
      else
        block->negative_infinite++;
      return;
    }
  *sum += value - reference;
  (*finite)++;
}

static G_ALWAYS_INLINE inline void
lane_deviation (double  value,
                double  reference,
                double  offset,
                double *m2)
{
  double deviation = (value - reference) - offset;

  if (G_LIKELY (!isinf (value)))
    *m2 += deviation * deviation;
}

/* The moments of a block, its numbers summed less @reference: FALSE when
 * a sum overflows where the mean would not. */
static gboolean
block_moments (OffloadMoments *block,
               const double   *values,
               gsize           n,
               double          reference)
{
  /* Four sums, minima and maxima, the numbers taken in turn: one chain of
   * additions would wait on itself, four cycles a number. */
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  double lo0 = INFINITY, lo1 = INFINITY, lo2 = INFINITY, lo3 = INFINITY;
  double hi0 = -INFINITY, hi1 = -INFINITY, hi2 = -INFINITY, hi3 = -INFINITY;
  double offset;
  gsize finite = 0, i;

  offload_moments_init (block);
  for (i = 0; i + 4 <= n; i += 4)
    {
      lane_add (block, values[i], reference, &s0, &lo0, &hi0, &finite);
      lane_add (block, values[i + 1], reference, &s1, &lo1, &hi1, &finite);
      lane_add (block, values[i + 2], reference, &s2, &lo2, &hi2, &finite);
      lane_add (block, values[i + 3], reference, &s3, &lo3, &hi3, &finite);
    }
  for (; i < n; i++)
    lane_add (block, values[i], reference, &s0, &lo0, &hi0, &finite);
  block->min = MIN (MIN (lo0, lo1), MIN (lo2, lo3));
  block->max = MAX (MAX (hi0, hi1), MAX (hi2, hi3));
  /* The lanes keep whichever zero came last; when a zero is the least or
   * the greatest, which of them is, from the block again (rare but for
   * columns of counts, and then a compare a number). */
  if (G_UNLIKELY (block->min == 0 || block->max == 0))
    {
      gboolean negative = FALSE, positive = FALSE;

      for (i = 0; i < n; i++)
        if (values[i] == 0)
          {
            negative |= signbit (values[i]) != 0;
            positive |= signbit (values[i]) == 0;
          }
      if (block->min == 0)
        block->min = negative ? -0.0 : 0.0;
      if (block->max == 0)
        block->max = positive ? 0.0 : -0.0;
    }
  block->finite = finite;
  block->count = n;

  if (finite > 0)
    {
      double d0 = 0, d1 = 0, d2 = 0, d3 = 0;

      offset = ((s0 + s1) + (s2 + s3)) / (double) finite;
      if (!isfinite (offset) || !isfinite (reference + offset))
        return FALSE;
      for (i = 0; i + 4 <= n; i += 4)
        {
          lane_deviation (values[i], reference, offset, &d0);
          lane_deviation (values[i + 1], reference, offset, &d1);
          lane_deviation (values[i + 2], reference, offset, &d2);
          lane_deviation (values[i + 3], reference, offset, &d3);
        }
      for (; i < n; i++)
        lane_deviation (values[i], reference, offset, &d0);

      block->mean = reference;
      block->mean_low = 0;
      add_to_mean (block, offset);
      /* Squared deviations past the largest double are infinite, as the
       * variance then is. */
      block->m2 = (d0 + d1) + (d2 + d3);
    }

  return TRUE;
}

void
offload_moments_add_values (OffloadMoments *self,
                            const double   *values,
                            gsize           n)
{
  /* The numbers less a reference near them (the mean so far, or the
   * block's first finite number), so that the sums stay small and the
   * block's mean comes out as reference + offset, to twice a double's
   * precision. */
  OffloadMoments block;
  double reference = 0;

  g_return_if_fail (self != NULL);

  if (n == 0)
    return;

  if (self->finite > 0)
    reference = self->mean;
  else
    for (gsize i = 0; i < n; i++)
      if (isfinite (values[i]))
        {
          reference = values[i];
          break;
        }

  /* Numbers of both signs near the largest double overflow a sum against
   * a reference of one sign: then against zero; numbers of one sign near
   * it overflow that too: then one by one. */
  if (block_moments (&block, values, n, reference)
      || (reference != 0 && block_moments (&block, values, n, 0)))
    offload_moments_merge (self, &block);
  else
    for (gsize i = 0; i < n; i++)
      offload_moments_add (self, values[i]);
}

void
offload_moments_merge (OffloadMoments       *self,
                       const OffloadMoments *other)
{
  guint64 n;
  double delta;

  g_return_if_fail (self != NULL);
  g_return_if_fail (other != NULL);

  self->count += other->count;
  self->positive_infinite += other->positive_infinite;
  self->negative_infinite += other->negative_infinite;
  self->min = min_of (self->min, other->min);
  self->max = max_of (self->max, other->max);

  if (other->finite == 0)
    return;
  if (self->finite == 0)
    {
      self->finite = other->finite;
      self->mean = other->mean;
      self->mean_low = other->mean_low;
      self->m2 = other->m2;
      return;
    }

  n = self->finite + other->finite;
  /* Two means of numbers far from zero differ in their last digits: the
   * difference of the double-doubles, from the exact difference of their
   * high parts. */
  delta = from_mean (self, other->mean) + other->mean_low;
  if (G_UNLIKELY (!isfinite (delta)))
    {
      /* Means of both signs near the largest double: weighted, each part
       * within range; the numbers' spread is past it. */
      self->mean = self->mean * ((double) self->finite / (double) n)
                   + other->mean * ((double) other->finite / (double) n);
      self->mean_low = 0;
      self->m2 = INFINITY;
      self->finite = n;
      return;
    }
  add_to_mean (self, delta * ((double) other->finite / (double) n));
  self->m2 += other->m2
              + delta * delta * ((double) self->finite * (double) other->finite / (double) n);
  self->finite = n;
}

/**
 * offload_moments_get_mean:
 * @self: moments
 *
 * Returns: the mean as pandas gives it: NaN without numbers, ±inf with
 *   infinities of one sign, NaN with both
 */
double
offload_moments_get_mean (const OffloadMoments *self)
{
  g_return_val_if_fail (self != NULL, NAN);

  if (self->count == 0)
    return NAN;
  if (self->positive_infinite > 0 && self->negative_infinite > 0)
    return NAN;
  if (self->positive_infinite > 0)
    return INFINITY;
  if (self->negative_infinite > 0)
    return -INFINITY;

  return self->mean + self->mean_low;
}

/**
 * offload_moments_get_std:
 * @self: moments
 *
 * Returns: the sample standard deviation (ddof 1), NaN with fewer than two
 *   numbers or with any infinity, as pandas gives it
 */
double
offload_moments_get_std (const OffloadMoments *self)
{
  g_return_val_if_fail (self != NULL, NAN);

  if (self->count < 2 || self->positive_infinite > 0 || self->negative_infinite > 0)
    return NAN;

  return sqrt (self->m2 / (double) (self->finite - 1));
}

/**
 * offload_order_key:
 * @value: a number, not NaN
 *
 * Returns: a key whose unsigned order is the order of the numbers
 *   (-0.0 sorts just before 0.0)
 */
/**
 * offload_sort_keys:
 * @keys: (array length=n): order keys
 * @n: how many
 *
 * Sorts them in O(n): eight passes of a byte, least significant first, a
 * pass skipped where every key has the same byte (the top bytes of keys
 * near each other, as a window's are); none when they are in order.
 */
void
offload_sort_keys (guint64 *keys,
                   gsize    n)
{
  g_autofree guint64 *scratch = NULL;
  gsize counts[8][256] = { { 0 } };
  guint64 *from = keys, *to;

  if (n < 64)
    {
      /* Insertion sort: a handful of keys. */
      for (gsize i = 1; i < n; i++)
        {
          guint64 key = keys[i];
          gsize j = i;

          for (; j > 0 && keys[j - 1] > key; j--)
            keys[j] = keys[j - 1];
          keys[j] = key;
        }
      return;
    }

  /* Keys already in order are common: a sorted column (an id, a time)
   * keeps a window's numbers in the file's order. An unsorted run stops
   * this look at its first step down. */
  {
    gsize i = 1;

    while (i < n && keys[i - 1] <= keys[i])
      i++;
    if (i == n)
      return;
  }

  /* Every byte's counts in one look at the keys. */
  for (gsize i = 0; i < n; i++)
    for (guint b = 0; b < 8; b++)
      counts[b][(keys[i] >> (8 * b)) & 0xff]++;

  scratch = g_new (guint64, n);
  to = scratch;
  for (guint b = 0; b < 8; b++)
    {
      gsize position = 0;

      if (counts[b][(keys[0] >> (8 * b)) & 0xff] == n)
        continue;
      for (guint d = 0; d < 256; d++)
        {
          gsize count = counts[b][d];

          counts[b][d] = position;
          position += count;
        }
      for (gsize i = 0; i < n; i++)
        to[counts[b][(from[i] >> (8 * b)) & 0xff]++] = from[i];
      {
        guint64 *swap = from;

        from = to;
        to = swap;
      }
    }
  if (from != keys)
    memcpy (keys, from, n * sizeof (guint64));
}

/**
 * offload_select_key:
 * @keys: (array length=n): order keys, reordered
 * @n: how many, at least one
 * @k: a rank, below @n
 *
 * Quickselect: moves the key of rank @k (0 for the smallest) to index @k,
 * the smaller ones before it and the larger after, in O(n) on average.
 *
 * Returns: the key of rank @k
 */
guint64
offload_select_key (guint64 *keys,
                    gsize    n,
                    gsize    k)
{
  gsize low = 0, high = n - 1;

  g_return_val_if_fail (k < n, 0);

  while (high > low)
    {
      gsize middle = low + (high - low) / 2;
      guint64 pivot;
      gsize i = low, j = high;

      /* The median of three as the pivot, which also guards both ends. */
      if (keys[middle] < keys[low])
        { guint64 t = keys[middle]; keys[middle] = keys[low]; keys[low] = t; }
      if (keys[high] < keys[low])
        { guint64 t = keys[high]; keys[high] = keys[low]; keys[low] = t; }
      if (keys[high] < keys[middle])
        { guint64 t = keys[high]; keys[high] = keys[middle]; keys[middle] = t; }
      pivot = keys[middle];

      while (i <= j)
        {
          while (keys[i] < pivot)
            i++;
          while (keys[j] > pivot)
            j--;
          if (i <= j)
            {
              guint64 t = keys[i];

              keys[i] = keys[j];
              keys[j] = t;
              i++;
              if (j == 0)
                break;
              j--;
            }
        }
      /* [low, j] <= pivot <= [i, high], and between them only the pivot. */
      if (k <= j)
        high = j;
      else if (k >= i)
        low = i;
      else
        return keys[k];
    }

  return keys[k];
}

/* How many of the sorted @keys are at most @key. */
static gsize
count_at_most (const guint64 *keys,
               gsize          n,
               guint64        key)
{
  gsize low = 0, high = n;

  while (low < high)
    {
      gsize middle = low + (high - low) / 2;

      if (keys[middle] <= key)
        low = middle + 1;
      else
        high = middle;
    }
  return low;
}

/**
 * offload_select_key_in_runs:
 * @keys: (array length=n): order keys, in sorted runs one after the other
 * @n: how many, at least one
 * @run_ends: (array length=n_runs): where each run ends, increasing, the
 *   last at @n
 * @n_runs: how many runs
 * @k: a rank, below @n
 *
 * The key of rank @k among runs each sorted (one per chunk, as the
 * workers send them), found without moving any: the smallest key that
 * at least @k + 1 keys are at most, searched for bit by bit and counted
 * by binary searches in each run. 64 counts of a few dozen steps, where
 * offload_select_key() reads all of them several times over.
 *
 * Returns: the key of rank @k
 */
guint64
offload_select_key_in_runs (const guint64 *keys,
                            gsize          n,
                            const guint   *run_ends,
                            guint          n_runs,
                            gsize          k)
{
  guint64 low = 0, high = G_MAXUINT64;

  g_return_val_if_fail (k < n, 0);
  g_return_val_if_fail (n_runs > 0 && run_ends[n_runs - 1] == n, 0);

  while (low < high)
    {
      guint64 middle = low + (high - low) / 2;
      gsize at_most = 0, start = 0;

      for (guint r = 0; r < n_runs; r++)
        {
          at_most += count_at_most (keys + start, run_ends[r] - start, middle);
          start = run_ends[r];
        }
      if (at_most > k)
        high = middle;
      else
        low = middle + 1;
    }

  return low;
}

double
offload_order_key_value (guint64 key)
{
  guint64 bits = (key >> 63) ? key & ~(G_GUINT64_CONSTANT (1) << 63) : ~key;
  double value;

  memcpy (&value, &bits, sizeof value);
  return value;
}

/**
 * offload_key_histogram_new:
 * @prefix: the top bits the counted keys share (the rest are 0)
 * @prefix_bits: how many, 0 for all keys
 * @bits: how many further bits make a bucket, 1 to 20
 *
 * Returns: (transfer full): an empty histogram
 */
OffloadKeyHistogram *
offload_key_histogram_new (guint64 prefix,
                           guint   prefix_bits,
                           guint   bits)
{
  OffloadKeyHistogram *self;

  g_return_val_if_fail (bits >= 1 && bits <= 20, NULL);
  g_return_val_if_fail (prefix_bits + bits <= 64, NULL);

  self = g_new0 (OffloadKeyHistogram, 1);
  self->prefix = prefix;
  self->prefix_bits = prefix_bits;
  self->bits = bits;
  self->counts = g_new0 (guint64, (gsize) 1 << bits);

  return self;
}

void
offload_key_histogram_free (OffloadKeyHistogram *self)
{
  if (self == NULL)
    return;

  g_free (self->counts);
  g_free (self);
}

/**
 * offload_key_histogram_add:
 * @self: a histogram
 * @key: an order key
 *
 * Returns: whether the key has the histogram's prefix (and was counted)
 */
gboolean
offload_key_histogram_add (OffloadKeyHistogram *self,
                           guint64              key)
{
  guint shift;

  if (self->prefix_bits > 0 && (key >> (64 - self->prefix_bits)) != (self->prefix >> (64 - self->prefix_bits)))
    return FALSE;

  shift = 64 - self->prefix_bits - self->bits;
  self->counts[(key >> shift) & (((guint64) 1 << self->bits) - 1)]++;
  self->total++;

  return TRUE;
}

void
offload_key_histogram_merge (OffloadKeyHistogram       *self,
                             const OffloadKeyHistogram *other)
{
  g_return_if_fail (self != NULL && other != NULL);
  g_return_if_fail (self->bits == other->bits && self->prefix_bits == other->prefix_bits
                    && self->prefix == other->prefix);

  for (gsize i = 0; i < ((gsize) 1 << self->bits); i++)
    self->counts[i] += other->counts[i];
  self->total += other->total;
}

/**
 * offload_key_histogram_find:
 * @self: a histogram
 * @rank: 0 for the smallest key counted
 * @rank_in_bucket: (out): the rank among the keys of the bucket found
 * @bucket_count: (out) (optional): how many keys the bucket holds
 *
 * Returns: the prefix (top prefix_bits + bits bits, the rest 0) of the
 *   bucket that holds the key of @rank
 */
guint64
offload_key_histogram_find (const OffloadKeyHistogram *self,
                            guint64                    rank,
                            guint64                   *rank_in_bucket,
                            guint64                   *bucket_count)
{
  guint shift = 64 - self->prefix_bits - self->bits;
  guint64 seen = 0;

  g_return_val_if_fail (rank < self->total, 0);

  for (gsize i = 0; i < ((gsize) 1 << self->bits); i++)
    {
      if (rank < seen + self->counts[i])
        {
          *rank_in_bucket = rank - seen;
          if (bucket_count != NULL)
            *bucket_count = self->counts[i];
          return self->prefix | ((guint64) i << shift);
        }
      seen += self->counts[i];
    }

  g_assert_not_reached ();
  return 0;
}

/**
 * offload_quantile_ranks:
 * @n: how many values, at least 1
 * @q: the quantile, 0 to 1
 * @low: (out): the 0-based rank below
 * @high: (out): the rank above (the same at the ends)
 * @fraction: (out): how far between them
 *
 * pandas' (numpy's "linear") definition: position (n - 1) q.
 */
void
offload_quantile_ranks (guint64  n,
                        double   q,
                        guint64 *low,
                        guint64 *high,
                        double  *fraction)
{
  double position;

  g_return_if_fail (n > 0);
  g_return_if_fail (q >= 0 && q <= 1);

  position = (double) (n - 1) * q;
  *low = (guint64) floor (position);
  *high = MIN (*low + 1, n - 1);
  *fraction = position - (double) *low;
}

/**
 * offload_quantile_lerp:
 *
 * numpy's interpolation, to the letter (pandas' describe() goes through
 * it): no shortcut, so a neighbour that is infinite gives NaN even at a
 * fraction of 0, as numpy gives it.
 *
 * Returns: the value between @low_value and @high_value at @fraction
 */
double
offload_quantile_lerp (double low_value,
                       double high_value,
                       double fraction)
{
  double difference = high_value - low_value;

  if (fraction >= 0.5)
    return high_value - difference * (1 - fraction);
  return low_value + difference * fraction;
}

/* Histograms travel between processes as base64 of LEB128 varints, a
 * (gap, count) pair per bucket that is not empty: 65,536 buckets of a
 * continuous column take about 200 KB, and decode a hundred times faster
 * than JSON pairs. */

/**
 * offload_key_histogram_encode:
 * @self: a histogram
 *
 * Returns: (transfer full): its buckets, for offload_key_histogram_decode()
 */
char *
offload_key_histogram_encode (const OffloadKeyHistogram *self)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize next = 0;

  g_return_val_if_fail (self != NULL, NULL);

  for (gsize i = 0; i < ((gsize) 1 << self->bits); i++)
    if (self->counts[i] > 0)
      {
        offload_varint_put (out, i - next);
        offload_varint_put (out, self->counts[i]);
        next = i + 1;
      }

  return g_base64_encode (out->data, out->len);
}

/**
 * offload_key_histogram_decode:
 * @self: a histogram
 * @text: what offload_key_histogram_encode() made of one of its shape
 *
 * Adds the buckets of @text to @self.
 *
 * Returns: whether @text was valid (@self is then unchanged)
 */
gboolean
offload_key_histogram_decode (OffloadKeyHistogram *self,
                              const char          *text)
{
  g_autofree guint8 *data = NULL;
  g_autofree guint64 *counts = NULL;
  const guint8 *p, *end;
  gsize length = 0, next = 0, n = (gsize) 1 << self->bits;
  guint64 total = self->total;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  data = g_base64_decode (text, &length);
  counts = g_memdup2 (self->counts, n * sizeof (guint64));
  p = data;
  end = data + length;
  while (p < end)
    {
      guint64 gap, count;

      if (!offload_varint_get (&p, end, &gap) || !offload_varint_get (&p, end, &count)
          || count == 0 || gap >= n - next)
        return FALSE;
      next += gap;
      if (!g_uint64_checked_add (&counts[next], counts[next], count)
          || !g_uint64_checked_add (&total, total, count))
        return FALSE;
      next++;
    }

  memcpy (self->counts, counts, n * sizeof (guint64));
  self->total = total;
  return TRUE;
}

/**
 * offload_grid_exponent:
 * @low: the smallest number, finite
 * @high: the largest, finite
 * @n_bins: the bins of the histogram
 *
 * The finest grid for that range: each of @n_bins bins over it spans at
 * least %OFFLOAD_GRID_CELLS_PER_BIN cells, every cell index of a number in
 * the range stays within 2^52 (so is exact), and no cell is narrower than
 * 2^%OFFLOAD_GRID_MIN_EXPONENT (so the product by the scale is exact). It
 * grows with the range and with the magnitude: a grid made from a sample
 * of the numbers is as fine as the file's, or finer.
 *
 * Returns: the grid's exponent
 */
int
offload_grid_exponent (double low,
                       double high,
                       guint  n_bins)
{
  double range = high - low;
  double magnitude = MAX (fabs (low), fabs (high));
  int exponent = OFFLOAD_GRID_MIN_EXPONENT;

  g_return_val_if_fail (isfinite (low) && isfinite (high) && low <= high, 0);
  g_return_val_if_fail (n_bins > 0, 0);

  if (range > 0 && isfinite (range))
    {
      int e;

      /* 2^(e-1) <= range / (cells n) < 2^e; the exponent below that. */
      frexp (range / ((double) OFFLOAD_GRID_CELLS_PER_BIN * n_bins), &e);
      exponent = MAX (exponent, e - 1);
    }
  if (magnitude > 0)
    {
      int e;

      /* magnitude < 2^e: cells of 2^(e - 52) keep indices below 2^52. */
      frexp (magnitude, &e);
      exponent = MAX (exponent, e - 52);
    }

  return exponent;
}

/**
 * offload_grid_scale:
 * @exponent: a grid's
 *
 * Returns: 2^-@exponent, by which numbers are multiplied to find their cell
 */
double
offload_grid_scale (int exponent)
{
  return ldexp (1.0, -exponent);
}

/**
 * offload_grid_bins_init:
 * @bins: (out): the bins
 * @min: the smallest finite number of a column
 * @max: the largest
 * @n_bins: how many bins
 *
 * The histogram bins of a column with that range, as described above. A
 * range of one value gets bins around it, as numpy.histogram() does.
 *
 * Returns: %FALSE when the range is wider than a double holds (about
 *   ±1.8e308 apart): there are no bins then
 */
gboolean
offload_grid_bins_init (OffloadGridBins *bins,
                        double           min,
                        double           max,
                        guint            n_bins)
{
  double low = min, high = max, scale;
  gint64 first, last, cells;

  g_return_val_if_fail (bins != NULL, FALSE);
  g_return_val_if_fail (n_bins > 0, FALSE);
  g_return_val_if_fail (isfinite (min) && isfinite (max) && min <= max, FALSE);

  /* One value: bins around it, over [value - 0.5, value + 0.5]. */
  if (min == max)
    {
      low = min - 0.5;
      high = max + 0.5;
    }
  if (!isfinite (high - low) || !isfinite (low) || !isfinite (high))
    return FALSE;

  bins->exponent = offload_grid_exponent (low, high, n_bins);
  scale = offload_grid_scale (bins->exponent);
  first = offload_grid_cell (low, scale);
  last = offload_grid_cell (high, scale);
  cells = last - first + 1;
  bins->cells = MAX (cells, (gint64) n_bins);
  bins->start = first;
  bins->n_bins = n_bins;

  return TRUE;
}

/**
 * offload_grid_bins_edge:
 * @bins: bins
 * @edge: 0 to n_bins
 *
 * Returns: where bin @edge starts (the last: where the last bin ends),
 *   exactly
 */
double
offload_grid_bins_edge (const OffloadGridBins *bins,
                        guint                  edge)
{
  g_return_val_if_fail (bins != NULL && edge <= bins->n_bins, NAN);

  return ldexp ((double) (bins->start + (gint64) edge * bins->cells / (gint64) bins->n_bins),
                bins->exponent);
}

/**
 * offload_grid_bins_index:
 * @bins: bins
 * @cell: the cell of a number in their range, on their grid
 *
 * Returns: the bin it is counted in
 */
guint
offload_grid_bins_index (const OffloadGridBins *bins,
                         gint64                 cell)
{
  gint64 offset = CLAMP (cell - bins->start, 0, bins->cells - 1);

  /* The last bin whose first cell, floor (i x cells / n), is at or
   * before @offset. */
  return (guint) (((offset + 1) * (gint64) bins->n_bins - 1) / bins->cells);
}
