/* test-chunk-stats.c: chunk results survive JSON and merge to the whole
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "offload-chunk-scanner.h"
#include "offload-csv.h"
#include "offload-json.h"
#include "offload-refine.h"
#include "offload-sample-data.h"
#include "offload-text-counter.h"
#include "offload-varint.h"

#define BITS 10

/* A worker's job: the records that begin in [start, end). */
static OffloadChunkStats *
read_chunk (const char *data,
            gsize       length,
            gsize       start,
            gsize       end)
{
  gsize first = offload_csv_skip_bom (data, length);
  g_autoptr(OffloadChunkScanner) scanner = offload_chunk_scanner_new (BITS, start <= first, NULL, 0);
  OffloadCsvParser *parser = offload_chunk_scanner_get_parser (scanner);

  if (start > first)
    {
      gsize offset;

      if (!offload_csv_find_record_start (data + start - 1, length - (start - 1),
                                          offload_csv_count_quotes (data, start - 1) % 2,
                                          &offset))
        return offload_chunk_scanner_finish (scanner, NULL);
      first = start - 1 + offset;
    }

  if (first < end)
    {
      offload_csv_parser_feed (parser, data + first, end - first, FALSE);
      if (offload_csv_parser_in_record (parser)
          && offload_csv_parser_feed (parser, data + end, length - end, TRUE) == length - end)
        offload_csv_parser_finish (parser);
    }

  return offload_chunk_scanner_finish (scanner, NULL);
}

/* Through JSON text and back, as between the worker and the parent. */
static OffloadChunkStats *
round_trip (const OffloadChunkStats *stats)
{
  g_autoptr(JsonNode) node = offload_chunk_stats_to_json (stats);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(JsonNode) back = NULL;
  g_autoptr(GError) error = NULL;
  OffloadChunkStats *result;

  back = json_from_string (text, &error);
  g_assert_no_error (error);
  result = offload_chunk_stats_from_json (back, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);

  return result;
}

static guint64
width_count (OffloadChunkStats *stats,
             guint              width)
{
  OffloadChunkWidth *entry = g_hash_table_lookup (stats->widths, GUINT_TO_POINTER (width));

  return entry != NULL ? entry->records : 0;
}

static void
test_chunks_merge_to_whole (void)
{
  g_autoptr(GString) csv = g_string_new (NULL);
  g_autoptr(OffloadChunkStats) whole = NULL;
  g_autoptr(OffloadChunkStats) merged = offload_chunk_stats_new (BITS);
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  gsize cuts[6];

  offload_sample_data_append_header (csv);
  for (guint64 row = 0; row < 5000; row++)
    offload_sample_data_append_row (csv, row, OFFLOAD_SAMPLE_DATA_DEFAULT_SEED);

  whole = read_chunk (csv->str, csv->len, 0, csv->len);
  g_assert_cmpuint (whole->records, ==, 5000);
  g_assert_cmpuint (g_strv_length (whole->header), ==, OFFLOAD_SAMPLE_DATA_N_COLUMNS);
  g_assert_cmpuint (whole->columns->len, ==, OFFLOAD_SAMPLE_DATA_N_COLUMNS);

  cuts[0] = 0;
  cuts[G_N_ELEMENTS (cuts) - 1] = csv->len;
  for (guint i = 1; i < G_N_ELEMENTS (cuts) - 1; i++)
    cuts[i] = cuts[i - 1] + (gsize) g_rand_int_range (rand, 1, (gint32) (csv->len / 4));
  for (guint i = 0; i + 1 < G_N_ELEMENTS (cuts); i++)
    {
      g_autoptr(OffloadChunkStats) chunk = read_chunk (csv->str, csv->len, cuts[i],
                                                       MIN (cuts[i + 1], csv->len));
      g_autoptr(OffloadChunkStats) received = round_trip (chunk);
      g_autoptr(GError) error = NULL;

      g_assert_true (offload_chunk_stats_merge (merged, received, &error));
      g_assert_no_error (error);
    }

  g_assert_cmpuint (merged->records, ==, whole->records);
  g_assert_cmpstrv (merged->header, whole->header);
  g_assert_cmpuint (width_count (merged, OFFLOAD_SAMPLE_DATA_N_COLUMNS), ==, 5000);
  g_assert_false (merged->irregular);

  g_assert_cmpuint (merged->columns->len, ==, whole->columns->len);
  for (guint c = 0; c < whole->columns->len; c++)
    {
      OffloadColumnPartial *a = g_ptr_array_index (whole->columns, c);
      OffloadColumnPartial *b = g_ptr_array_index (merged->columns, c);

      g_assert_cmpuint (a->missing, ==, b->missing);
      g_assert_cmpuint (a->text, ==, b->text);
      g_assert_cmpuint (a->moments.count, ==, b->moments.count);
      g_assert_cmpfloat (a->moments.min, ==, b->moments.min);
      g_assert_cmpfloat (a->moments.max, ==, b->moments.max);
      if (a->moments.finite > 0)
        g_assert_cmpfloat_with_epsilon (a->moments.mean, b->moments.mean,
                                        1e-12 * MAX (1, fabs (a->moments.mean)));
      g_assert_true ((a->histogram == NULL) == (b->histogram == NULL));
      if (a->histogram != NULL)
        g_assert_cmpmem (a->histogram->counts, sizeof (guint64) << BITS,
                         b->histogram->counts, sizeof (guint64) << BITS);
      g_assert_cmpstr (a->first_text, ==, b->first_text);
    }

  /* The sample's id column is numeric; its category column is text. */
  g_assert_cmpuint (((OffloadColumnPartial *) g_ptr_array_index (whole->columns, 0))->text, ==, 0);
  g_assert_cmpuint (((OffloadColumnPartial *) g_ptr_array_index (whole->columns, 6))->text, >, 0);
}

