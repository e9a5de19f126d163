/* offload-column-stats.h: statistics that merge across chunks, exactly
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <string.h>

G_BEGIN_DECLS

/**
 * OffloadMoments:
 *
 * Count, mean, variance, minimum and maximum of the numbers of one column
 * in one chunk, mergeable with another chunk's (Chan et al.). Infinities
 * are counted apart, so one inf does not turn the mean of the finite
 * values into NaN before pandas' rules say what it is.
 *
 * The mean is kept as the sum of two doubles: where the numbers lie far
 * from zero against their spread (times in milliseconds since 1970: a
 * mean of 1.7e12, a deviation of 600), one double holds the mean to a
 * quarter of a unit, and the differences between the means of blocks
 * and chunks that the variance is merged from lost their last digits
 * (2.6e-9 of the deviation off, more with more chunks).
 */
typedef struct
{
  guint64 count;        /* every number, infinities included */
  guint64 finite;
  guint64 positive_infinite;
  guint64 negative_infinite;
  double  mean;         /* of the finite numbers: mean + mean_low */
  double  mean_low;
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
double  offload_order_key_value (guint64              key);
void    offload_sort_keys       (guint64             *keys,
                                 gsize                n);
guint64 offload_select_key      (guint64             *keys,
                                 gsize                n,
                                 gsize                k);
guint64 offload_select_key_in_runs (const guint64    *keys,
                                    gsize             n,
                                    const guint      *run_ends,
                                    guint             n_runs,
                                    gsize             k);

/**
 * offload_order_key:
 * @value: a number
 *
 * Returns: a key whose unsigned order is the numbers' order (-0 before
 *   +0): the bits of the double, the sign bit flipped for positive
 *   numbers, all bits for negative ones
 */
static inline guint64
offload_order_key (double value)
{
  guint64 bits;

  memcpy (&bits, &value, sizeof bits);
  return (bits >> 63) ? ~bits : bits | (G_GUINT64_CONSTANT (1) << 63);
}

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

/* Histograms on a grid of powers of two. A number x lies in grid cell
 * floor (x / 2^exponent), computed exactly (a product by a power of two),
 * so cells counted in one pass at a fine exponent add up exactly to the
 * cells of any coarser one, and so to bins whose edges lie on the grid.
 * The bins of a column are a function of its finite minimum and maximum
 * alone: the cells from the minimum's to the maximum's, at the finest
 * grid that gives each of n bins 128 or more of them, dealt out to the
 * bins as evenly as whole cells go: bin i starts at cell
 * floor (i x cells / n), so widths differ by one cell at most (under 1 %)
 * and the last bin ends where the maximum's cell does. (Bins of one width
 * ran past the maximum by up to 1/128 of the range: a column of ids up
 * to 2649999 had its axis end at 2662400.) A range of fewer cells than
 * bins gets one cell a bin, the bins past the maximum empty. */

/**
 * OffloadGridBins:
 * @exponent: cells are 2^@exponent wide
 * @start: the cell where the first bin starts
 * @cells: the cells of all the bins, at least @n_bins
 * @n_bins: bins
 */
typedef struct
{
  int    exponent;
  gint64 start;
  gint64 cells;
  guint  n_bins;
} OffloadGridBins;

#define OFFLOAD_GRID_CELLS_PER_BIN 128
#define OFFLOAD_GRID_MIN_EXPONENT  (-1000)

int      offload_grid_exponent   (double               low,
                                  double               high,
                                  guint                n_bins);
gboolean offload_grid_bins_init  (OffloadGridBins     *bins,
                                  double               min,
                                  double               max,
                                  guint                n_bins);
double   offload_grid_scale      (int                  exponent);
double   offload_grid_bins_edge  (const OffloadGridBins *bins,
                                  guint                edge);
guint    offload_grid_bins_index (const OffloadGridBins *bins,
                                  gint64               cell);

/**
 * offload_grid_cell:
 * @value: a finite number
 * @scale: offload_grid_scale() of the grid's exponent
 *
 * Returns: floor (@value / 2^exponent): the grid cell of @value, but
 *   within ±2^60
 */
static inline gint64
offload_grid_cell (double value,
                   double scale)
{
  /* A grid's own cells are within ±2^52 (see offload_grid_exponent());
   * a number far off it (the sample's range is not the file's) stays far
   * off, without a conversion that overflows. */
  double t = CLAMP (value * scale, -0x1p60, 0x1p60);
  gint64 cell = (gint64) t;

  cell -= (double) cell > t;
  /* A tiny negative number whose product underflowed to -0. */
  if (G_UNLIKELY (t == 0) && value < 0)
    cell = -1;
  return cell;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OffloadKeyHistogram, offload_key_histogram_free)

G_END_DECLS
