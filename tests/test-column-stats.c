/* test-column-stats.c: chunked statistics against plain formulas
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "offload-column-stats.h"

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Values like a CSV column's: spread, clustered, repeated, signed. */
static double *
make_values (GRand *rand,
             guint  n)
{
  double *values = g_new (double, n);

  for (guint i = 0; i < n; i++)
    {
      switch (g_rand_int_range (rand, 0, 4))
        {
        case 0:
          values[i] = g_rand_double_range (rand, -1000, 1000);
          break;
        case 1:
          values[i] = 50 + 10 * sqrt (-2 * log (g_rand_double_range (rand, 1e-12, 1)))
                      * cos (2 * G_PI * g_rand_double (rand));
          break;
        case 2:
          values[i] = g_rand_int_range (rand, 0, 100);
          break;
        default:
          values[i] = g_rand_double (rand) * 1e-6;
          break;
        }
    }

  return values;
}

static int
compare_guint (const void *a,
               const void *b)
{
  guint x = *(const guint *) a;
  guint y = *(const guint *) b;

  return (x > y) - (x < y);
}

/* Random cut points, in order: chunks of any size, empty ones included. */
static guint *
make_cuts (GRand *rand,
           guint  n,
           guint  n_chunks)
{
  guint *cuts = g_new (guint, n_chunks + 1);

  cuts[0] = 0;
  cuts[n_chunks] = n;
  for (guint i = 1; i < n_chunks; i++)
    cuts[i] = g_rand_int_range (rand, 0, (gint32) n + 1);
  qsort (cuts, n_chunks + 1, sizeof cuts[0], compare_guint);
  return cuts;
}

static void
test_moments (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (31);

  for (guint trial = 0; trial < 50; trial++)
    {
      guint n = g_rand_int_range (rand, 2, 20000);
      guint n_chunks = g_rand_int_range (rand, 1, 9);
      g_autofree double *values = make_values (rand, n);
      g_autofree guint *cuts = make_cuts (rand, n, n_chunks);
      OffloadMoments total;
      double sum = 0, mean, squares = 0, min = INFINITY, max = -INFINITY;

      /* Plain two-pass formulas. */
      for (guint i = 0; i < n; i++)
        {
          sum += values[i];
          min = MIN (min, values[i]);
          max = MAX (max, values[i]);
        }
      mean = sum / n;
      for (guint i = 0; i < n; i++)
        squares += (values[i] - mean) * (values[i] - mean);

      /* Per chunk, then merged, as the worker pool does. */
      offload_moments_init (&total);
      for (guint c = 0; c < n_chunks; c++)
        {
          OffloadMoments chunk;

          offload_moments_init (&chunk);
          for (guint i = cuts[c]; i < cuts[c + 1]; i++)
            offload_moments_add (&chunk, values[i]);
          offload_moments_merge (&total, &chunk);
        }

      g_assert_cmpuint (total.count, ==, n);
      g_assert_cmpfloat (total.min, ==, min);
      g_assert_cmpfloat (total.max, ==, max);
      g_assert_cmpfloat_with_epsilon (offload_moments_get_mean (&total), mean,
                                      1e-12 * MAX (1, fabs (mean)));
      g_assert_cmpfloat_with_epsilon (offload_moments_get_std (&total), sqrt (squares / (n - 1)),
                                      1e-9 * sqrt (squares / (n - 1)));
    }
}

/* The moments of @values read in chunks of @chunk numbers, each chunk's
 * own, merged in order as the app merges the workers': in blocks of 256
 * as the workers read them, or one number at a time. */
static void
moments_in_chunks (const double   *values,
                   gsize           n,
                   gsize           chunk,
                   gboolean        one_by_one,
                   OffloadMoments *total)
{
  offload_moments_init (total);
  for (gsize start = 0; start < n; start += chunk)
    {
      OffloadMoments part;
      gsize end = MIN (start + chunk, n);

      offload_moments_init (&part);
      if (one_by_one)
        for (gsize i = start; i < end; i++)
          offload_moments_add (&part, values[i]);
      else
        for (gsize i = start; i < end; i += 256)
          offload_moments_add_values (&part, values + i, MIN (256, end - i));
      offload_moments_merge (total, &part);
    }
}

/* Numbers far from zero against their spread, as times in milliseconds
 * since 1970 are: the deviation to within 1e-13 (each merge rounds once;
 * 6 units in the last place at most here) of an exact reference (integers,
 * summed exactly), one by one, in blocks and over chunks of any size
 * merged, as the workers and the app do. With one double for the mean it
 * was 1e-9 to 1e-7 off. */
