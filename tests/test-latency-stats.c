/* test-latency-stats.c
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "offload-latency-stats.h"

static int
compare_gint64 (const void *a,
                const void *b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* The nearest-rank percentile of sorted values, the definition the HUD uses. */
static gint64
reference_percentile (const gint64 *sorted,
                      guint         n,
                      double        percent)
{
  guint rank = (guint) ceil (percent / 100.0 * n);

  rank = CLAMP (rank, 1, n);
  return sorted[rank - 1];
}

static void
test_empty (void)
{
  g_autoptr(OffloadLatencyStats) stats = offload_latency_stats_new (16);

  g_assert_cmpuint (offload_latency_stats_get_count (stats), ==, 0);
  g_assert_cmpint (offload_latency_stats_get_min (stats), ==, 0);
  g_assert_cmpint (offload_latency_stats_get_max (stats), ==, 0);
  g_assert_cmpfloat (offload_latency_stats_get_mean (stats), ==, 0);
  g_assert_cmpint (offload_latency_stats_get_percentile (stats, 0), ==, 0);
  g_assert_cmpint (offload_latency_stats_get_percentile (stats, 50), ==, 0);
  g_assert_cmpint (offload_latency_stats_get_percentile (stats, 100), ==, 0);
  g_assert_cmpuint (offload_latency_stats_get_n_recent (stats), ==, 0);
}

static void
test_single (void)
{
  g_autoptr(OffloadLatencyStats) stats = offload_latency_stats_new (16);

  offload_latency_stats_add (stats, 1000, 16667);

  g_assert_cmpuint (offload_latency_stats_get_count (stats), ==, 1);
  g_assert_cmpint (offload_latency_stats_get_min (stats), ==, 16667);
  g_assert_cmpint (offload_latency_stats_get_max (stats), ==, 16667);
  /* Clamped to the exact min and max, one sample is exact at every rank. */
  g_assert_cmpint (offload_latency_stats_get_percentile (stats, 0), ==, 16667);
  g_assert_cmpint (offload_latency_stats_get_percentile (stats, 50), ==, 16667);
  g_assert_cmpint (offload_latency_stats_get_percentile (stats, 99), ==, 16667);
}

static void
test_small_values_exact (void)
{
  g_autoptr(OffloadLatencyStats) stats = offload_latency_stats_new (256);

  /* Below 256 µs every value has a bucket of its own. */
  for (gint64 v = 1; v <= 100; v++)
    offload_latency_stats_add (stats, v, v);

  g_assert_cmpint (offload_latency_stats_get_percentile (stats, 50), ==, 50);
  g_assert_cmpint (offload_latency_stats_get_percentile (stats, 99), ==, 99);
  g_assert_cmpint (offload_latency_stats_get_percentile (stats, 99.5), ==, 100);
  g_assert_cmpint (offload_latency_stats_get_percentile (stats, 1), ==, 1);
  g_assert_cmpfloat_with_epsilon (offload_latency_stats_get_mean (stats), 50.5, 1e-9);
}

static void
test_percentiles_against_sorting (void)
{
  static const double percents[] = { 0, 1, 10, 25, 50, 75, 90, 99, 99.9, 100 };
  g_autoptr(OffloadLatencyStats) stats = offload_latency_stats_new (64);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261125);
  const guint n = 100000;
  g_autofree gint64 *values = g_new (gint64, n);

  /* Frame-like intervals with a heavy tail of stalls up to 5 s. */
  for (guint i = 0; i < n; i++)
    {
      double u = g_rand_double (rand);

      if (u < 0.97)
        values[i] = 16000 + g_rand_int_range (rand, 0, 2000);
      else
        values[i] = g_rand_int_range (rand, 20000, 5000000);
      offload_latency_stats_add (stats, i, values[i]);
    }

  qsort (values, n, sizeof values[0], compare_gint64);

  g_assert_cmpuint (offload_latency_stats_get_count (stats), ==, n);
  g_assert_cmpint (offload_latency_stats_get_min (stats), ==, values[0]);
  g_assert_cmpint (offload_latency_stats_get_max (stats), ==, values[n - 1]);

  for (guint i = 0; i < G_N_ELEMENTS (percents); i++)
    {
      gint64 expected = reference_percentile (values, n, percents[i]);
      gint64 got = offload_latency_stats_get_percentile (stats, percents[i]);

      /* Buckets are at most 1/128 of their value wide; we report the middle. */
      g_assert_cmpfloat (fabs ((double) (got - expected)), <=, expected / 256.0 + 1);
    }
}