static void
test_special_values_survive (void)
{
  g_autoptr(OffloadChunkStats) stats = offload_chunk_stats_new (BITS);
  g_autoptr(OffloadChunkStats) back = NULL;
  OffloadColumnPartial *column;

  offload_chunk_stats_add_cell (stats, 0, "inf", 3);
  offload_chunk_stats_add_cell (stats, 0, "-inf", 4);
  offload_chunk_stats_add_cell (stats, 0, "0.1", 3);
  offload_chunk_stats_add_cell (stats, 1, "NA", 2);     /* a column with no number */
  offload_chunk_stats_add_cell (stats, 2, "caf\xC3\xA9", 5);
  offload_chunk_stats_end_record (stats, 3);

  back = round_trip (stats);
  column = offload_chunk_stats_get_column (back, 0);
  g_assert_cmpuint (column->moments.positive_infinite, ==, 1);
  g_assert_cmpuint (column->moments.negative_infinite, ==, 1);
  g_assert_true (isinf (column->moments.min) && column->moments.min < 0);
  g_assert_cmpfloat (column->moments.mean, ==, 0.1);     /* exactly, through JSON */

  column = offload_chunk_stats_get_column (back, 1);
  g_assert_cmpuint (column->missing, ==, 1);
  g_assert_true (isinf (column->moments.min) && column->moments.min > 0);

  column = offload_chunk_stats_get_column (back, 2);
  g_assert_cmpstr (column->first_text, ==, "caf\xC3\xA9");

  /* A mean that one double does not hold, both its parts. */
  {
    g_autoptr(OffloadChunkStats) far = offload_chunk_stats_new (BITS);
    g_autoptr(OffloadChunkStats) far_back = NULL;
    const OffloadColumnPartial *before, *after;

    offload_chunk_stats_add_cell (far, 0, "1700000000000", 13);
    offload_chunk_stats_add_cell (far, 0, "1700000000001", 13);
    offload_chunk_stats_add_cell (far, 0, "1700000000001", 13);
    offload_chunk_stats_flush (far);
    before = offload_chunk_stats_get_column (far, 0);
    g_assert_cmpfloat (before->moments.mean_low, !=, 0);

    far_back = round_trip (far);
    after = offload_chunk_stats_get_column (far_back, 0);
    g_assert_cmpfloat (after->moments.mean, ==, before->moments.mean);
    g_assert_cmpfloat (after->moments.mean_low, ==, before->moments.mean_low);
    g_assert_cmpfloat (after->moments.m2, ==, before->moments.m2);
  }
}

/* A worker that prints garbage gives an error, never a crash. */
static void
test_garbage_rejected (void)
{
  static const char * const garbage[] = {
    "[]", "{}", "{\"bits\": 0}", "{\"bits\": 99}",
    "{\"bits\": 10, \"records\": -1, \"irregular\": false, \"widths\": [], \"columns\": []}",
    "{\"bits\": 10, \"records\": 1, \"irregular\": \"no\", \"widths\": [], \"columns\": []}",
    "{\"bits\": 10, \"records\": 1, \"irregular\": false, \"widths\": [[1]], \"columns\": []}",
    "{\"bits\": 10, \"records\": 1, \"irregular\": false, \"widths\": [], \"columns\": [7]}",
    "{\"bits\": 2, \"records\": 1, \"irregular\": false, \"widths\": [], \"columns\": [{"
      "\"missing\": 0, \"text\": 0, \"count\": 1, \"finite\": 1, \"pinf\": 0, \"ninf\": 0,"
      "\"mean\": 1, \"m2\": 0, \"min\": 1, \"max\": 1, \"histogram\": [[4, 1]]}]}",
    "{\"bits\": 2, \"records\": 1, \"irregular\": false, \"widths\": [], \"columns\": [{"
      "\"missing\": 0, \"text\": 0, \"count\": 2, \"finite\": 1, \"pinf\": 0, \"ninf\": 0,"
      "\"mean\": 1, \"m2\": 0, \"min\": 1, \"max\": 1, \"histogram\": [[1, 1]]}]}",
    "{\"bits\": 2, \"records\": 1, \"irregular\": false, \"widths\": [], \"columns\": [{"
      "\"missing\": 0, \"text\": 0, \"count\": 1, \"finite\": 1, \"pinf\": 0, \"ninf\": 0,"
      "\"mean\": \"lots\", \"m2\": 0, \"min\": 1, \"max\": 1, \"histogram\": [[1, 1]]}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (garbage[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(OffloadChunkStats) stats = NULL;

      g_assert_nonnull (node);
      stats = offload_chunk_stats_from_json (node, &error);
      if (stats != NULL)
        g_error ("accepted: %s", garbage[i]);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }

  /* A header wider than any chunk may be. */
  {
    g_autoptr(GString) wide = g_string_new ("{\"bits\": 10, \"records\": 0, "
                                            "\"irregular\": false, \"widths\": [], "
                                            "\"columns\": [], \"header\": [");
    g_autoptr(JsonNode) node = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(OffloadChunkStats) stats = NULL;

    for (guint i = 0; i <= OFFLOAD_CHUNK_STATS_MAX_COLUMNS; i++)
      g_string_append (wide, i == 0 ? "\"c\"" : ",\"c\"");
    g_string_append (wide, "]}");
    node = json_from_string (wide->str, NULL);
    g_assert_nonnull (node);
    stats = offload_chunk_stats_from_json (node, &error);
    g_assert_null (stats);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  }
}