static void
test_moments_far_from_zero (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1700);
  const gint64 base = G_GINT64_CONSTANT (1700000000000);
  const guint n = 5000;
  g_autofree double *values = g_new (double, n);
  gint64 sum = 0;
  double exact_std, exact_mean;

  for (guint i = 0; i < n; i++)
    {
      gint64 k = g_rand_int_range (rand, 0, 2001);

      values[i] = (double) (base + k);
      sum += k;
    }
  /* n * sum of squared deviations = n * sum k^2 - (sum k)^2, exactly. */
  {
    guint64 squares = 0;

    for (guint i = 0; i < n; i++)
      {
        guint64 k = (guint64) ((gint64) values[i] - base);

        squares += k * k;
      }
    exact_std = sqrt ((double) ((guint64) n * squares - (guint64) (sum * sum))
                      / ((double) n * (n - 1)));
    exact_mean = (double) base + (double) sum / n;
  }

  for (guint chunk = 1; chunk <= n; chunk = chunk < 10 ? chunk + 3 : chunk * 7)
    for (guint way = 0; way < 2; way++)
      {
        OffloadMoments total;

        moments_in_chunks (values, n, chunk, way == 0, &total);
        g_assert_cmpfloat_with_epsilon (offload_moments_get_std (&total), exact_std,
                                        1e-13 * exact_std);
        g_assert_cmpfloat_with_epsilon (offload_moments_get_mean (&total), exact_mean,
                                        2 * DBL_EPSILON * exact_mean);
      }
}

/* Numbers of both signs near the largest double: differences from the
 * mean overflow, the mean itself does not; however the numbers are cut
 * into blocks and chunks, the same mean, an infinite deviation, no NaN. */
static void
test_moments_overflow (void)
{
  const double values[] = { 1e308, -1e308, 5, DBL_MAX, -DBL_MAX, -5 };
  const gsize n = G_N_ELEMENTS (values);

  for (gsize chunk = 1; chunk <= n; chunk++)
    for (guint way = 0; way < 2; way++)
      {
        OffloadMoments total;

        moments_in_chunks (values, n, chunk, way == 1, &total);
        g_assert_cmpuint (total.finite, ==, n);
        /* 0, to the rounding of numbers of this size. */
        g_assert_true (isfinite (offload_moments_get_mean (&total)));
        g_assert_cmpfloat (fabs (offload_moments_get_mean (&total)), <, 4 * DBL_EPSILON * DBL_MAX);
        g_assert_true (isinf (offload_moments_get_std (&total)));
        g_assert_cmpfloat (total.min, ==, -DBL_MAX);
        g_assert_cmpfloat (total.max, ==, DBL_MAX);
      }
}

/* -0 and +0 are equal, but the smallest of a column holding both is -0
 * and its largest +0, as the quartiles order them, whatever order they
 * came in and however they were cut. */
static void
test_moments_zero_signs (void)
{
  const double values[] = { 0.0, -0.0, 0.0, -0.0, -0.0, 0.0, 0.0 };
  const gsize n = G_N_ELEMENTS (values);

  for (gsize chunk = 1; chunk <= n; chunk++)
    for (guint way = 0; way < 2; way++)
      {
        OffloadMoments total;

        moments_in_chunks (values, n, chunk, way == 1, &total);
        g_assert_true (total.min == 0 && signbit (total.min));
        g_assert_true (total.max == 0 && !signbit (total.max));
      }

  /* Zeros of one sign stay that sign. */
  {
    const double negative[] = { -0.0, -0.0, -0.0 };
    OffloadMoments m;

    offload_moments_init (&m);
    offload_moments_add_values (&m, negative, G_N_ELEMENTS (negative));
    g_assert_true (signbit (m.min) && signbit (m.max));
  }
}

static void
test_moments_special (void)
{
  OffloadMoments m, other;

  offload_moments_init (&m);
  g_assert_true (isnan (offload_moments_get_mean (&m)));
  g_assert_true (isnan (offload_moments_get_std (&m)));

  offload_moments_add (&m, 4);
  g_assert_cmpfloat (offload_moments_get_mean (&m), ==, 4);
  g_assert_true (isnan (offload_moments_get_std (&m)));   /* ddof 1 */

  offload_moments_add (&m, INFINITY);
  g_assert_true (isinf (offload_moments_get_mean (&m)));
  g_assert_true (isnan (offload_moments_get_std (&m)));
  g_assert_true (isinf (m.max));
  g_assert_cmpfloat (m.min, ==, 4);

  offload_moments_init (&other);
  offload_moments_add (&other, -INFINITY);
  offload_moments_merge (&m, &other);
  g_assert_true (isnan (offload_moments_get_mean (&m)));
  g_assert_cmpuint (m.count, ==, 3);
}

