/* offload-latency-stats.c: a ring of recent samples and a histogram since reset
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "offload-latency-stats.h"

/* Log-linear buckets, in the manner of HdrHistogram: values below
 * 2^(SUB_BITS + 1) µs get a bucket each; above, every power of two is split
 * into 2^SUB_BITS equal buckets, so a bucket is never wider than 1/128 of
 * its lower bound. Values are clamped to 2^MAX_EXP µs (about 12 days).
 */
#define SUB_BITS  7
#define SUB_COUNT (1 << SUB_BITS)
#define LINEAR_COUNT (2 * SUB_COUNT)
#define MAX_EXP   40
#define N_BUCKETS (LINEAR_COUNT + (MAX_EXP - SUB_BITS - 1) * SUB_COUNT)
#define MAX_VALUE ((G_GINT64_CONSTANT (1) << MAX_EXP) - 1)

struct _OffloadLatencyStats
{
  /* Ring of recent samples, oldest at ring_head once full. */
  gint64  *ring_ts;
  gint64  *ring_value;
  guint    ring_capacity;
  guint    ring_head;
  guint    ring_len;

  /* Since the last reset. */
  guint64  count;
  double   sum;
  gint64   min;
  gint64   max;
  guint64  buckets[N_BUCKETS];
};

static guint
bucket_for_value (gint64 value)
{
  guint64 v = (guint64) CLAMP (value, 0, MAX_VALUE);
  guint exponent;
  guint shift;

  if (v < LINEAR_COUNT)
    return (guint) v;

  exponent = (guint) (63 - __builtin_clzll (v));   /* floor (log2 (v)), >= SUB_BITS + 1 */
  shift = exponent - SUB_BITS;

  return LINEAR_COUNT
         + (exponent - SUB_BITS - 1) * SUB_COUNT
         + (guint) ((v >> shift) - SUB_COUNT);
}

static void
bucket_bounds (guint   bucket,
               gint64 *lower,
               gint64 *width)
{
  guint exponent;
  guint mantissa;

  if (bucket < LINEAR_COUNT)
    {
      *lower = bucket;
      *width = 1;
      return;
    }

  exponent = (bucket - LINEAR_COUNT) / SUB_COUNT + SUB_BITS + 1;
  mantissa = (bucket - LINEAR_COUNT) % SUB_COUNT + SUB_COUNT;
  *lower = (gint64) mantissa << (exponent - SUB_BITS);
  *width = G_GINT64_CONSTANT (1) << (exponent - SUB_BITS);
}

/**
 * offload_latency_stats_new:
 * @ring_capacity: how many recent samples to keep for drawing, at least 1
 *
 * Returns: (transfer full): new, empty statistics
 */
OffloadLatencyStats *
offload_latency_stats_new (guint ring_capacity)
{
  OffloadLatencyStats *self;

  g_return_val_if_fail (ring_capacity > 0, NULL);

  self = g_new0 (OffloadLatencyStats, 1);
  self->ring_capacity = ring_capacity;
  self->ring_ts = g_new0 (gint64, ring_capacity);
  self->ring_value = g_new0 (gint64, ring_capacity);
  offload_latency_stats_reset (self);

  return self;
}

void
offload_latency_stats_free (OffloadLatencyStats *self)
{
  if (self == NULL)
    return;

  g_free (self->ring_ts);
  g_free (self->ring_value);
  g_free (self);
}

/**
 * offload_latency_stats_add:
 * @self: the statistics
 * @timestamp_us: when the sample was taken (monotonic clock)
 * @value_us: the latency; negative values count as 0
 *
 * Records one sample in the ring and in the counters since reset.
 */