static void
test_merge_mismatch (void)
{
  g_autoptr(OffloadChunkStats) a = offload_chunk_stats_new (8);
  g_autoptr(OffloadChunkStats) b = offload_chunk_stats_new (9);
  g_autoptr(GError) error = NULL;

  g_assert_false (offload_chunk_stats_merge (a, b, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

/* json-glib writes 1e20 as "1e+20.0", which is not JSON: what the worker
 * sends is mended, so such numbers come back, and strings are left alone. */
static void
test_json_exponents (void)
{
  char text[] = "{\"a\":\"1e+20.0 \\\"2e+5.0\",\"b\":1e+20.0,\"c\":[2e-05.0,true,1.5e+300,"
                "3.0,-4e+22.0]}";
  g_autoptr(OffloadChunkStats) stats = offload_chunk_stats_new (10);
  g_autoptr(OffloadChunkStats) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  offload_json_fix_numbers (text);
  g_assert_cmpstr (text, ==,
                   "{\"a\":\"1e+20.0 \\\"2e+5.0\",\"b\":1e+20,\"c\":[2e-05,true,1.5e+300,3.0,"
                   "-4e+22]}");

  /* Strings after a mended number move up whole, escapes and all. */
  {
    char later[] = "{\"b\":1e+20.0,\"s\":\"x\\\"y\\\\\",\"t\":\"7e+5.0\",\"u\":5e+5.0}";

    offload_json_fix_numbers (later);
    g_assert_cmpstr (later, ==, "{\"b\":1e+20,\"s\":\"x\\\"y\\\\\",\"t\":\"7e+5.0\",\"u\":5e+5}");
  }

  offload_chunk_stats_add_cell (stats, 0, "1e20", 4);
  offload_chunk_stats_add_cell (stats, 0, "-1e300", 6);
  offload_chunk_stats_flush (stats);
  node = offload_chunk_stats_to_json (stats);
  json = offload_json_to_string (node, FALSE);
  parsed = json_from_string (json, &error);
  g_assert_no_error (error);
  back = offload_chunk_stats_from_json (parsed, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (offload_chunk_stats_get_column (back, 0)->moments.max, ==, 1e20);
  g_assert_cmpfloat (offload_chunk_stats_get_column (back, 0)->moments.min, ==, -1e300);
}

static OffloadRefinePlan *
plan_with_windows (const char  *windows,
                   GError     **error)
{
  g_autofree char *text = g_strdup_printf ("{\"targets\": [], \"bins\": [], \"text\": [], "
                                           "\"text_max_exact\": 2, \"ranges\": [%s]}",
                                           windows);
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  g_assert_nonnull (node);
  return offload_refine_plan_from_json (node, error);
}

/* A number is in one window of its column at most: a plan whose windows
 * of one column overlap is refused, in whatever order they come; the same
 * bounds in other columns are not an overlap. The windows of a column are
 * found by its index, in the order of their bounds. */
static void
test_plan_windows (void)
{
  static const char * const overlapping[] = {
    "[0, 10, 20, 5], [0, 20, 30, 5]",
    "[0, 20, 30, 5], [0, 10, 20, 5]",
    "[0, 10, 100, 5], [1, 0, 1, 5], [0, 40, 50, 5]",
    "[2, 1, 1, 5], [0, 0, 9, 5], [2, 0, 3, 5]",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(OffloadRefinePlan) plan = NULL;
  g_autoptr(OffloadRefineStats) stats = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (overlapping); i++)
    {
      g_autoptr(GError) refused = NULL;
      g_autoptr(OffloadRefinePlan) bad = plan_with_windows (overlapping[i], &refused);

      if (bad != NULL)
        g_error ("accepted: %s", overlapping[i]);
      g_assert_error (refused, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }

  plan = plan_with_windows ("[0, 50, 60, 5], [1, 10, 20, 5], [0, 10, 20, 5], [1, 21, 30, 5], "
                            "[0, 30, 40, 5]", &error);
  g_assert_no_error (error);
  g_assert_nonnull (plan);

  stats = offload_refine_stats_new (plan);
  g_assert_true (offload_refine_stats_get_window (stats, 0, 0) == &stats->ranges[2]);
  g_assert_true (offload_refine_stats_get_window (stats, 0, 1) == &stats->ranges[4]);
  g_assert_true (offload_refine_stats_get_window (stats, 0, 2) == &stats->ranges[0]);
  g_assert_null (offload_refine_stats_get_window (stats, 0, 3));
  g_assert_true (offload_refine_stats_get_window (stats, 1, 0) == &stats->ranges[1]);
  g_assert_true (offload_refine_stats_get_window (stats, 1, 1) == &stats->ranges[3]);
  g_assert_null (offload_refine_stats_get_window (stats, 1, 2));
  g_assert_null (offload_refine_stats_get_window (stats, 2, 0));
  g_assert_null (offload_refine_stats_get_window (stats, 100000, 0));
  g_assert_cmpint (offload_refine_stats_find_grid (stats, 0), ==, -1);
  g_assert_cmpint (offload_refine_stats_find_text (stats, 1), ==, -1);
}

/* Cells of 1/4 from -10 to 30: the grid of the tests below. */
#define GRID_TUPLE "[0, -2, -40, 160, 1000000]"

static guint64
cell_key (gint64 cell)
{
  double lowest = ldexp ((double) (cell - 40), -2);

  return offload_order_key (lowest == 0 ? -0.0 : lowest);
}

static OffloadRefinePlan *
plan_from (const char *windows,
           const char *grids)
{
  g_autofree char *text = g_strdup_printf ("{\"targets\": [], \"bins\": [], \"text\": [], "
                                           "\"text_max_exact\": 2, \"ranges\": [%s], "
                                           "\"grids\": [%s]}", windows, grids);
  g_autoptr(JsonNode) node = json_from_string (text, NULL);
  g_autoptr(GError) error = NULL;
  OffloadRefinePlan *plan;

  g_assert_nonnull (node);
  plan = offload_refine_plan_from_json (node, &error);
  g_assert_no_error (error);
  return plan;
}

static void
assert_same_window (OffloadRefineRangeCounts *a,
                    OffloadRefineRangeCounts *b)
{
  g_assert_cmpuint (a->below, ==, b->below);
  g_assert_cmpint (a->overflow, ==, b->overflow);
  g_assert_cmpuint (a->values->len, ==, b->values->len);
  offload_sort_keys ((guint64 *) (void *) a->values->data, a->values->len);
  offload_sort_keys ((guint64 *) (void *) b->values->data, b->values->len);
  for (guint i = 0; i < a->values->len; i++)
    g_assert_cmpuint (g_array_index (a->values, guint64, i), ==,
                      g_array_index (b->values, guint64, i));
}

/* Counts @values for @windows (three, of column 0) on the test grid and
 * by key alone, in batches of any size, merged as the parent merges (one
 * chunk as it is, the other through the worker's JSON): the same numbers
 * below each window and in it. */
static void
assert_windows_count_alike (const char *windows,
                            GArray     *values,
                            GRand      *rand)
{
  g_autoptr(OffloadRefinePlan) on_grid = plan_from (windows, GRID_TUPLE);
  g_autoptr(OffloadRefinePlan) by_key = plan_from (windows, "");
  g_autoptr(OffloadRefineStats) a = offload_refine_stats_new (on_grid);
  g_autoptr(OffloadRefineStats) a2 = offload_refine_stats_new (on_grid);
  g_autoptr(OffloadRefineStats) b = offload_refine_stats_new (by_key);
  g_autoptr(OffloadRefineStats) merged = offload_refine_stats_new (on_grid);
  g_autoptr(OffloadRefineStats) merged_back = offload_refine_stats_new (on_grid);
  g_autoptr(OffloadRefineStats) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < values->len;)
    {
      guint n = MIN ((guint) g_rand_int_range (rand, 1, 300), values->len - i);
      const double *batch = &g_array_index (values, double, i);

      offload_refine_stats_add_numbers (i < values->len / 2 ? a : a2, 0, batch, n);
      offload_refine_stats_add_numbers (b, 0, batch, n);
      i += n;
      /* Windows read while numbers still come: counted once each. */
      if (g_rand_int_range (rand, 0, 10) == 0)
        offload_refine_stats_get_window (a, 0, 0);
    }

  offload_refine_stats_merge (merged, a);
  offload_refine_stats_merge (merged, a2);
  node = offload_refine_stats_to_json (a2);
  back = offload_refine_stats_from_json (on_grid, node, &error);
  g_assert_no_error (error);
  offload_refine_stats_merge (merged_back, a);
  offload_refine_stats_merge (merged_back, back);
  for (guint k = 0; k < 3; k++)
    {
      g_assert_cmpuint (offload_refine_stats_get_window (b, 0, k)->values->len, >, 50);
      assert_same_window (offload_refine_stats_get_window (merged, 0, k),
                          offload_refine_stats_get_window (b, 0, k));
      assert_same_window (offload_refine_stats_get_window (merged_back, 0, k),
                          offload_refine_stats_get_window (b, 0, k));
    }
}

static char *
windows_of (guint64 low0, guint64 high0,
            guint64 low1, guint64 high1,
            guint64 low2, guint64 high2)
{
  return g_strdup_printf ("[0, %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT ", 1000000], "
                          "[0, %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT ", 1000000], "
                          "[0, %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT ", 1000000]",
                          low0, high0, low1, high1, low2, high2);
}

/* Varints written in place (the keys a worker sends) are the bytes the
 * appending writer makes, of the size said, and read back the same. */
static void
test_varints (void)
{
  const guint64 values[] = { 0, 1, 127, 128, 300, 16383, 16384, G_MAXUINT32,
                             G_GUINT64_CONSTANT (1) << 63, G_MAXUINT64 - 1, G_MAXUINT64 };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(GByteArray) appended = g_byte_array_new ();
      guint8 written[10];
      guint8 *end = offload_varint_write (written, values[i]);
      const guint8 *p = written;
      guint64 back;

      offload_varint_put (appended, values[i]);
      g_assert_cmpuint (end - written, ==, offload_varint_size (values[i]));
      g_assert_cmpmem (written, end - written, appended->data, appended->len);
      g_assert_true (offload_varint_get (&p, end, &back));
      g_assert_true (p == end);
      g_assert_cmpuint (back, ==, values[i]);
    }
  g_assert_cmpuint (offload_varint_size (127), ==, 1);
  g_assert_cmpuint (offload_varint_size (128), ==, 2);
  g_assert_cmpuint (offload_varint_size (G_MAXUINT64), ==, 10);
}