static void
test_ring_wraps (void)
{
  g_autoptr(OffloadLatencyStats) stats = offload_latency_stats_new (4);
  gint64 ts, value;

  for (gint64 i = 1; i <= 3; i++)
    offload_latency_stats_add (stats, i * 10, i);
  g_assert_cmpuint (offload_latency_stats_get_n_recent (stats), ==, 3);
  offload_latency_stats_get_recent (stats, 0, &ts, &value);
  g_assert_cmpint (ts, ==, 10);
  g_assert_cmpint (value, ==, 1);

  for (gint64 i = 4; i <= 10; i++)
    offload_latency_stats_add (stats, i * 10, i);

  /* Only the newest four remain, oldest first... */
  g_assert_cmpuint (offload_latency_stats_get_n_recent (stats), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      offload_latency_stats_get_recent (stats, i, &ts, &value);
      g_assert_cmpint (value, ==, 7 + i);
      g_assert_cmpint (ts, ==, (7 + i) * 10);
    }

  /* ...while the counters keep everything since the reset. */
  g_assert_cmpuint (offload_latency_stats_get_count (stats), ==, 10);
  g_assert_cmpint (offload_latency_stats_get_min (stats), ==, 1);
  g_assert_cmpint (offload_latency_stats_get_max (stats), ==, 10);
}

static void
test_reset (void)
{
  g_autoptr(OffloadLatencyStats) stats = offload_latency_stats_new (8);

  offload_latency_stats_add (stats, 1, 300000);
  offload_latency_stats_add (stats, 2, 16000);
  offload_latency_stats_reset (stats);

  g_assert_cmpuint (offload_latency_stats_get_count (stats), ==, 0);
  g_assert_cmpint (offload_latency_stats_get_max (stats), ==, 0);
  g_assert_cmpint (offload_latency_stats_get_percentile (stats, 99), ==, 0);
  /* The graph's history is not the statistics: it stays. */
  g_assert_cmpuint (offload_latency_stats_get_n_recent (stats), ==, 2);

  offload_latency_stats_add (stats, 3, 17000);
  g_assert_cmpint (offload_latency_stats_get_max (stats), ==, 17000);
  g_assert_cmpint (offload_latency_stats_get_min (stats), ==, 17000);
}

static void
test_extremes (void)
{
  g_autoptr(OffloadLatencyStats) stats = offload_latency_stats_new (8);

  /* A negative lateness (a timer that fired early) counts as zero; a huge
   * value (a suspended machine) is clamped, not lost. */
  offload_latency_stats_add (stats, 1, -5);
  offload_latency_stats_add (stats, 2, G_MAXINT64);

  g_assert_cmpuint (offload_latency_stats_get_count (stats), ==, 2);
  g_assert_cmpint (offload_latency_stats_get_min (stats), ==, 0);
  g_assert_cmpint (offload_latency_stats_get_percentile (stats, 0), ==, 0);
  g_assert_cmpint (offload_latency_stats_get_percentile (stats, 100), ==,
                   offload_latency_stats_get_max (stats));
  g_assert_cmpint (offload_latency_stats_get_max (stats), >, G_GINT64_CONSTANT (1) << 39);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/offload/latency-stats/empty", test_empty);
  g_test_add_func ("/offload/latency-stats/single", test_single);
  g_test_add_func ("/offload/latency-stats/small-values-exact", test_small_values_exact);
  g_test_add_func ("/offload/latency-stats/percentiles", test_percentiles_against_sorting);
  g_test_add_func ("/offload/latency-stats/ring-wraps", test_ring_wraps);
  g_test_add_func ("/offload/latency-stats/reset", test_reset);
  g_test_add_func ("/offload/latency-stats/extremes", test_extremes);

  return g_test_run ();
}