void
offload_latency_stats_add (OffloadLatencyStats *self,
                           gint64               timestamp_us,
                           gint64               value_us)
{
  guint slot;

  g_return_if_fail (self != NULL);

  value_us = CLAMP (value_us, 0, MAX_VALUE);

  if (self->ring_len < self->ring_capacity)
    {
      slot = (self->ring_head + self->ring_len) % self->ring_capacity;
      self->ring_len++;
    }
  else
    {
      slot = self->ring_head;
      self->ring_head = (self->ring_head + 1) % self->ring_capacity;
    }
  self->ring_ts[slot] = timestamp_us;
  self->ring_value[slot] = value_us;

  self->count++;
  self->sum += (double) value_us;
  self->min = MIN (self->min, value_us);
  self->max = MAX (self->max, value_us);
  self->buckets[bucket_for_value (value_us)]++;
}

/**
 * offload_latency_stats_reset:
 * @self: the statistics
 *
 * Forgets the counters since the last reset. The ring of recent samples
 * stays, so a graph of the last seconds does not jump.
 */
void
offload_latency_stats_reset (OffloadLatencyStats *self)
{
  g_return_if_fail (self != NULL);

  self->count = 0;
  self->sum = 0;
  self->min = G_MAXINT64;
  self->max = 0;
  memset (self->buckets, 0, sizeof self->buckets);
}

guint64
offload_latency_stats_get_count (const OffloadLatencyStats *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->count;
}

/* The three getters below return 0 when there is no sample. */
gint64
offload_latency_stats_get_min (const OffloadLatencyStats *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->count > 0 ? self->min : 0;
}

gint64
offload_latency_stats_get_max (const OffloadLatencyStats *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->max;
}

double
offload_latency_stats_get_mean (const OffloadLatencyStats *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->count > 0 ? self->sum / (double) self->count : 0;
}

/**
 * offload_latency_stats_get_percentile:
 * @self: the statistics
 * @percent: 0 to 100
 *
 * The nearest-rank percentile since the last reset: the smallest sample
 * such that at least @percent % of the samples are less than or equal to
 * it. The value is the middle of its histogram bucket, clamped to the exact
 * minimum and maximum, so 0 gives the minimum and 100 the maximum exactly.
 *
 * Returns: the percentile in microseconds, or 0 with no sample
 */
gint64
offload_latency_stats_get_percentile (const OffloadLatencyStats *self,
                                      double                     percent)
{
  guint64 rank;
  guint64 seen = 0;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (percent >= 0 && percent <= 100, 0);

  if (self->count == 0)
    return 0;

  /* percent * n first: exact for whole percents, where percent / 100 is
   * not (0.07 * 100 rounds up to rank 8). */
  rank = (guint64) ceil (percent * (double) self->count / 100.0);
  rank = CLAMP (rank, 1, self->count);

  /* The extreme ranks are known exactly. */
  if (rank == 1)
    return self->min;
  if (rank == self->count)
    return self->max;

  for (guint i = 0; i < N_BUCKETS; i++)
    {
      seen += self->buckets[i];
      if (seen >= rank)
        {
          gint64 lower, width;

          bucket_bounds (i, &lower, &width);
          return CLAMP (lower + (width - 1) / 2, self->min, self->max);
        }
    }

  g_assert_not_reached ();
  return self->max;
}

guint
offload_latency_stats_get_ring_capacity (const OffloadLatencyStats *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->ring_capacity;
}

guint
offload_latency_stats_get_n_recent (const OffloadLatencyStats *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->ring_len;
}

/**
 * offload_latency_stats_get_recent:
 * @self: the statistics
 * @index: 0 for the oldest sample in the ring, up to n_recent - 1
 * @timestamp_us: (out) (optional): when it was taken
 * @value_us: (out) (optional): its value
 */
void
offload_latency_stats_get_recent (const OffloadLatencyStats *self,
                                  guint                      index,
                                  gint64                    *timestamp_us,
                                  gint64                    *value_us)
{
  guint slot;

  g_return_if_fail (self != NULL);
  g_return_if_fail (index < self->ring_len);

  slot = (self->ring_head + index) % self->ring_capacity;
  if (timestamp_us != NULL)
    *timestamp_us = self->ring_ts[slot];
  if (value_us != NULL)
    *value_us = self->ring_value[slot];
}