/* What windows keep is bounded twice: by each window's own bound, and by
 * the plan's on all of them together. A number past a bound is not kept
 * and its window says it overflowed; those before it are kept, in the
 * file's order, whether the grid's loop notes them or the windows' own,
 * in blocks of any size (a block that fits is kept in one go). */
static void
test_window_bounds (void)
{
  /* [-7.5, -5), [-0, 0.25) and [15, 30): whole cells of the test grid. */
  const double inside[] = { -6.0, 0.1, 20.0, 99.0 /* in none */ };
  const guint blocks[] = { 1, 3, 40, 256 };
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < 200; i++)
    {
      /* Mostly the first window, so that its bound is met first. */
      double value = inside[(i * 7) % 11 < 6 ? 0 : (i * 7) % 11 < 8 ? 1 : (i * 7) % 11 < 10 ? 2 : 3];

      value += (i % 13) / 64.0;
      g_array_append_val (values, value);
    }

  for (guint on_grid = 0; on_grid < 2; on_grid++)
    for (guint bound = 0; bound < 3; bound++)
      for (guint b = 0; b < G_N_ELEMENTS (blocks); b++)
        {
          /* No bound; each window at most 25; all at most 60. */
          guint window_max = bound == 1 ? 25 : 1000000, all_max = bound == 2 ? 60 : 0;
          g_autofree char *text = NULL;
          g_autoptr(JsonNode) node = NULL;
          g_autoptr(OffloadRefinePlan) plan = NULL;
          g_autoptr(OffloadRefineStats) stats = NULL;
          g_autoptr(GError) error = NULL;
          guint kept[3] = { 0, 0, 0 }, all = 0;
          gboolean overflow[3] = { FALSE, FALSE, FALSE };

          text = g_strdup_printf ("{\"targets\": [], \"bins\": [], \"text\": [], "
                                  "\"text_max_exact\": 2, \"range_values\": %u, \"ranges\": "
                                  "[[0, %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT ", %u], "
                                  "[0, %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT ", %u], "
                                  "[0, %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT ", %u]], "
                                  "\"grids\": [%s]}", all_max,
                                  cell_key (10), cell_key (20) - 1, window_max,
                                  cell_key (40), cell_key (41) - 1, window_max,
                                  cell_key (100), cell_key (160) - 1, window_max,
                                  on_grid ? GRID_TUPLE : "");
          node = json_from_string (text, &error);
          g_assert_no_error (error);
          plan = offload_refine_plan_from_json (node, &error);
          g_assert_no_error (error);
          stats = offload_refine_stats_new (plan);

          for (guint i = 0; i < values->len; i += blocks[b])
            offload_refine_stats_add_numbers (stats, 0, &g_array_index (values, double, i),
                                              MIN (blocks[b], values->len - i));

          /* The same, one number at a time, by hand. */
          for (guint i = 0; i < values->len; i++)
            {
              guint64 key = offload_order_key (g_array_index (values, double, i));

              for (guint w = 0; w < 3; w++)
                {
                  const OffloadRefineRange *r = &g_array_index (plan->ranges,
                                                                OffloadRefineRange, w);

                  if (key < r->low || key > r->high)
                    continue;
                  if (kept[w] < window_max && (all_max == 0 || all < all_max))
                    kept[w]++, all++;
                  else
                    overflow[w] = TRUE;
                }
            }

          g_assert_cmpuint (kept[0], >, 0);
          g_assert_cmpuint (kept[2], >, 0);
          if (bound != 0)
            g_assert_true (overflow[0]);
          for (guint w = 0; w < 3; w++)
            {
              OffloadRefineRangeCounts *counts = offload_refine_stats_get_window (stats, 0, w);

              g_assert_nonnull (counts);
              g_assert_cmpuint (counts->values->len, ==, kept[w]);
              g_assert_cmpint (counts->overflow, ==, overflow[w]);
            }
          g_assert_cmpuint (stats->range_values, ==, all);
        }
}