static void
test_order_key (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (8);
  double specials[] = { -INFINITY, -1e308, -1, -4.9e-324, -0.0, 0.0, 4.9e-324, 1, 1e308, INFINITY };

  for (guint i = 0; i + 1 < G_N_ELEMENTS (specials); i++)
    g_assert_cmpuint (offload_order_key (specials[i]), <, offload_order_key (specials[i + 1]));

  for (guint i = 0; i < 100000; i++)
    {
      double a = (g_rand_double (rand) - 0.5) * pow (2, g_rand_int_range (rand, -1070, 1020));
      double b = (g_rand_double (rand) - 0.5) * pow (2, g_rand_int_range (rand, -1070, 1020));

      g_assert_cmpfloat (offload_order_key_value (offload_order_key (a)), ==, a);
      if (a < b)
        g_assert_cmpuint (offload_order_key (a), <, offload_order_key (b));
      else if (a > b)
        g_assert_cmpuint (offload_order_key (a), >, offload_order_key (b));
    }
}

/* Grid cells: floor (value / 2^exponent), and a number far off a fine
 * grid (an outlier the sample missed) far off it, not an overflow (the
 * sanitized build fails on one). */
static void
test_grid_cell (void)
{
  double fine = offload_grid_scale (-60);
  double unit = offload_grid_scale (0);
  OffloadGridBins bins;

  g_assert_cmpint (offload_grid_cell (2.5, unit), ==, 2);
  g_assert_cmpint (offload_grid_cell (-2.5, unit), ==, -3);
  g_assert_cmpint (offload_grid_cell (-1e-320, unit), ==, -1);
  g_assert_cmpint (offload_grid_cell (0.5, fine), ==, G_GINT64_CONSTANT (1) << 59);
  g_assert_cmpint (offload_grid_cell (1e300, fine), >=, G_GINT64_CONSTANT (1) << 60);
  g_assert_cmpint (offload_grid_cell (1e16, fine), >=, G_GINT64_CONSTANT (1) << 60);
  g_assert_cmpint (offload_grid_cell (-1e300, fine), <=, -(G_GINT64_CONSTANT (1) << 60));
  g_assert_cmpint (offload_grid_cell (-1e300, unit), <=, -(G_GINT64_CONSTANT (1) << 60));

  /* On bins of [0, 1], such numbers are counted in the first or last. */
  g_assert_true (offload_grid_bins_init (&bins, 0, 1, 10));
  fine = offload_grid_scale (bins.exponent);
  g_assert_cmpuint (offload_grid_bins_index (&bins, offload_grid_cell (1e300, fine)), ==, 9);
  g_assert_cmpuint (offload_grid_bins_index (&bins, offload_grid_cell (-1e300, fine)), ==, 0);
}

/* The value of rank @rank among the chunks' values, found the way the
 * worker pool finds it: count by buckets, then read again only the bucket
 * that holds the rank, split finer while it holds more than @limit. */
static double
chunked_rank (const double *values,
              const guint  *cuts,
              guint         n_chunks,
              guint64       rank,
              guint         bits,
              guint64       limit,
              guint        *passes)
{
  guint64 prefix = 0;
  guint prefix_bits = 0;

  for (;;)
    {
      g_autoptr(OffloadKeyHistogram) merged = offload_key_histogram_new (prefix, prefix_bits, bits);
      guint64 rank_in_bucket, bucket_count;

      /* A pass: every chunk counts its values into its own histogram. */
      (*passes)++;
      for (guint c = 0; c < n_chunks; c++)
        {
          g_autoptr(OffloadKeyHistogram) chunk = offload_key_histogram_new (prefix, prefix_bits, bits);

          for (guint i = cuts[c]; i < cuts[c + 1]; i++)
            offload_key_histogram_add (chunk, offload_order_key (values[i]));
          offload_key_histogram_merge (merged, chunk);
        }

      prefix = offload_key_histogram_find (merged, rank, &rank_in_bucket, &bucket_count);
      prefix_bits += bits;
      rank = rank_in_bucket;

      if (bucket_count <= limit || prefix_bits == 64)
        {
          g_autoptr(GArray) collected = g_array_new (FALSE, FALSE, sizeof (double));
          guint shift = 64 - prefix_bits;

          /* The last pass: the bucket's values themselves, few enough. */
          (*passes)++;
          for (guint c = 0; c < n_chunks; c++)
            for (guint i = cuts[c]; i < cuts[c + 1]; i++)
              {
                guint64 key = offload_order_key (values[i]);

                if (prefix_bits == 64 ? key == prefix : (key >> shift) == (prefix >> shift))
                  g_array_append_val (collected, values[i]);
              }
          g_assert_cmpuint (collected->len, ==, bucket_count);
          g_array_sort (collected, compare_doubles);
          return g_array_index (collected, double, rank);
        }

      bits = MIN (bits, 64 - prefix_bits);
    }
}

