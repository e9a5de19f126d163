/* offload-column-stats.h: statistics that merge across chunks, exactly
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * OffloadMoments:
 *
 * Count, mean, variance, minimum and maximum of the numbers of one column
 * in one chunk, mergeable with another chunk's (Chan et al.). Infinities
 * are counted apart, so one inf does not turn the mean of the finite
 * values into NaN before pandas' rules say what it is.
 */
typedef struct
{
  guint64 count;        /* every number, infinities included */
  guint64 finite;
  guint64 positive_infinite;
  guint64 negative_infinite;
  double  mean;         /* of the finite numbers */
  double  m2;           /* sum of squared deviations from it */
  double  min;
  double  max;
} OffloadMoments;

void   offload_moments_init     (OffloadMoments       *self);
void   offload_moments_add      (OffloadMoments       *self,
                                 double                value);
void   offload_moments_add_values (OffloadMoments     *self,
                                   const double       *values,
                                   gsize               n);
void   offload_moments_merge    (OffloadMoments       *self,
                                 const OffloadMoments *other);
double offload_moments_get_mean (const OffloadMoments *self);
double offload_moments_get_std  (const OffloadMoments *self);

/* Exact quantiles in bounded memory: a first pass counts values in
 * buckets of their order key; the buckets that hold the wanted ranks are
 * then read again for their values (or split finer, when too many). */
guint64 offload_order_key       (double               value);
double  offload_order_key_value (guint64              key);

/**
 * OffloadKeyHistogram:
 *
 * Counts of the keys that start with @prefix (its top @prefix_bits bits),
 * by their next @bits bits.
 */
typedef struct
{
  guint64  prefix;
  guint    prefix_bits;
  guint    bits;
  guint64 *counts;      /* 1 << bits of them */
  guint64  total;
} OffloadKeyHistogram;

OffloadKeyHistogram *offload_key_histogram_new     (guint64                    prefix,
                                                    guint                      prefix_bits,
                                                    guint                      bits);
void                 offload_key_histogram_free    (OffloadKeyHistogram       *self);
gboolean             offload_key_histogram_add     (OffloadKeyHistogram       *self,
                                                    guint64                    key);
void                 offload_key_histogram_merge   (OffloadKeyHistogram       *self,
                                                    const OffloadKeyHistogram *other);
char                *offload_key_histogram_encode  (const OffloadKeyHistogram *self);
gboolean             offload_key_histogram_decode  (OffloadKeyHistogram       *self,
                                                    const char                *text);
guint64              offload_key_histogram_find    (const OffloadKeyHistogram *self,
                                                    guint64                    rank,
                                                    guint64                   *rank_in_bucket,
                                                    guint64                   *bucket_count);

void    offload_quantile_ranks  (guint64              n,
                                 double               q,
                                 guint64             *low,
                                 guint64             *high,
                                 double              *fraction);
double  offload_quantile_lerp   (double               low_value,
                                 double               high_value,
                                 double               fraction);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OffloadKeyHistogram, offload_key_histogram_free)

G_END_DECLS