/* Windows of whole cells of a grid are counted in the grid's loop, by
 * cell (the workers' fast way); others by key. Both count the same,
 * whatever the numbers (cell edges and the numbers next to them, -0 and
 * +0, subnormals, infinities, numbers off the grid on either side, the
 * windows' own bounds and their neighbours), also when the windows are
 * read while numbers still come; and windows that cut cells (two of them
 * in one cell) stay by key beside a grid. */
static void
test_grid_windows (void)
{
  g_autofree char *whole = windows_of (cell_key (10), cell_key (20) - 1,  /* [-7.5, -5) */
                                       cell_key (40), cell_key (41) - 1,  /* [-0, 0.25) */
                                       cell_key (100), cell_key (160) - 1);  /* [15, 30) */
  const double cut_bounds[] = { -7.3, -5.1, 1.01, 1.1, 1.15, 1.2 };
  g_autofree char *cut = windows_of (offload_order_key (cut_bounds[0]),
                                     offload_order_key (cut_bounds[1]),
                                     offload_order_key (cut_bounds[2]),
                                     offload_order_key (cut_bounds[3]),
                                     offload_order_key (cut_bounds[4]),
                                     offload_order_key (cut_bounds[5]));
  g_autoptr(OffloadRefinePlan) plan = plan_from (whole, GRID_TUPLE);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261204);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  const OffloadRefineGrid *grid = &g_array_index (plan->grids, OffloadRefineGrid, 0);
  const double special[] = { 0.0, -0.0, 4.9e-324, -4.9e-324, 2.2e-308, -2.2e-308, INFINITY,
                             -INFINITY, DBL_MAX, -DBL_MAX, 1e300, -1e300 };
  guint first, last;

  /* The windows are whole cells; one key off, they are not. */
  for (guint k = 0; k < 3; k++)
    {
      const OffloadRefineRange *r = &g_array_index (plan->ranges, OffloadRefineRange, k);

      g_assert_true (offload_refine_grid_window_cells (grid, r->low, r->high, &first, &last));
      g_assert_false (offload_refine_grid_window_cells (grid, r->low + 1, r->high, &first, &last));
      g_assert_false (offload_refine_grid_window_cells (grid, r->low, r->high - 1, &first, &last));
    }
  g_assert_true (offload_refine_grid_window_cells (grid, cell_key (40), cell_key (41) - 1,
                                                   &first, &last));
  g_assert_cmpuint (first, ==, 40);
  g_assert_cmpuint (last, ==, 40);
  g_assert_false (offload_refine_grid_window_cells (grid, offload_order_key (1.01),
                                                    offload_order_key (1.1), &first, &last));

  for (guint i = 0; i < 30000; i++)
    {
      double value;

      switch (g_rand_int_range (rand, 0, 6))
        {
        case 0:
          value = special[g_rand_int_range (rand, 0, G_N_ELEMENTS (special))];
          break;
        case 1:
          /* A cell's edge, or a number next to one. */
          value = ldexp (g_rand_int_range (rand, -60, 140), -2);
          if (g_rand_boolean (rand))
            value = nextafter (value, g_rand_boolean (rand) ? 1e9 : -1e9);
          break;
        case 2:
          /* A cut window's bound, or next to it. */
          value = cut_bounds[g_rand_int_range (rand, 0, G_N_ELEMENTS (cut_bounds))];
          if (g_rand_boolean (rand))
            value = nextafter (value, g_rand_boolean (rand) ? 1e9 : -1e9);
          break;
        case 3:
          /* The cell the two small windows share. */
          value = g_rand_double_range (rand, 1.0, 1.25);
          break;
        default:
          value = g_rand_double_range (rand, -15, 35);
          break;
        }
      g_array_append_val (values, value);
    }

  assert_windows_count_alike (whole, values, rand);
  assert_windows_count_alike (cut, values, rand);

  /* A grid whose 32-bit cells may have wrapped (2^32 numbers in one piece,
   * here pretended): its windows say they are no use, not a wrong count. */
  {
    g_autoptr(OffloadRefineStats) huge = offload_refine_stats_new (plan);

    huge->grids[0].counted = G_MAXUINT32 - 5;
    offload_refine_stats_add_numbers (huge, 0, (const double *) (void *) values->data, 100);
    for (guint k = 0; k < 3; k++)
      g_assert_true (offload_refine_stats_get_window (huge, 0, k)->overflow);
  }
}