static void
test_exact_quantiles (void)
{
  static const double quantiles[] = { 0, 0.25, 0.5, 0.75, 1 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (2718);

  for (guint trial = 0; trial < 30; trial++)
    {
      guint n = g_rand_int_range (rand, 1, 30000);
      guint n_chunks = g_rand_int_range (rand, 1, 7);
      g_autofree double *values = make_values (rand, n);
      g_autofree double *sorted = g_memdup2 (values, n * sizeof (double));
      g_autofree guint *cuts = make_cuts (rand, n, n_chunks);
      /* Small limits force buckets to be split again: several passes. */
      guint64 limit = g_rand_boolean (rand) ? 16 : 100000;
      guint bits = g_rand_int_range (rand, 4, 13);

      qsort (sorted, n, sizeof (double), compare_doubles);

      for (guint q = 0; q < G_N_ELEMENTS (quantiles); q++)
        {
          guint64 low, high;
          double fraction, expected, got;
          guint passes = 0;

          offload_quantile_ranks (n, quantiles[q], &low, &high, &fraction);
          expected = offload_quantile_lerp (sorted[low], sorted[high], fraction);
          got = offload_quantile_lerp (chunked_rank (values, cuts, n_chunks, low, bits, limit, &passes),
                                       chunked_rank (values, cuts, n_chunks, high, bits, limit, &passes),
                                       fraction);

          /* Exact: the same two values, the same interpolation. */
          g_assert_cmpfloat (got, ==, expected);
        }
    }
}

static void
test_quantile_ranks (void)
{
  guint64 low, high;
  double fraction;

  /* pandas: [1, 2, 3, 4].quantile(0.25) is 1.75. */
  offload_quantile_ranks (4, 0.25, &low, &high, &fraction);
  g_assert_cmpuint (low, ==, 0);
  g_assert_cmpuint (high, ==, 1);
  g_assert_cmpfloat (offload_quantile_lerp (1, 2, fraction), ==, 1.75);

  offload_quantile_ranks (1, 0.5, &low, &high, &fraction);
  g_assert_cmpuint (low, ==, 0);
  g_assert_cmpuint (high, ==, 0);

  offload_quantile_ranks (5, 1, &low, &high, &fraction);
  g_assert_cmpuint (low, ==, 4);
  g_assert_cmpuint (high, ==, 4);

  /* pandas: Series([1, 2, 3, 4, inf]).describe()["75%"] is NaN (numpy's
   * lerp computes 4 + (inf - 4) * 0). */
  offload_quantile_ranks (5, 0.75, &low, &high, &fraction);
  g_assert_true (isnan (offload_quantile_lerp (4, INFINITY, fraction)));
  g_assert_true (isnan (offload_quantile_lerp (INFINITY, INFINITY, 0.5)));
}

static int
compare_u64 (gconstpointer a,
             gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

static int
compare_u32 (gconstpointer a,
             gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/* The radix sort and quickselect against qsort: random keys, keys that
 * share their top bytes (a window's), many equal ones, keys in order (a
 * sorted column's), in order but for the last one. */
static void
test_sort_and_select (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1203);
  const gsize sizes[] = { 1, 2, 3, 63, 64, 65, 1000, 100000 };

  for (guint kind = 0; kind < 5; kind++)
    for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
      {
        gsize n = sizes[s];
        g_autofree guint64 *keys = g_new (guint64, n);
        g_autofree guint64 *sorted = NULL;
        g_autofree guint64 *work = NULL;

        for (gsize i = 0; i < n; i++)
          {
            guint64 r = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);

            keys[i] = kind == 0 ? r
                      : kind == 1 ? G_GUINT64_CONSTANT (0xbff0123400000000) | (r & 0xffffff)
                      : kind == 2 ? r % 5
                      : G_GUINT64_CONSTANT (0x4130000000000000) + ((guint64) i << 32);
          }
        if (kind == 4 && n > 1)
          keys[n - 1] = keys[0] - 1;
        sorted = g_memdup2 (keys, n * sizeof (guint64));
        qsort (sorted, n, sizeof (guint64), compare_u64);

        work = g_memdup2 (keys, n * sizeof (guint64));
        offload_sort_keys (work, n);
        g_assert_cmpmem (work, n * sizeof (guint64), sorted, n * sizeof (guint64));

        for (guint t = 0; t < 20; t++)
          {
            gsize k = t == 0 ? 0 : t == 1 ? n - 1 : (gsize) g_rand_int_range (rand, 0, (gint32) n);

            memcpy (work, keys, n * sizeof (guint64));
            g_assert_cmpuint (offload_select_key (work, n, k), ==, sorted[k]);
            g_assert_cmpuint (work[k], ==, sorted[k]);
            for (gsize i = 0; i < k; i++)
              g_assert_cmpuint (work[i], <=, sorted[k]);
            for (gsize i = k + 1; i < n; i++)
              g_assert_cmpuint (work[i], >=, sorted[k]);
          }
      }
}

/* The selection from sorted runs (one per chunk) against a full sort:
 * the same kinds of keys, in 1 to 9 runs of random lengths, empty ones
 * among them, and the extreme keys. */
static void
test_select_in_runs (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1207);
  const gsize sizes[] = { 1, 2, 3, 64, 1000, 50000 };

  for (guint kind = 0; kind < 4; kind++)
    for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
      for (guint n_runs = 1; n_runs <= 9; n_runs += 4)
        {
          gsize n = sizes[s];
          g_autofree guint64 *keys = g_new (guint64, n);
          g_autofree guint64 *sorted = NULL;
          g_autofree guint *run_ends = g_new (guint, n_runs);

          for (gsize i = 0; i < n; i++)
            {
              guint64 r = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);

              keys[i] = kind == 0 ? r
                        : kind == 1 ? G_GUINT64_CONSTANT (0xbff0123400000000) | (r & 0xffffff)
                        : kind == 2 ? r % 5
                        : (r & 1) ? G_MAXUINT64 : 0;
            }
          sorted = g_memdup2 (keys, n * sizeof (guint64));
          qsort (sorted, n, sizeof (guint64), compare_u64);

          /* Cut anywhere (runs may be empty), each run sorted. */
          for (guint r = 0; r + 1 < n_runs; r++)
            run_ends[r] = (guint) g_rand_int_range (rand, 0, (gint32) n + 1);
          run_ends[n_runs - 1] = (guint) n;
          qsort (run_ends, n_runs, sizeof (guint), compare_u32);
          for (guint r = 0, start = 0; r < n_runs; start = run_ends[r++])
            qsort (keys + start, run_ends[r] - start, sizeof (guint64), compare_u64);

          for (guint t = 0; t < 20; t++)
            {
              gsize k = t == 0 ? 0 : t == 1 ? n - 1 : (gsize) g_rand_int_range (rand, 0, (gint32) n);

              g_assert_cmpuint (offload_select_key_in_runs (keys, n, run_ends, n_runs, k), ==,
                                sorted[k]);
            }
        }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/offload/column-stats/moments", test_moments);
  g_test_add_func ("/offload/column-stats/moments-special", test_moments_special);
  g_test_add_func ("/offload/column-stats/moments-far-from-zero", test_moments_far_from_zero);
  g_test_add_func ("/offload/column-stats/moments-overflow", test_moments_overflow);
  g_test_add_func ("/offload/column-stats/moments-zero-signs", test_moments_zero_signs);
  g_test_add_func ("/offload/column-stats/order-key", test_order_key);
  g_test_add_func ("/offload/column-stats/grid-cell", test_grid_cell);
  g_test_add_func ("/offload/column-stats/quantile-ranks", test_quantile_ranks);
  g_test_add_func ("/offload/column-stats/exact-quantiles", test_exact_quantiles);
  g_test_add_func ("/offload/column-stats/sort-and-select", test_sort_and_select);
  g_test_add_func ("/offload/column-stats/select-in-runs", test_select_in_runs);

  return g_test_run ();
}