#define SKETCH_BITS OFFLOAD_TEXT_COUNTER_SKETCH_BITS

/* A counter of @n distinct values, of which @max_exact are held exactly. */
static OffloadTextCounter *
text_counter_bits_of (guint n,
                      guint max_exact,
                      guint sketch_bits)
{
  OffloadTextCounter *counter = offload_text_counter_new (max_exact, sketch_bits);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *value = g_strdup_printf ("value %u", i);

      offload_text_counter_add (counter, value, strlen (value), i);
    }
  return counter;
}

static OffloadTextCounter *
text_counter_of (guint n,
                 guint max_exact)
{
  return text_counter_bits_of (n, max_exact, SKETCH_BITS);
}

static OffloadTextCounter *
text_round_trip_bits (const OffloadTextCounter *counter,
                      const char               *member,
                      guint                     sketch_bits)
{
  g_autoptr(JsonNode) node = offload_text_counter_to_json (counter);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(JsonNode) back = json_from_string (text, NULL);
  g_autoptr(GError) error = NULL;
  OffloadTextCounter *read;

  /* The sketch goes with estimates only, sparse while few registers are
   * set. */
  g_assert_cmpint (json_object_has_member (json_node_get_object (node), "hll"), ==,
                   g_strcmp0 (member, "hll") == 0);
  g_assert_cmpint (json_object_has_member (json_node_get_object (node), "hll_set"), ==,
                   g_strcmp0 (member, "hll_set") == 0);
  read = offload_text_counter_from_json (back, 64, sketch_bits, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (offload_text_counter_get_distinct (read), ==,
                    offload_text_counter_get_distinct (counter));
  g_assert_cmpint (offload_text_counter_is_exact (read), ==,
                   offload_text_counter_is_exact (counter));
  return read;
}

static OffloadTextCounter *
text_round_trip (const OffloadTextCounter *counter,
                 const char               *member)
{
  return text_round_trip_bits (counter, member, SKETCH_BITS);
}

/* Text values through JSON: exact counts, estimates from a sketch of few
 * registers set or of many; merged, a sketch made late (when a counter
 * first estimates) equals one made from the start. */
static void
test_text_counter (void)
{
  static const char * const garbage[] = {
    "{\"exact\": true, \"hll_set\": \"AQE=\", \"entries\": \"\"}",
    "{\"exact\": false, \"entries\": \"\"}",
    "{\"exact\": false, \"hll_set\": \"gIABAQ==\", \"entries\": \"\"}",
    "{\"exact\": false, \"hll_set\": \"AEA=\", \"entries\": \"\"}",
    "{\"exact\": false, \"hll\": \"AQE=\", \"entries\": \"\"}",
    /* The values: none, a hash cut short, a count of 0, a sample past the
     * end, with a NUL, not UTF-8. */
    "{\"exact\": true}",
    "{\"exact\": true, \"entries\": \"AAAAAA==\"}",
    "{\"exact\": true, \"entries\": \"AAAAAAAAAAAAAAA=\"}",
    "{\"exact\": true, \"entries\": \"AAAAAAAAAAABAAVhYg==\"}",
    "{\"exact\": true, \"entries\": \"AAAAAAAAAAABAAEA\"}",
    "{\"exact\": true, \"entries\": \"AAAAAAAAAAABAAH/\"}",
  };
  g_autoptr(OffloadTextCounter) exact = text_counter_of (50, 64);
  g_autoptr(OffloadTextCounter) few = text_counter_of (200, 64);
  g_autoptr(OffloadTextCounter) many = text_counter_of (100000, 64);
  g_autoptr(OffloadTextCounter) exact_back = text_round_trip (exact, NULL);
  g_autoptr(OffloadTextCounter) few_back = text_round_trip (few, "hll_set");
  g_autoptr(OffloadTextCounter) many_back = text_round_trip (many, "hll");
  g_autoptr(OffloadTextCounter) halves = text_counter_of (0, 64);

  g_assert_cmpuint (offload_text_counter_get_distinct (exact_back), ==, 50);
  g_assert_true (offload_text_counter_is_exact (exact_back));
  g_assert_false (offload_text_counter_is_exact (few_back));
  /* HyperLogLog's error at 2^14 registers is about 0.8 %. */
  g_assert_cmpuint (offload_text_counter_get_distinct (many_back), >, 95000);
  g_assert_cmpuint (offload_text_counter_get_distinct (many_back), <, 105000);

  /* The same 200 values as two exact halves, merged, then past the limit:
   * the sketch is the one of all 200. */
  for (guint half = 0; half < 2; half++)
    {
      g_autoptr(OffloadTextCounter) part = offload_text_counter_new (150, SKETCH_BITS);

      for (guint i = half * 100; i < half * 100 + 100; i++)
        {
          g_autofree char *value = g_strdup_printf ("value %u", i);

          offload_text_counter_add (part, value, strlen (value), i);
        }
      g_assert_true (offload_text_counter_is_exact (part));
      offload_text_counter_merge (halves, part);
    }
  g_assert_false (offload_text_counter_is_exact (halves));
  g_assert_cmpuint (offload_text_counter_get_distinct (halves), ==,
                    offload_text_counter_get_distinct (few));

  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (garbage[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(OffloadTextCounter) read = NULL;

      g_assert_nonnull (node);
      read = offload_text_counter_from_json (node, 64, SKETCH_BITS, &error);
      if (read != NULL)
        g_error ("accepted: %s", garbage[i]);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }

  /* A value that is no UTF-8 (Latin-1, say): its sample made valid and
   * cut to the limit, and read back as it was sent. */
  {
    g_autoptr(OffloadTextCounter) latin = offload_text_counter_new (64, SKETCH_BITS);
    g_autoptr(OffloadTextCounter) back = NULL;
    g_autoptr(GString) value = g_string_new (NULL);
    const char *top;
    guint64 count = 0;

    for (guint i = 0; i < 60; i++)
      g_string_append (value, "\xE9");
    offload_text_counter_add (latin, value->str, value->len, 0);
    top = offload_text_counter_get_top (latin, NULL);
    g_assert_true (g_utf8_validate (top, -1, NULL));
    g_assert_cmpuint (strlen (top), <=, OFFLOAD_TEXT_COUNTER_SAMPLE_BYTES);
    g_assert_true (g_str_has_suffix (top, "\xEF\xBF\xBD…"));
    back = text_round_trip (latin, NULL);
    g_assert_cmpstr (offload_text_counter_get_top (back, &count), ==, top);
    g_assert_cmpuint (count, ==, 1);
  }

  /* One value, "a", counted once, as bytes: read back as it was. */
  {
    g_autoptr(JsonNode) node = json_from_string ("{\"exact\": true, "
                                                 "\"entries\": \"AAAAAAAAAAABAAFh\"}", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(OffloadTextCounter) read = offload_text_counter_from_json (node, 64, SKETCH_BITS,
                                                                          &error);
    guint64 count = 0;

    g_assert_no_error (error);
    g_assert_cmpuint (offload_text_counter_get_distinct (read), ==, 1);
    g_assert_cmpstr (offload_text_counter_get_top (read, &count), ==, "a");
    g_assert_cmpuint (count, ==, 1);
  }

  /* A wide file's smaller sketches: within their budget, a few per cent
   * off, and read back only at their own size. */
  g_assert_cmpuint (offload_text_counter_sketch_bits (1), ==, 14);
  g_assert_cmpuint (offload_text_counter_sketch_bits (512), ==, 14);
  g_assert_cmpuint (offload_text_counter_sketch_bits (513), ==, 13);
  g_assert_cmpuint (offload_text_counter_sketch_bits (10000), ==, 9);
  g_assert_cmpuint (offload_text_counter_sketch_bits (100000), ==, 7);
  {
    g_autoptr(OffloadTextCounter) small = text_counter_bits_of (100000, 64, 9);
    g_autoptr(OffloadTextCounter) small_back = text_round_trip_bits (small, "hll", 9);
    g_autoptr(OffloadTextCounter) small_few = text_counter_bits_of (40, 16, 9);
    g_autoptr(OffloadTextCounter) small_few_back = text_round_trip_bits (small_few, "hll_set", 9);
    g_autoptr(JsonNode) node = offload_text_counter_to_json (many);
    g_autoptr(GError) error = NULL;
    g_autoptr(OffloadTextCounter) wrong = offload_text_counter_from_json (node, 64, 9, &error);

    /* 1.04 / sqrt (512): about 4.6 %. */
    g_assert_cmpuint (offload_text_counter_get_distinct (small_back), >, 85000);
    g_assert_cmpuint (offload_text_counter_get_distinct (small_back), <, 115000);
    g_assert_cmpuint (offload_text_counter_get_distinct (small_few_back), >=, 36);
    g_assert_cmpuint (offload_text_counter_get_distinct (small_few_back), <=, 44);
    g_assert_null (wrong);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  }
}

/* Every byte of a value counts, at every length: the hash reads short
 * values in overlapping words, long ones sixteen bytes at a time. */
static void
test_text_counter_bytes (void)
{
  g_autoptr(OffloadTextCounter) counter = offload_text_counter_new (400000, SKETCH_BITS);
  guint64 added = 0;
  char value[64];

  /* Every string of "a" and "b" up to 17 bytes long, the empty one too. */
  for (guint length = 0; length <= 17; length++)
    for (guint bits = 0; bits < (1u << length); bits++)
      {
        for (guint i = 0; i < length; i++)
          value[i] = (bits >> i) & 1 ? 'b' : 'a';
        offload_text_counter_add (counter, value, length, added++);
      }
  /* Longer ones: all "x", then one "y" at each place. */
  for (guint length = 18; length <= 64; length++)
    {
      memset (value, 'x', length);
      offload_text_counter_add (counter, value, length, added++);
      for (guint i = 0; i < length; i++)
        {
          value[i] = 'y';
          offload_text_counter_add (counter, value, length, added++);
          value[i] = 'x';
        }
    }

  g_assert_true (offload_text_counter_is_exact (counter));
  g_assert_cmpuint (offload_text_counter_get_distinct (counter), ==, added);
}

/* A counter far past its limit: the frequent value survives every pruning
 * whole, its text too, and is the top. */
static void
test_text_counter_pruned (void)
{
  g_autoptr(OffloadTextCounter) counter = offload_text_counter_new (64, SKETCH_BITS);
  g_autoptr(OffloadTextCounter) back = NULL;
  const char *frequent = "the value seen every tenth time";
  guint64 count = 0, times = 0;

  for (guint i = 0; i < 50000; i++)
    {
      g_autofree char *value = g_strdup_printf ("batch %u, item %u", i / 97, i % 97);

      if (i % 10 == 0)
        {
          offload_text_counter_add (counter, frequent, strlen (frequent), i);
          times++;
        }
      offload_text_counter_add (counter, value, strlen (value), i);
    }

  g_assert_false (offload_text_counter_is_exact (counter));
  g_assert_cmpstr (offload_text_counter_get_top (counter, &count), ==, frequent);
  g_assert_cmpuint (count, <=, times);
  g_assert_cmpuint (count, >=, times - 10);
  g_assert_cmpuint (offload_text_counter_get_distinct (counter), >, 49000);
  g_assert_cmpuint (offload_text_counter_get_distinct (counter), <, 51000);

  back = text_round_trip (counter, "hll");
  g_assert_cmpstr (offload_text_counter_get_top (back, &count), ==, frequent);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/offload/chunk-stats/merge-to-whole", test_chunks_merge_to_whole);
  g_test_add_func ("/offload/chunk-stats/special-values", test_special_values_survive);
  g_test_add_func ("/offload/chunk-stats/garbage", test_garbage_rejected);
  g_test_add_func ("/offload/chunk-stats/merge-mismatch", test_merge_mismatch);
  g_test_add_func ("/offload/chunk-stats/json-exponents", test_json_exponents);
  g_test_add_func ("/offload/chunk-stats/plan-windows", test_plan_windows);
  g_test_add_func ("/offload/chunk-stats/grid-windows", test_grid_windows);
  g_test_add_func ("/offload/chunk-stats/varints", test_varints);
  g_test_add_func ("/offload/chunk-stats/window-bounds", test_window_bounds);
  g_test_add_func ("/offload/chunk-stats/text-counter", test_text_counter);
  g_test_add_func ("/offload/chunk-stats/text-counter-bytes", test_text_counter_bytes);
  g_test_add_func ("/offload/chunk-stats/text-counter-pruned", test_text_counter_pruned);

  return g_test_run ();
}
