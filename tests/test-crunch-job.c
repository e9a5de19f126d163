/* test-crunch-job.c: the crunch job with real workers, against a reference
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "offload-chunk-reader.h"
#include "offload-crunch-job.h"
#include "offload-crunch-merger.h"
#include "offload-pilot.h"
#include "offload-test-utils.h"

/* The statistics a user sees, computed here the plain way (full sorts,
 * two-pass variances, the histogram rule counted by comparisons) from data this test
 * writes, then compared with what the job's workers find over chunks cut
 * in awkward places. */

#define REFERENCE_ROWS  20000
#define REFERENCE_SEED  20260417
#define BINS            OFFLOAD_CRUNCH_DEFAULT_BINS

static char *tmp_dir;

/* The test's files, in a directory made when the first one is. */
static char *
tmp_path (const char *name)
{
  if (tmp_dir == NULL)
    {
      g_autoptr(GError) error = NULL;

      tmp_dir = g_dir_make_tmp ("offload-crunch-job-XXXXXX", &error);
      g_assert_no_error (error);
    }

  return g_build_filename (tmp_dir, name, NULL);
}

/* Writing the data. */

enum { COL_NORMAL, COL_COUNT, COL_TINY, COL_DELTA, N_NUMERIC };
enum { COL_CITY, COL_NOTE, N_TEXT };

static const char *numeric_names[N_NUMERIC] = { "normal", "count", "tiny", "delta" };
static const char *text_names[N_TEXT] = { "city", "note" };

/* What was written: the numbers of each numeric column and the values of
 * each text column, missing cells left out and counted. */
typedef struct
{
  GString   *csv;
  GArray    *numbers[N_NUMERIC];   /* of double */
  guint64    numeric_missing[N_NUMERIC];
  GPtrArray *texts[N_TEXT];        /* of char *, unquoted, in the file's order */
  guint64    text_missing[N_TEXT];
  guint64    rows;
} Dataset;

static void
dataset_free (Dataset *data)
{
  g_string_free (data->csv, TRUE);
  for (guint i = 0; i < N_NUMERIC; i++)
    g_array_unref (data->numbers[i]);
  for (guint i = 0; i < N_TEXT; i++)
    g_ptr_array_unref (data->texts[i]);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Dataset, dataset_free)

static const char *
missing_word (GRand *rand)
{
  static const char *words[] = { "", "NA", "NaN" };

  return words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))];
}

/* A numeric cell: the text written, and the number as strtod() reads it. */
static void
add_number (Dataset    *data,
            guint       column,
            const char *text)
{
  double value = g_ascii_strtod (text, NULL);

  g_string_append (data->csv, text);
  g_array_append_val (data->numbers[column], value);
}

static void
add_numeric_cell (Dataset *data,
                  GRand   *rand,
                  guint    column)
{
  static const char *fixed[] = { "%.0f", "%.1f", "%.2f", "%.3f", "%.4f", "%.5f", "%.6f" };
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (g_rand_int_range (rand, 0, 50) == 0)
    {
      g_string_append (data->csv, missing_word (rand));
      data->numeric_missing[column]++;
      return;
    }

  switch (column)
    {
    case COL_NORMAL:
      {
        /* Box-Muller, with as many decimals as chance gives. */
        double u1 = 1.0 - g_rand_double (rand), u2 = g_rand_double (rand);
        double value = 50 + 12 * sqrt (-2 * log (u1)) * cos (2 * G_PI * u2);

        g_ascii_formatd (buffer, sizeof buffer, fixed[g_rand_int_range (rand, 0, 7)], value);
        add_number (data, column, buffer);
      }
      break;

    case COL_COUNT:
      /* Few values, many ties. */
      g_snprintf (buffer, sizeof buffer, "%d", g_rand_int_range (rand, -10, 30));
      add_number (data, column, buffer);
      break;

    case COL_TINY:
      {
        const char *sign = g_rand_boolean (rand) ? "" : "-";
        guint whole = (guint) g_rand_int_range (rand, 1, 10);
        guint fraction = (guint) g_rand_int_range (rand, 0, 100);
        int exponent = g_rand_int_range (rand, -8, 6);
        g_autofree char *text = NULL;

        switch (g_rand_int_range (rand, 0, 3))
          {
          case 0:
            text = g_strdup_printf ("%s%u.%ue%d", sign, whole, fraction, exponent);
            break;
          case 1:
            text = g_strdup_printf ("%s%u.%02uE%s%d", sign, whole, fraction,
                                    exponent >= 0 ? "+" : "-", ABS (exponent));
            break;
          default:
            text = g_strdup_printf ("%s%ue%d", sign, whole, exponent);
            break;
          }
        add_number (data, column, text);
      }
      break;

    case COL_DELTA:
    default:
      if (g_rand_int_range (rand, 0, 5) == 0)
        g_snprintf (buffer, sizeof buffer, "-%d", g_rand_int_range (rand, 0, 100));
      else
        g_ascii_formatd (buffer, sizeof buffer, fixed[g_rand_int_range (rand, 1, 5)],
                         g_rand_double_range (rand, -1000, 200));
      add_number (data, column, buffer);
      break;
    }
}

/* A text cell: quoted when it must be (or by chance), with its quotes
 * doubled. */
static void
add_text (Dataset    *data,
          guint       column,
          const char *value,
          gboolean    quote)
{
  if (quote || strpbrk (value, ",\"\r\n") != NULL)
    {
      g_string_append_c (data->csv, '"');
      for (const char *p = value; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (data->csv, '"');
          g_string_append_c (data->csv, *p);
        }
      g_string_append_c (data->csv, '"');
    }
  else
    g_string_append (data->csv, value);

  g_ptr_array_add (data->texts[column], g_strdup (value));
}

static void
add_city (Dataset *data,
          GRand   *rand)
{
  static const struct { const char *name; int weight; } cities[] = {
    { "日本", 30 }, { "café", 22 }, { "Zürich", 15 }, { "naïve façade", 10 },
    { "東京都", 9 }, { "Ørsted", 5 }, { "42", 5 }, { "x", 4 },
  };
  int pick = g_rand_int_range (rand, 0, 110);

  if (pick >= 100)
    {
      if (pick >= 107)
        {
          g_string_append (data->csv, missing_word (rand));
          data->text_missing[COL_CITY]++;
        }
      else
        {
          g_autofree char *value = g_strdup_printf ("café nº%d", g_rand_int_range (rand, 0, 900));

          add_text (data, COL_CITY, value, FALSE);
        }
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (cities); i++)
    {
      if (pick < cities[i].weight)
        {
          add_text (data, COL_CITY, cities[i].name, g_rand_int_range (rand, 0, 8) == 0);
          return;
        }
      pick -= cities[i].weight;
    }
  g_assert_not_reached ();
}

static void
add_note (Dataset *data,
          GRand   *rand)
{
  int k = g_rand_int_range (rand, 0, 300);
  g_autofree char *value = NULL;

  switch (g_rand_int_range (rand, 0, 8))
    {
    case 0:
      value = g_strdup_printf ("plain note %d", k);
      break;
    case 1:
      value = g_strdup_printf ("a, b and c, %d", k);
      break;
    case 2:
      value = g_strdup_printf ("He said \"hi\", %d times", k);
      break;
    case 3:
      value = g_strdup_printf ("line one\nline two %d", k);
      break;
    case 4:
      value = g_strdup_printf ("first\r\nsecond, %d \"q\"", k);
      break;
    case 5:
      value = g_strdup_printf ("日本, é %d\r\n", k);
      break;
    case 6:
      /* The most frequent value holds every special case at once. */
      value = g_strdup ("Top, \"quoted\"\r\nnote");
      break;
    default:
      g_string_append (data->csv, missing_word (rand));
      data->text_missing[COL_NOTE]++;
      return;
    }

  add_text (data, COL_NOTE, value, TRUE);
}

/* @stray_row, if below @rows, gets a city with a quote inside an unquoted
 * field: text, for pandas, but it breaks the quote parity that cutting the
 * file relies on. */
static Dataset *
dataset_new (guint64 rows,
             guint32 seed,
             guint64 stray_row)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  Dataset *data = g_new0 (Dataset, 1);

  data->csv = g_string_new (NULL);
  for (guint i = 0; i < N_NUMERIC; i++)
    data->numbers[i] = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < N_TEXT; i++)
    data->texts[i] = g_ptr_array_new_with_free_func (g_free);

  g_string_append (data->csv, "normal,count,tiny,delta,city,note\n");
  for (guint64 row = 0; row < rows; row++)
    {
      for (guint c = 0; c < N_NUMERIC; c++)
        {
          add_numeric_cell (data, rand, c);
          g_string_append_c (data->csv, ',');
        }
      if (row == stray_row)
        {
          g_string_append (data->csv, "ab\"c");
          g_ptr_array_add (data->texts[COL_CITY], g_strdup ("ab\"c"));
        }
      else
        add_city (data, rand);
      g_string_append_c (data->csv, ',');
      add_note (data, rand);
      g_string_append (data->csv, g_rand_int_range (rand, 0, 4) == 0 ? "\r\n" : "\n");
    }
  data->rows = rows;

  return data;
}

static char *
write_file (const char *name,
            const char *contents,
            gsize       length)
{
  g_autoptr(GError) error = NULL;
  char *path = tmp_path (name);

  g_file_set_contents (path, contents, (gssize) length, &error);
  g_assert_no_error (error);
  return path;
}

/* A file of at least @bytes: the header, then one block of rows again and
 * again. */
static char *
write_large_file (const char *name,
                  guint64     bytes)
{
  g_autoptr(Dataset) data = dataset_new (5000, 99, G_MAXUINT64);
  const char *block = strchr (data->csv->str, '\n') + 1;
  gsize block_length = data->csv->len - (gsize) (block - data->csv->str);
  g_autoptr(GString) csv = g_string_sized_new (bytes + block_length);

  g_string_append_len (csv, data->csv->str, block - data->csv->str);
  while (csv->len < bytes)
    g_string_append_len (csv, block, (gssize) block_length);

  return write_file (name, csv->str, csv->len);
}

/* The reference. */

typedef struct
{
  guint64  count;
  guint64  missing;
  double   mean;
  double   std;
  double   scale;         /* the mean of |x|: what rounding errors scale with */
  double   min;
  double   p25;
  double   p50;
  double   p75;
  double   max;
  double   edges[BINS + 1];
  guint64  bins[BINS];
} NumericReference;

typedef struct
{
  guint64     count;
  guint64     missing;
  guint64     distinct;
  const char *top;
  guint64     top_count;
} TextReference;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* numpy.quantile(), method "linear", to the letter: _lerp() included. */
static double
numpy_quantile (const double *sorted,
                guint         n,
                double        q)
{
  double position = (n - 1) * q;
  guint low = (guint) floor (position);
  guint high = MIN (low + 1, n - 1);
  double t = position - low;
  double a = sorted[low], b = sorted[high];
  double difference = b - a;

  return t >= 0.5 ? b - difference * (1 - t) : a + difference * t;
}

/* The job's histogram rule, written again here from its definition
 * (offload-column-stats.h): the cells from the minimum's to the
 * maximum's, on the finest grid of powers of two that gives each of B
 * bins 128 cells or more, dealt out as evenly as whole cells go; then
 * each number counted by comparing it with the edges, not by its cell. */
static void
grid_histogram (const double *sorted,
                guint         n,
                double        low,
                double        high,
                double       *edges,
                guint64      *bins)
{
  int exponent = -1000, e;
  double magnitude;
  gint64 first, last, cells, start;
  guint k = 0;

  if (low == high)
    {
      low -= 0.5;
      high += 0.5;
    }
  frexp ((high - low) / (128.0 * BINS), &e);
  exponent = MAX (exponent, e - 1);
  magnitude = MAX (fabs (low), fabs (high));
  frexp (magnitude, &e);
  exponent = MAX (exponent, e - 52);

  first = (gint64) floor (ldexp (low, -exponent));
  last = (gint64) floor (ldexp (high, -exponent));
  cells = MAX (last - first + 1, BINS);
  start = first;
  for (guint i = 0; i <= BINS; i++)
    edges[i] = ldexp ((double) (start + (gint64) i * cells / BINS), exponent);

  memset (bins, 0, sizeof (guint64) * BINS);
  for (guint i = 0; i < n; i++)
    {
      double x = sorted[i];

      if (!isfinite (x))
        continue;
      while (k + 1 < BINS && x >= edges[k + 1])
        k++;
      g_assert_true (x >= edges[k] && x < edges[k + 1]);
      bins[k]++;
    }

  /* What a user sees: bins that cover the range, and no more than its
   * two ends' cells (the axis of ids to 2649999 ended at 2662400), of
   * widths within a cell of each other. */
  g_assert_cmpfloat (edges[0], <=, low);
  g_assert_cmpfloat (edges[BINS], >, high);
  if (cells > BINS)
    {
      g_assert_cmpfloat (edges[BINS] - edges[0], <=, (high - low) + ldexp (2, exponent));
      for (guint i = 1; i < BINS; i++)
        g_assert_cmpfloat (fabs ((edges[i + 1] - edges[i]) - (edges[1] - edges[0])), <=,
                           ldexp (1, exponent));
    }
}

static void
numeric_reference (GArray           *numbers,
                   guint64           missing,
                   NumericReference *out)
{
  guint n = numbers->len;
  g_autofree double *sorted = g_memdup2 (numbers->data, sizeof (double) * n);
  double sum = 0, squares = 0, magnitude = 0;

  g_assert_cmpuint (n, >, 1);
  for (guint i = 0; i < n; i++)
    {
      sum += sorted[i];
      magnitude += fabs (sorted[i]);
    }
  out->count = n;
  out->missing = missing;
  out->mean = sum / n;
  out->scale = magnitude / n;
  for (guint i = 0; i < n; i++)
    squares += (sorted[i] - out->mean) * (sorted[i] - out->mean);
  out->std = sqrt (squares / (n - 1));

  qsort (sorted, n, sizeof (double), compare_doubles);
  out->min = sorted[0];
  out->max = sorted[n - 1];
  out->p25 = numpy_quantile (sorted, n, 0.25);
  out->p50 = numpy_quantile (sorted, n, 0.5);
  out->p75 = numpy_quantile (sorted, n, 0.75);
  grid_histogram (sorted, n, out->min, out->max, out->edges, out->bins);
}

/* The values' counts; the top is the most frequent, the first seen of
 * those (the job's rule for ties). */
static void
text_reference (GPtrArray     *values,
                guint64        missing,
                TextReference *out)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < values->len; i++)
    {
      const char *value = g_ptr_array_index (values, i);
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, value));

      g_hash_table_insert (counts, (gpointer) value, GUINT_TO_POINTER (count + 1));
    }

  out->count = values->len;
  out->missing = missing;
  out->distinct = g_hash_table_size (counts);
  out->top = NULL;
  out->top_count = 0;
  for (guint i = 0; i < values->len; i++)
    {
      const char *value = g_ptr_array_index (values, i);
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, value));

      if (count > out->top_count)
        {
          out->top = value;
          out->top_count = count;
        }
    }
}

/* Comparing. */

static void
assert_double_close (double      got,
                     double      want,
                     double      scale,
                     double      relative,
                     const char *what)
{
  if (isnan (want))
    {
      if (!isnan (got))
        g_error ("%s: got %.17g, want NaN", what, got);
      return;
    }
  if (isinf (want) || relative == 0)
    {
      if (got != want)
        g_error ("%s: got %.17g, want %.17g exactly", what, got, want);
      return;
    }
  if (!(fabs (got - want) <= relative * MAX (fabs (want), scale)))
    g_error ("%s: got %.17g, want %.17g (within %g relative)", what, got, want, relative);
}

static const OffloadCrunchColumn *
find_column (const OffloadCrunchResult *result,
             const char                *name)
{
  for (guint i = 0; i < result->columns->len; i++)
    {
      const OffloadCrunchColumn *column = g_ptr_array_index (result->columns, i);

      if (g_strcmp0 (column->name, name) == 0)
        return column;
    }
  g_error ("no column “%s” in the result", name);
  return NULL;
}

static void
assert_numeric (const OffloadCrunchColumn *column,
                const NumericReference    *want)
{
  g_autofree char *what = NULL;

  g_assert_cmpint (column->type, ==, OFFLOAD_CRUNCH_COLUMN_NUMERIC);
  g_assert_cmpuint (column->count, ==, want->count);
  g_assert_cmpuint (column->missing, ==, want->missing);

#define CLOSE(field, relative) \
  G_STMT_START { \
    g_free (what); \
    what = g_strdup_printf ("%s: " #field, column->name); \
    assert_double_close (column->field, want->field, want->scale, relative, what); \
  } G_STMT_END
  CLOSE (mean, 1e-9);
  CLOSE (std, 1e-9);
  CLOSE (min, 0);
  CLOSE (max, 0);
  CLOSE (p25, 0);
  CLOSE (p50, 0);
  CLOSE (p75, 0);
#undef CLOSE

  g_assert_cmpuint (column->n_bins, ==, BINS);
  g_assert_nonnull (column->edges);
  g_assert_nonnull (column->bins);
  for (guint i = 0; i <= BINS; i++)
    g_assert_cmpfloat (column->edges[i], ==, want->edges[i]);
  for (guint i = 0; i < BINS; i++)
    {
      if (column->bins[i] != want->bins[i])
        g_error ("%s: bin %u [%.17g, %.17g): got %" G_GUINT64_FORMAT ", want %" G_GUINT64_FORMAT,
                 column->name, i, want->edges[i], want->edges[i + 1], column->bins[i],
                 want->bins[i]);
    }
}

static void
assert_text (const OffloadCrunchColumn *column,
             const TextReference       *want)
{
  g_assert_cmpint (column->type, ==, OFFLOAD_CRUNCH_COLUMN_TEXT);
  g_assert_cmpuint (column->count, ==, want->count);
  g_assert_cmpuint (column->missing, ==, want->missing);
  g_assert_false (column->distinct_estimated);
  g_assert_false (column->top_estimated);
  g_assert_cmpuint (column->distinct, ==, want->distinct);
  g_assert_cmpstr (column->top, ==, want->top);
  g_assert_cmpuint (column->top_count, ==, want->top_count);
}

/* Two results of the same file: the same figures; means and standard
 * deviations within @relative (0: the same bits). */
static void
assert_same_results (const OffloadCrunchResult *got,
                     const OffloadCrunchResult *want,
                     double                     relative)
{
  g_assert_cmpuint (got->rows, ==, want->rows);
  g_assert_cmpuint (got->ragged_rows, ==, want->ragged_rows);
  g_assert_cmpuint (got->first_ragged_row, ==, want->first_ragged_row);
  g_assert_cmpuint (got->bytes, ==, want->bytes);
  g_assert_cmpuint (got->columns->len, ==, want->columns->len);

  for (guint i = 0; i < want->columns->len; i++)
    {
      const OffloadCrunchColumn *a = g_ptr_array_index (got->columns, i);
      const OffloadCrunchColumn *b = g_ptr_array_index (want->columns, i);
      g_autofree char *what = NULL;

      g_assert_cmpstr (a->name, ==, b->name);
      g_assert_cmpint (a->type, ==, b->type);
      g_assert_cmpuint (a->count, ==, b->count);
      g_assert_cmpuint (a->missing, ==, b->missing);

#define SAME(field, rel) \
  G_STMT_START { \
    g_free (what); \
    what = g_strdup_printf ("%s: " #field, a->name); \
    assert_double_close (a->field, b->field, 0, rel, what); \
  } G_STMT_END
      SAME (mean, relative);
      SAME (std, relative);
      SAME (min, 0);
      SAME (p25, 0);
      SAME (p50, 0);
      SAME (p75, 0);
      SAME (max, 0);
#undef SAME

      g_assert_cmpuint (a->n_bins, ==, b->n_bins);
      for (guint j = 0; j < b->n_bins; j++)
        g_assert_cmpuint (a->bins[j], ==, b->bins[j]);
      for (guint j = 0; b->n_bins > 0 && j <= b->n_bins; j++)
        g_assert_cmpfloat (a->edges[j], ==, b->edges[j]);

      g_assert_cmpuint (a->distinct, ==, b->distinct);
      g_assert_cmpint (a->distinct_estimated, ==, b->distinct_estimated);
      g_assert_cmpstr (a->top, ==, b->top);
      g_assert_cmpuint (a->top_count, ==, b->top_count);
      g_assert_cmpint (a->top_estimated, ==, b->top_estimated);
    }
}

/* Running a job. */

typedef struct
{
  gboolean             done;
  OffloadCrunchResult *result;
  GError              *error;
  GPtrArray           *events;    /* of char *: the "event" signal's messages */
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->result, offload_crunch_result_unref);
  g_clear_error (&run->error);
  g_clear_pointer (&run->events, g_ptr_array_unref);
}

static void
on_run_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;

  run->result = offload_crunch_job_run_finish (OFFLOAD_CRUNCH_JOB (object), result, &run->error);
  run->done = TRUE;
}

static gboolean
run_is_done (gpointer data)
{
  return ((Run *) data)->done;
}

static void
on_event (OffloadCrunchJob *job,
          const char       *message,
          gpointer          user_data)
{
  Run *run = user_data;

  g_ptr_array_add (run->events, g_strdup (message));
}

static void
run_start (Run              *run,
           OffloadCrunchJob *job,
           GCancellable     *cancellable)
{
  memset (run, 0, sizeof *run);
  run->events = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (job, "event", G_CALLBACK (on_event), run);
  offload_crunch_job_run_async (job, cancellable, on_run_done, run);
}

static void
run_wait (Run        *run,
          const char *what)
{
  offload_test_wait_for (run_is_done, run, what);
  g_assert_true ((run->result == NULL) != (run->error == NULL));
}

static OffloadCrunchJob *
new_job (const char *path,
         guint       workers,
         guint64     chunk_size)
{
  OffloadCrunchJob *job = offload_crunch_job_new (path);

  offload_crunch_job_set_workers (job, workers);
  if (chunk_size > 0)
    offload_crunch_job_set_chunk_size (job, chunk_size);
  return job;
}

/* Runs a job to its end on the default main context. */
static void
crunch (Run        *run,
        const char *path,
        guint       workers,
        guint64     chunk_size)
{
  g_autoptr(OffloadCrunchJob) job = new_job (path, workers, chunk_size);

  run_start (run, job, NULL);
  run_wait (run, path);
}

/* Whether this process has any child left, zombies included. */
static guint
count_children (GString *described)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint children = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *stat = NULL;
      const char *after_name;
      char state;
      int ppid;

      if (!g_ascii_isdigit (name[0]))
        continue;
      path = g_build_filename ("/proc", name, "stat", NULL);
      if (!g_file_get_contents (path, &stat, NULL, NULL))
        continue;       /* gone meanwhile */
      /* "pid (comm) state ppid ...": comm may hold spaces and parentheses. */
      after_name = strrchr (stat, ')');
      if (after_name == NULL || sscanf (after_name + 1, " %c %d", &state, &ppid) != 2)
        continue;
      if (ppid == getpid ())
        {
          children++;
          if (described != NULL)
            g_string_append_printf (described, "%.*s ", (int) (after_name - stat + 3), stat);
        }
    }

  return children;
}

static void
assert_no_children (void)
{
  g_autoptr(GString) described = g_string_new (NULL);
  guint children = count_children (described);

  if (children > 0)
    g_error ("%u child processes remain: %s", children, described->str);
}

/* Whether to run the checks here: in the child process that this runs the
 * test in, so that a crash or a hang of the job there (a return of @bug,
 * an engine bug seen when the test was written, fixed since) fails this
 * test alone instead of taking every later test with it. */
static gboolean
isolate (const char *bug)
{
  if (g_test_subprocess ())
    return TRUE;

  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  if (!g_test_trap_has_passed ())
    g_test_message ("as once: %s", bug);
  g_test_trap_assert_passed ();
  return FALSE;
}

/* 1. The reference data, over chunks cut everywhere. */

typedef struct
{
  guint   workers;
  guint64 chunk_size;
} Cut;

/* Chunk sizes used as given (the file is larger than workers × size), so
 * the boundaries fall inside quoted fields, CRLFs and multi-byte
 * characters; and the default, which becomes one chunk per worker. */
static const Cut cuts[] = {
  { 1, 65536 },
  { 3, 65536 },
  { 2, 12289 },
  { 3, 9973 },
  { 2, 24571 },
  { 2, 0 },
  { 3, 0 },
};

/* What the chunk boundaries of @cuts split: the test is only as good as
 * its cuts. */
static void
assert_cuts_are_awkward (const GString *csv)
{
  g_autofree gboolean *in_quotes = g_new0 (gboolean, csv->len + 1);
  guint inside_quotes = 0, crlf_outside = 0, crlf_inside = 0, multibyte = 0;
  gboolean parity = FALSE;

  for (gsize i = 0; i < csv->len; i++)
    {
      in_quotes[i] = parity;
      if (csv->str[i] == '"')
        parity = !parity;
    }

  for (guint c = 0; c < G_N_ELEMENTS (cuts); c++)
    {
      if (cuts[c].chunk_size == 0)
        continue;
      g_assert_cmpuint (csv->len / cuts[c].workers, >=, cuts[c].chunk_size);
      for (guint64 p = cuts[c].chunk_size; p < csv->len; p += cuts[c].chunk_size)
        {
          const guchar *s = (const guchar *) csv->str;

          if (in_quotes[p] && s[p - 1] != '"')
            inside_quotes++;
          if (s[p - 1] == '\r' && s[p] == '\n')
            {
              if (in_quotes[p])
                crlf_inside++;
              else
                crlf_outside++;
            }
          if ((s[p] & 0xC0) == 0x80)
            multibyte++;
        }
    }

  g_test_message ("chunk boundaries: %u inside quotes, %u in a record's CRLF, %u in a quoted "
                  "CRLF, %u inside a UTF-8 character",
                  inside_quotes, crlf_outside, crlf_inside, multibyte);
  g_assert_cmpuint (inside_quotes, >, 0);
  g_assert_cmpuint (crlf_outside, >, 0);
  g_assert_cmpuint (crlf_inside, >, 0);
  g_assert_cmpuint (multibyte, >, 0);
}

static void
assert_reference (const OffloadCrunchResult *result,
                  const Dataset             *data,
                  const NumericReference    *numeric,
                  const TextReference       *text)
{
  g_assert_cmpuint (result->rows, ==, data->rows);
  g_assert_cmpuint (result->ragged_rows, ==, 0);
  g_assert_cmpuint (result->bytes, ==, data->csv->len);
  g_assert_cmpuint (result->columns->len, ==, N_NUMERIC + N_TEXT);
  g_assert_cmpuint (result->events->len, ==, 0);

  for (guint c = 0; c < N_NUMERIC; c++)
    assert_numeric (find_column (result, numeric_names[c]), &numeric[c]);
  for (guint c = 0; c < N_TEXT; c++)
    assert_text (find_column (result, text_names[c]), &text[c]);
}

static void
compute_reference (const Dataset    *data,
                   NumericReference *numeric,
                   TextReference    *text)
{
  for (guint c = 0; c < N_NUMERIC; c++)
    numeric_reference (data->numbers[c], data->numeric_missing[c], &numeric[c]);
  for (guint c = 0; c < N_TEXT; c++)
    text_reference (data->texts[c], data->text_missing[c], &text[c]);
}

static void
test_reference (void)
{
  g_autoptr(Dataset) data = dataset_new (REFERENCE_ROWS, REFERENCE_SEED, G_MAXUINT64);
  g_autofree char *path = write_file ("reference.csv", data->csv->str, data->csv->len);
  g_autoptr(OffloadCrunchResult) first = NULL;
  NumericReference numeric[N_NUMERIC];
  TextReference text[N_TEXT];

  compute_reference (data, numeric, text);
  g_test_message ("%" G_GUINT64_FORMAT " rows, %" G_GSIZE_FORMAT " bytes; note's top "
                  "appears %" G_GUINT64_FORMAT " times",
                  data->rows, data->csv->len, text[COL_NOTE].top_count);
  assert_cuts_are_awkward (data->csv);

  for (guint c = 0; c < G_N_ELEMENTS (cuts); c++)
    {
      Run run;

      g_test_message ("workers %u, chunk size %" G_GUINT64_FORMAT, cuts[c].workers,
                      cuts[c].chunk_size);
      crunch (&run, path, cuts[c].workers, cuts[c].chunk_size);
      g_assert_no_error (run.error);
      g_assert_cmpuint (run.result->workers, ==, cuts[c].workers);
      g_assert_cmpuint (run.result->chunks, >, 1);
      if (cuts[c].chunk_size > 0)
        g_assert_cmpuint (run.result->chunks, ==,
                          (data->csv->len + cuts[c].chunk_size - 1) / cuts[c].chunk_size);
      g_assert_cmpuint (run.events->len, ==, 0);
      assert_reference (run.result, data, numeric, text);
      if (first == NULL)
        first = offload_crunch_result_ref (run.result);
      else
        assert_same_results (run.result, first, 1e-12);
      run_clear (&run);
    }

  /* The run on this thread, in one piece, says the same. */
  {
    g_autoptr(OffloadCrunchJob) job = offload_crunch_job_new (path);
    g_autoptr(OffloadCrunchResult) result = NULL;
    g_autoptr(GError) error = NULL;

    result = offload_crunch_job_run_blocking (job, 0, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (result->chunks, ==, 1);
    assert_reference (result, data, numeric, text);
    assert_same_results (result, first, 1e-12);
  }

  assert_no_children ();
  g_unlink (path);
}

/* Every chunk after the first guesses wrong where it starts (the fault
 * switch inverts the guess): each is read again from where its records
 * start, and the figures are those of the file. */
static void
test_misguess (void)
{
  g_autoptr(Dataset) data = dataset_new (6000, REFERENCE_SEED + 7, G_MAXUINT64);
  g_autofree char *path = write_file ("misguess.csv", data->csv->str, data->csv->len);
  NumericReference numeric[N_NUMERIC];
  TextReference text[N_TEXT];
  Run run;

  compute_reference (data, numeric, text);
  g_setenv ("OFFLOAD_WORKER_FAULT", "misguess", TRUE);
  crunch (&run, path, 2, 40000);
  g_unsetenv ("OFFLOAD_WORKER_FAULT");
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.result->chunks, >, 4);
  g_assert_cmpuint (run.result->rereads, ==, run.result->chunks - 1);
  g_assert_cmpuint (run.events->len, ==, 0);
  assert_reference (run.result, data, numeric, text);
  run_clear (&run);

  /* Guessed right, they are read once. */
  crunch (&run, path, 2, 40000);
  g_assert_no_error (run.error);
  g_test_message ("%u chunks, %u read again", run.result->chunks, run.result->rereads);
  g_assert_cmpuint (run.result->rereads, <, run.result->chunks / 4 + 1);
  assert_reference (run.result, data, numeric, text);
  run_clear (&run);

  assert_no_children ();
  g_unlink (path);
}

/* A worker that does not start a chunk where it is told (the parity of
 * the quotes before it) is faulty: the chunk runs on a fresh worker, then
 * the job fails, rather than read the chunk again for ever. */
static void
test_misstart (void)
{
  g_autoptr(Dataset) data = dataset_new (6000, REFERENCE_SEED + 7, G_MAXUINT64);
  g_autofree char *path = write_file ("misstart.csv", data->csv->str, data->csv->len);
  Run run;

  g_setenv ("OFFLOAD_WORKER_FAULT", "misstart", TRUE);
  crunch (&run, path, 2, 40000);
  g_unsetenv ("OFFLOAD_WORKER_FAULT");
  g_assert_error (run.error, OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_WORKER);
  g_assert_nonnull (strstr (run.error->message, "failed twice"));
  g_assert_nonnull (strstr (run.error->message, "did not start its chunk where it was told"));
  g_assert_cmpuint (run.events->len, >=, 1);
  run_clear (&run);

  assert_no_children ();
  g_unlink (path);
}

/* A file too small for the sample's windows (a dozen numbers), in many
 * chunks: the quartiles take a later pass, and each chunk starts it where
 * the first pass found it starts. */
static void
test_later_pass_chunks (void)
{
  static const char csv[] = "n,t\n5,a\n3,b\n9,c\n1,d\n7,e\n2,f\n"
                            "8,g\n4,h\n6,i\n0,j\n11,k\n10,l\n";
  g_autofree char *path = write_file ("later-pass.csv", csv, sizeof csv - 1);
  const OffloadCrunchColumn *n;
  Run run;

  crunch (&run, path, 2, 12);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.result->chunks, >, 4);
  g_assert_cmpuint (run.result->passes, >=, 2);
  n = find_column (run.result, "n");
  g_assert_cmpint (n->type, ==, OFFLOAD_CRUNCH_COLUMN_NUMERIC);
  g_assert_cmpuint (n->count, ==, 12);
  g_assert_cmpfloat (n->p25, ==, 2.75);
  g_assert_cmpfloat (n->p50, ==, 5.5);
  g_assert_cmpfloat (n->p75, ==, 8.25);
  g_assert_cmpuint (find_column (run.result, "t")->distinct, ==, 12);
  run_clear (&run);

  assert_no_children ();
  g_unlink (path);
}

/* The job's passes over @path, by hand, in one chunk and with @plan (taken)
 * for the first: its counts through the worker's JSON when @through_json;
 * @check, when given, sees the plan of the second pass. */
static OffloadCrunchResult *
crunch_by_hand (const char          *path,
                gsize                length,
                OffloadRefinePlan   *plan,
                gboolean             through_json,
                void               (*check) (const OffloadRefinePlan *second),
                guint               *passes)
{
  g_autoptr(OffloadCrunchMerger) merger = NULL;
  g_autoptr(OffloadChunkReader) reader = NULL;
  g_autoptr(OffloadRefineStats) planned = NULL;
  g_autoptr(GError) error = NULL;
  const OffloadRefinePlan *next;
  OffloadChunkStats *stats;
  int fd;

  merger = offload_crunch_merger_new (1, BINS, 12, plan);
  fd = g_open (path, O_RDONLY, 0);
  g_assert_cmpint (fd, >=, 0);
  reader = offload_chunk_reader_new (fd, 0, length, NULL, NULL);
  stats = offload_chunk_reader_scan (reader, FALSE, 12,
                                     offload_crunch_merger_get_scan_plan (merger), &planned,
                                     &error);
  g_assert_no_error (error);
  if (through_json)
    {
      g_autoptr(JsonNode) node = offload_refine_stats_to_json (planned);

      g_clear_pointer (&planned, offload_refine_stats_free);
      planned = offload_refine_stats_from_json (offload_crunch_merger_get_scan_plan (merger),
                                                node, &error);
      g_assert_no_error (error);
    }
  g_assert_true (offload_crunch_merger_add_scan (merger, 0, stats, g_steal_pointer (&planned),
                                                 &error));
  g_assert_no_error (error);
  g_assert_true (offload_crunch_merger_finish_scan (merger, &error));
  g_assert_no_error (error);

  *passes = 1;
  next = offload_crunch_merger_get_plan (merger);
  if (check != NULL)
    check (next);
  while (next != NULL)
    {
      g_autoptr(OffloadChunkReader) again = offload_chunk_reader_new (fd, 0, length, NULL, NULL);
      g_autoptr(OffloadRefineStats) refined = NULL;

      refined = offload_chunk_reader_refine (again, FALSE, next, &error);
      g_assert_no_error (error);
      offload_crunch_merger_add_refine (merger, refined);
      g_clear_pointer (&refined, offload_refine_stats_free);
      g_assert_true (offload_crunch_merger_finish_refine (merger, &error));
      g_assert_no_error (error);
      (*passes)++;
      next = offload_crunch_merger_get_plan (merger);
    }
  close (fd);

  return offload_crunch_merger_get_result (merger);
}

/* Windows that hold the quartiles, filled by four chunks through the
 * worker's JSON: the merger reads each quartile off the windows' keys, a
 * sorted run a chunk, and the answer is the one of sorting them all. */
static void
test_windows_in_runs (void)
{
  const guint n_chunks = 4, n = 20000;
  g_autoptr(GString) csv = g_string_new ("n\n");
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(OffloadRefinePlan) plan = offload_refine_plan_new ();
  g_autoptr(OffloadCrunchMerger) merger = NULL;
  g_autoptr(OffloadCrunchResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const OffloadCrunchColumn *column;
  NumericReference want;
  int fd;

  /* 0.0 to 1999.9, in an order that puts some of each window in each
   * chunk, with runs of equal numbers. */
  for (guint i = 0; i < n; i++)
    {
      double value = (i * 7919 % n) / 10.0;

      if (i % 7 == 0)
        value = floor (value);
      g_string_append_printf (csv, "%.1f\n", value);
      g_array_append_val (numbers, value);
    }
  path = write_file ("windows-in-runs.csv", csv->str, csv->len);
  numeric_reference (numbers, 0, &want);

  {
    const double quartiles[] = { want.p25, want.p50, want.p75 };

    for (guint q = 0; q < G_N_ELEMENTS (quartiles); q++)
      {
        OffloadRefineRange window = { 0, offload_order_key (quartiles[q] - 30),
                                      offload_order_key (quartiles[q] + 30), n };

        g_array_append_val (plan->ranges, window);
      }
  }

  merger = offload_crunch_merger_new (n_chunks, BINS, 12, g_steal_pointer (&plan));
  fd = g_open (path, O_RDONLY, 0);
  g_assert_cmpint (fd, >=, 0);
  for (guint c = 0; c < n_chunks; c++)
    {
      guint64 start = csv->len * c / n_chunks, end = csv->len * (c + 1) / n_chunks;
      g_autoptr(OffloadChunkReader) reader = offload_chunk_reader_new (fd, start, end, NULL, NULL);
      g_autoptr(OffloadRefineStats) planned = NULL;
      g_autoptr(JsonNode) node = NULL;
      OffloadChunkStats *stats;

      stats = offload_chunk_reader_scan (reader, FALSE, 12,
                                         offload_crunch_merger_get_scan_plan (merger), &planned,
                                         &error);
      g_assert_no_error (error);
      node = offload_refine_stats_to_json (planned);
      g_clear_pointer (&planned, offload_refine_stats_free);
      planned = offload_refine_stats_from_json (offload_crunch_merger_get_scan_plan (merger),
                                                node, &error);
      g_assert_no_error (error);
      g_assert_true (offload_crunch_merger_add_scan (merger, c, stats, g_steal_pointer (&planned),
                                                     &error));
      g_assert_no_error (error);
    }
  g_assert_true (offload_crunch_merger_finish_scan (merger, &error));
  g_assert_no_error (error);
  close (fd);

  /* The histogram may want another pass (there is no grid): the quartiles
   * are known already. */
  result = offload_crunch_merger_get_result (merger);
  column = find_column (result, "n");
  g_assert_cmpfloat (column->p25, ==, want.p25);
  g_assert_cmpfloat (column->p50, ==, want.p50);
  g_assert_cmpfloat (column->p75, ==, want.p75);
  g_unlink (path);
}

/* The quartiles and the histogram of plan-misses are left for later
 * passes. */
static void
check_misses_left (const OffloadRefinePlan *next)
{
  g_assert_nonnull (next);
  g_assert_cmpuint (next->targets->len, >, 0);
  g_assert_cmpuint (next->bins->len, ==, 2);    /* m had no grid at all */
  g_assert_cmpuint (g_array_index (next->bins, OffloadRefineBins, 0).column, ==, 0);
}

/* What the sample planned may be wrong: windows that miss the quartiles,
 * a grid coarser than the histogram's, text where there is none. Then
 * later passes find what the first could not, and the answer is the same. */
static void
test_plan_misses (void)
{
  g_autoptr(GString) csv = g_string_new ("n,m\n");
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *path = NULL;
  g_autoptr(OffloadRefinePlan) plan = offload_refine_plan_new ();
  g_autoptr(OffloadCrunchResult) result = NULL;
  NumericReference want;
  guint passes;

  for (guint i = 0; i < 5000; i++)
    {
      double value = (i * 7919 % 5000) / 10.0;

      g_string_append_printf (csv, "%.1f,%u\n", value, i % 3);
      g_array_append_val (numbers, value);
    }
  path = write_file ("plan-misses.csv", csv->str, csv->len);
  numeric_reference (numbers, 0, &want);

  {
    /* A window far above every quartile, and one below them all. */
    OffloadRefineRange high = { 0, offload_order_key (450), offload_order_key (460), 1000 };
    OffloadRefineRange low = { 0, offload_order_key (1), offload_order_key (2), 1000 };
    /* Cells of 2^10: coarser than the 2^-6 the histogram's bins want. */
    OffloadRefineGrid coarse = { 0, 10, -4, 16, 100 };
    guint text_column = 1;

    g_array_append_val (plan->ranges, low);
    g_array_append_val (plan->ranges, high);
    g_array_append_val (plan->grids, coarse);
    g_array_append_val (plan->text, text_column);
  }
  result = crunch_by_hand (path, csv->len, g_steal_pointer (&plan), FALSE, check_misses_left,
                           &passes);
  g_assert_cmpuint (passes, >=, 2);
  assert_numeric (find_column (result, "n"), &want);
  g_unlink (path);
}

/* Numbers the sample never saw, far off its grid (a sorted column's
 * tail, one outlier): counted outside the grid, through the worker's
 * JSON as the pool reads it, with no overflow in the grid's arithmetic
 * (the sanitized build fails on one) and the file's own histogram. */
static void
test_far_off_grid (void)
{
  static const double tail[] = { 1e16, -1e300, 1e300, -7.5e18 };
  g_autoptr(GString) csv = g_string_new ("n\n");
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *path = NULL;
  g_autoptr(OffloadRefinePlan) plan = offload_refine_plan_new ();
  g_autoptr(OffloadCrunchResult) result = NULL;
  NumericReference want;
  guint passes;

  for (guint i = 0; i < 1000 + G_N_ELEMENTS (tail); i++)
    {
      double value = i < 1000 ? (i % 97) / 128.0 : tail[i - 1000];

      g_string_append_printf (csv, "%.17g\n", value);
      g_array_append_val (numbers, value);
    }
  path = write_file ("far-off-grid.csv", csv->str, csv->len);
  numeric_reference (numbers, 0, &want);

  {
    /* The grid a sample of [0, 1) might have planned: 4096 cells of
     * 2^-12, on which 1e16 is cell 4e19, past a gint64. */
    OffloadRefineGrid fine = { 0, -12, 0, 4096, 100 };

    g_array_append_val (plan->grids, fine);
  }
  result = crunch_by_hand (path, csv->len, g_steal_pointer (&plan), TRUE, NULL, &passes);
  assert_numeric (find_column (result, "n"), &want);
  g_unlink (path);
}

/* A quote inside an unquoted field, as people write 5'11" or ab"c: pandas
 * reads it as a character. Quote parity cannot say where the chunks after
 * it begin, so the job must find out and still give the right figures. */
static void
test_stray_quote (void)
{
  g_autoptr(Dataset) data = dataset_new (6000, REFERENCE_SEED + 1, 1000);
  g_autofree char *path = write_file ("stray-quote.csv", data->csv->str, data->csv->len);
  NumericReference numeric[N_NUMERIC];
  TextReference text[N_TEXT];
  static const Cut stray_cuts[] = { { 2, 16381 }, { 3, 0 } };

  compute_reference (data, numeric, text);
  for (guint c = 0; c < G_N_ELEMENTS (stray_cuts); c++)
    {
      Run run;

      g_test_message ("workers %u, chunk size %" G_GUINT64_FORMAT, stray_cuts[c].workers,
                      stray_cuts[c].chunk_size);
      crunch (&run, path, stray_cuts[c].workers, stray_cuts[c].chunk_size);
      g_assert_no_error (run.error);
      g_test_message ("read in %u chunks, %u passes", run.result->chunks, run.result->passes);
      assert_reference (run.result, data, numeric, text);
      run_clear (&run);
    }

  assert_no_children ();
  g_unlink (path);
}

/* A stray quote early, then a quoted field much later: the chunks between
 * start with the wrong parity, and one of them reads on to the end of the
 * file inside "quotes". That error must send the file to be read again
 * in one piece, not fail the job. */
/* A chunk size of one byte asked of a file of thousands: no more chunks
 * (and worker processes) than the bound, and the same figures. */
static void
test_chunks_bounded (void)
{
  g_autoptr(Dataset) data = dataset_new (120, REFERENCE_SEED + 3, G_MAXUINT64);
  g_autofree char *path = tmp_path ("bounded.csv");
  g_autoptr(GError) error = NULL;
  NumericReference numeric[N_NUMERIC];
  TextReference text[N_TEXT];
  Run run;

  g_file_set_contents (path, data->csv->str, (gssize) data->csv->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (data->csv->len, >, 4 * 1024);
  compute_reference (data, numeric, text);

  crunch (&run, path, 2, 1);
  g_assert_no_error (run.error);
  g_test_message ("%zu bytes in %u chunks", data->csv->len, run.result->chunks);
  g_assert_cmpuint (run.result->chunks, <=, 1024);
  g_assert_cmpuint (run.result->chunks, >, 1024 / 2);
  assert_reference (run.result, data, numeric, text);
  run_clear (&run);
  assert_no_children ();
}

static void
test_stray_quote_then_parse_error (void)
{
  g_autoptr(GString) csv = g_string_new ("t,n\na\"b,1\n");
  g_autofree char *path = NULL;
  const OffloadCrunchColumn *n;
  Run run;

  for (guint i = 0; i < 3000; i++)
    g_string_append (csv, "x,1\n");
  /* From a wrong parity, the record after this line end opens a quoted
   * field that nothing closes. */
  g_string_append (csv, "c,\"x\n\"\n");
  for (guint i = 0; i < 3000; i++)
    g_string_append (csv, "x,2\n");
  path = write_file ("stray-then-quoted.csv", csv->str, csv->len);

  crunch (&run, path, 3, 4096);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.result->rows, ==, 6002);
  g_assert_cmpuint (run.result->chunks, ==, 1);     /* read again in one piece */
  n = find_column (run.result, "n");
  g_assert_cmpint (n->type, ==, OFFLOAD_CRUNCH_COLUMN_TEXT);   /* "x\n" */
  g_assert_cmpuint (n->count, ==, 6002);
  run_clear (&run);

  assert_no_children ();
  g_unlink (path);
}

/* A later pass that finds other numbers in a bucket than the first pass
 * counted there (the file rewritten in place between them) is an error,
 * not a wrong quartile or a crash. */
static void
test_merger_inconsistent (void)
{
  g_autofree char *first = write_file ("first.csv", "n\n1\n2\n3\n4\n", 10);
  g_autofree char *second = write_file ("second.csv", "n\n1\n2\n9\n4\n", 10);
  g_autoptr(OffloadCrunchMerger) merger = offload_crunch_merger_new (1, 10, 16, NULL);
  g_autoptr(OffloadChunkReader) reader = NULL;
  g_autoptr(OffloadRefineStats) refined = NULL;
  g_autoptr(GError) error = NULL;
  const OffloadRefinePlan *plan;
  OffloadChunkStats *stats;
  int fd;

  fd = g_open (first, O_RDONLY, 0);
  reader = offload_chunk_reader_new (fd, 0, 10, NULL, NULL);
  stats = offload_chunk_reader_scan (reader, FALSE, 16, NULL, NULL, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (offload_crunch_merger_add_scan (merger, 0, stats, NULL, &error));
  g_assert_true (offload_crunch_merger_finish_scan (merger, &error));
  plan = offload_crunch_merger_get_plan (merger);
  g_assert_nonnull (plan);

  g_clear_pointer (&reader, offload_chunk_reader_free);
  fd = g_open (second, O_RDONLY, 0);
  reader = offload_chunk_reader_new (fd, 0, 10, NULL, NULL);
  refined = offload_chunk_reader_refine (reader, FALSE, plan, &error);
  g_assert_no_error (error);
  close (fd);
  offload_crunch_merger_add_refine (merger, refined);
  g_clear_pointer (&refined, offload_refine_stats_free);
  g_assert_false (offload_crunch_merger_finish_refine (merger, &error));
  g_assert_error (error, OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_CHANGED);

  g_unlink (first);
  g_unlink (second);
}

/* One quoted field longer than several chunks: some chunks hold no record
 * start at all. */
/* Where the first ragged row is does not depend on where the chunks
 * end, nor on how many workers read them: rows counted as a spreadsheet
 * counts them (the header is row 1, a quoted field's line ends are
 * inside its row), ragged rows in several chunks. */
static void
test_first_ragged_row (void)
{
  g_autoptr(GString) csv = g_string_new ("n,text,x\n");
  g_autoptr(OffloadCrunchJob) job = NULL;
  g_autoptr(OffloadCrunchResult) blocking = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  static const guint64 chunk_sizes[] = { 1000, 4096, 0 };

  /* Rows 2 to 3001; 1234 and 2500 have a field too few, 2999 one too many. */
  for (guint row = 2; row <= 3001; row++)
    {
      if (row == 1234 || row == 2500)
        g_string_append_printf (csv, "%u,short\n", row);
      else if (row == 2999)
        g_string_append_printf (csv, "%u,long,1,2\n", row);
      else if (row % 7 == 0)
        g_string_append_printf (csv, "%u,\"two\nlines, \"\"quoted\"\"\",%u.5\n", row, row);
      else
        g_string_append_printf (csv, "%u,plain,%u.5\n", row, row);
    }
  path = write_file ("first-ragged.csv", csv->str, csv->len);

  job = offload_crunch_job_new (path);
  blocking = offload_crunch_job_run_blocking (job, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (blocking->rows, ==, 3000);
  g_assert_cmpuint (blocking->ragged_rows, ==, 3);
  g_assert_cmpuint (blocking->first_ragged_row, ==, 1234);

  for (guint workers = 1; workers <= 3; workers++)
    for (gsize c = 0; c < G_N_ELEMENTS (chunk_sizes); c++)
      {
        Run run;

        crunch (&run, path, workers, chunk_sizes[c]);
        g_assert_no_error (run.error);
        g_assert_cmpuint (run.result->ragged_rows, ==, 3);
        g_assert_cmpuint (run.result->first_ragged_row, ==, 1234);
        run_clear (&run);
      }
}

static void
test_long_field (void)
{
  g_autoptr(GString) csv = g_string_new ("n,long,m\r\n");
  g_autoptr(GString) field = g_string_new (NULL);
  g_autoptr(OffloadCrunchResult) blocking = NULL;
  g_autoptr(OffloadCrunchJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const OffloadCrunchColumn *column;

  while (field->len < 400 * 1024)
    g_string_append (field, "日本, \"quoted\"\r\nand a line end,\n");
  for (guint i = 1; i <= 9; i++)
    {
      /* The long field in rows 3 and 7, short ones elsewhere. */
      g_string_append_printf (csv, "%u,", i);
      if (i == 3 || i == 7)
        {
          g_string_append_c (csv, '"');
          for (const char *p = field->str; *p != '\0'; p++)
            {
              if (*p == '"')
                g_string_append_c (csv, '"');
              g_string_append_c (csv, *p);
            }
          g_string_append_c (csv, '"');
        }
      else
        g_string_append_printf (csv, "short %u", i);
      g_string_append_printf (csv, ",%u.5\r\n", 10 * i);
    }
  path = write_file ("long-field.csv", csv->str, csv->len);

  job = offload_crunch_job_new (path);
  blocking = offload_crunch_job_run_blocking (job, 0, &error);
  g_assert_no_error (error);

  for (guint workers = 1; workers <= 3; workers++)
    {
      Run run;

      crunch (&run, path, workers, 65536);
      g_assert_no_error (run.error);
      g_assert_cmpuint (run.result->chunks, >=, 12);
      g_assert_cmpuint (run.result->rows, ==, 9);
      g_assert_cmpuint (run.result->ragged_rows, ==, 0);
      column = find_column (run.result, "n");
      g_assert_cmpfloat (column->mean, ==, 5);
      g_assert_cmpfloat (column->p25, ==, 3);
      column = find_column (run.result, "long");
      g_assert_cmpint (column->type, ==, OFFLOAD_CRUNCH_COLUMN_TEXT);
      g_assert_cmpuint (column->count, ==, 9);
      g_assert_cmpuint (column->distinct, ==, 8);
      /* The top is shown by its first bytes, and an ellipsis. */
      g_assert_nonnull (column->top);
      g_assert_true (g_str_has_suffix (column->top, "…"));
      g_assert_cmpuint (strlen (column->top), >, strlen ("…"));
      g_assert_cmpint (strncmp (field->str, column->top, strlen (column->top) - strlen ("…")),
                       ==, 0);
      g_assert_cmpuint (column->top_count, ==, 2);
      column = find_column (run.result, "m");
      g_assert_cmpuint (column->count, ==, 9);
      g_assert_cmpfloat (column->mean, ==, 50.5);
      g_assert_cmpfloat (column->max, ==, 90.5);
      assert_same_results (run.result, blocking, 0);
      run_clear (&run);
    }

  assert_no_children ();
  g_unlink (path);
}

/* A top value too long to show whole is cut where a character ends, and
 * says so with an ellipsis. */
static void
test_long_top (void)
{
  g_autoptr(GString) csv = g_string_new ("n,t\n");
  g_autoptr(GString) value = g_string_new (NULL);
  g_autofree char *path = NULL;
  const OffloadCrunchColumn *column;
  Run run;

  /* Multi-byte characters across every cut from 90 to 130 bytes. */
  for (guint i = 0; i < 60; i++)
    g_string_append (value, "日本é");
  g_string_append_printf (csv, "1,%s\n2,%s\n3,short\n", value->str, value->str);
  path = write_file ("long-top.csv", csv->str, csv->len);

  crunch (&run, path, 2, 0);
  g_assert_no_error (run.error);
  column = find_column (run.result, "t");
  g_assert_cmpuint (column->top_count, ==, 2);
  g_assert_cmpuint (column->distinct, ==, 2);
  g_test_message ("top: %s", column->top);
  g_assert_true (g_utf8_validate (column->top, -1, NULL));
  g_assert_cmpuint (strlen (column->top), <=, OFFLOAD_TEXT_COUNTER_SAMPLE_BYTES);
  g_assert_true (g_str_has_suffix (column->top, "…"));
  {
    g_autofree char *shown = g_strndup (column->top, strlen (column->top) - strlen ("…"));

    g_assert_true (g_str_has_prefix (value->str, shown));
    g_assert_cmpuint (strlen (shown), >, OFFLOAD_TEXT_COUNTER_SAMPLE_BYTES - 10);
  }

  run_clear (&run);
  g_unlink (path);
}

/* Thousands of columns that the sample reads as text (their first row is),
 * with numbers in every chunk after: each such column counts its numbers
 * in a histogram, and their histograms must fit the memory of a worker. */
static void
test_wide_text (void)
{
  const guint n_columns = 9000;
  g_autoptr(GString) csv = g_string_new (NULL);
  g_autofree char *path = NULL;
  const OffloadCrunchColumn *column;
  Run run;

  for (guint row = 0; row < 4; row++)
    for (guint c = 0; c < n_columns; c++)
      {
        if (row == 0)
          g_string_append_printf (csv, "c%u", c);
        else if (row == 1)
          g_string_append (csv, "word");
        else
          g_string_append_printf (csv, "%u", c + row);
        g_string_append_c (csv, c + 1 < n_columns ? ',' : '\n');
      }
  path = write_file ("wide-text.csv", csv->str, csv->len);

  crunch (&run, path, 2, csv->len / 2);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.result->rows, ==, 3);
  g_assert_cmpuint (run.result->columns->len, ==, n_columns);
  column = find_column (run.result, "c8999");
  g_assert_cmpint (column->type, ==, OFFLOAD_CRUNCH_COLUMN_TEXT);
  g_assert_cmpuint (column->count, ==, 3);
  g_assert_cmpuint (column->distinct, ==, 3);
  g_assert_cmpstr (column->top, ==, "word");

  run_clear (&run);
  g_unlink (path);
}

/* Only text columns: nothing numeric to refine, only values to count. */
static void
check_text_only (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "crunch", "text-only.csv",
                                                 NULL);
  g_autoptr(OffloadCrunchJob) job = offload_crunch_job_new (path);
  g_autoptr(OffloadCrunchResult) blocking = NULL;
  g_autoptr(GError) error = NULL;
  const OffloadCrunchColumn *column;
  Run run;

  crunch (&run, path, 2, 0);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.result->rows, ==, 4);
  column = find_column (run.result, "city");
  g_assert_cmpint (column->type, ==, OFFLOAD_CRUNCH_COLUMN_TEXT);
  g_assert_cmpuint (column->count, ==, 4);
  g_assert_cmpuint (column->distinct, ==, 3);
  g_assert_cmpstr (column->top, ==, "日本");
  g_assert_cmpuint (column->top_count, ==, 2);
  column = find_column (run.result, "note");
  g_assert_cmpuint (column->count, ==, 3);
  g_assert_cmpuint (column->missing, ==, 1);

  blocking = offload_crunch_job_run_blocking (job, 0, &error);
  g_assert_no_error (error);
  assert_same_results (blocking, run.result, 0);
  run_clear (&run);
}

static void
test_text_only (void)
{
  if (isolate ("a file with no numeric column crashes the job: "
               "offload_crunch_merger_finish_refine() narrows the ranks of text columns, "
               "whose target was never set to -1, against a plan with no targets"))
    check_text_only ();
}

/* 2. Small files, hand-written. */

static char *
fixture (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "crunch", name, NULL);
}

/* Both ways of running: in workers, and on this thread. */
static void
crunch_fixture (const char           *name,
                OffloadCrunchResult **async_result,
                GError              **async_error,
                OffloadCrunchResult **blocking_result,
                GError              **blocking_error)
{
  g_autofree char *path = fixture (name);
  g_autoptr(OffloadCrunchJob) blocking = offload_crunch_job_new (path);
  Run run;

  crunch (&run, path, 2, 0);
  *async_result = g_steal_pointer (&run.result);
  *async_error = g_steal_pointer (&run.error);
  g_assert_cmpuint (run.events->len, ==, 0);
  run_clear (&run);

  *blocking_result = offload_crunch_job_run_blocking (blocking, 0, blocking_error);
}

/* A file both ways fail on, with the same error. */
static void
assert_fixture_fails (const char *name,
                      int         code,
                      const char *words)
{
  g_autoptr(OffloadCrunchResult) result = NULL;
  g_autoptr(OffloadCrunchResult) blocking_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) blocking_error = NULL;

  crunch_fixture (name, &result, &error, &blocking_result, &blocking_error);
  g_test_message ("%s: “%s”", name, error != NULL ? error->message : "no error");
  g_assert_error (error, OFFLOAD_CRUNCH_ERROR, code);
  g_assert_error (blocking_error, OFFLOAD_CRUNCH_ERROR, code);
  g_assert_null (result);
  g_assert_null (blocking_result);
  g_assert_cmpstr (error->message, !=, "");
  if (words != NULL)
    {
      g_autofree char *lower = g_utf8_strdown (error->message, -1);
      g_autofree char *blocking_lower = g_utf8_strdown (blocking_error->message, -1);

      g_assert_nonnull (strstr (lower, words));
      g_assert_nonnull (strstr (blocking_lower, words));
    }
}

/* A file both ways read, with the same figures; the workers' one is
 * returned. */
static OffloadCrunchResult *
crunch_fixture_ok (const char *name)
{
  g_autoptr(OffloadCrunchResult) result = NULL;
  g_autoptr(OffloadCrunchResult) blocking_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) blocking_error = NULL;

  g_test_message ("%s", name);
  crunch_fixture (name, &result, &error, &blocking_result, &blocking_error);
  g_assert_no_error (error);
  g_assert_no_error (blocking_error);
  assert_same_results (blocking_result, result, 0);

  return g_steal_pointer (&result);
}

static const OffloadCrunchColumn *
column_at (const OffloadCrunchResult *result,
           guint                      index,
           const char                *name,
           OffloadCrunchColumnType    type)
{
  const OffloadCrunchColumn *column;

  g_assert_cmpuint (index, <, result->columns->len);
  column = g_ptr_array_index (result->columns, index);
  g_assert_cmpstr (column->name, ==, name);
  g_assert_cmpint (column->type, ==, type);
  return column;
}

static void
test_edge_cases (void)
{
  const OffloadCrunchColumn *column;

  /* A byte order mark is not part of the first column's name. */
  {
    g_autoptr(OffloadCrunchResult) result = crunch_fixture_ok ("bom.csv");

    g_assert_cmpuint (result->rows, ==, 3);
    g_assert_cmpuint (result->columns->len, ==, 2);
    column = column_at (result, 0, "id", OFFLOAD_CRUNCH_COLUMN_NUMERIC);
    g_assert_cmpfloat (column->mean, ==, 2);
    g_assert_cmpfloat (column->min, ==, 1);
    g_assert_cmpfloat (column->max, ==, 3);
    column = column_at (result, 1, "name", OFFLOAD_CRUNCH_COLUMN_TEXT);
    g_assert_cmpstr (column->top, ==, "x");
    g_assert_cmpuint (column->top_count, ==, 2);
    g_assert_cmpuint (column->distinct, ==, 2);
  }

  /* CRLF line ends: no CR left in a name or a value; the one inside
   * quotes is kept. */
  {
    g_autoptr(OffloadCrunchResult) result = crunch_fixture_ok ("crlf.csv");

    g_assert_cmpuint (result->rows, ==, 4);
    g_assert_cmpuint (result->ragged_rows, ==, 0);
    column = column_at (result, 0, "a", OFFLOAD_CRUNCH_COLUMN_NUMERIC);
    g_assert_cmpfloat (column->mean, ==, 2.5);
    g_assert_cmpfloat (column->p50, ==, 2.5);
    column = column_at (result, 1, "b", OFFLOAD_CRUNCH_COLUMN_TEXT);
    g_assert_cmpuint (column->count, ==, 4);
    g_assert_cmpuint (column->distinct, ==, 3);
    g_assert_cmpstr (column->top, ==, "x");
    g_assert_cmpuint (column->top_count, ==, 2);
    column = column_at (result, 2, "c", OFFLOAD_CRUNCH_COLUMN_TEXT);
    g_assert_cmpstr (column->top, ==, "p\r\nq");
    g_assert_cmpuint (column->top_count, ==, 3);
    g_assert_cmpuint (column->distinct, ==, 2);
  }

  /* The last record without a line end. */
  {
    g_autoptr(OffloadCrunchResult) result = crunch_fixture_ok ("no-final-newline.csv");

    g_assert_cmpuint (result->rows, ==, 3);
    column = column_at (result, 0, "a", OFFLOAD_CRUNCH_COLUMN_NUMERIC);
    g_assert_cmpfloat (column->mean, ==, 2);
    g_assert_cmpfloat (column->max, ==, 3);
    column = column_at (result, 1, "b", OFFLOAD_CRUNCH_COLUMN_TEXT);
    g_assert_cmpstr (column->top, ==, "last");
  }

  /* Ragged rows: a short one has missing cells, a long one's extra field
   * is no column. */
  {
    g_autoptr(OffloadCrunchResult) result = crunch_fixture_ok ("ragged.csv");

    g_assert_cmpuint (result->rows, ==, 4);
    g_assert_cmpuint (result->ragged_rows, ==, 2);
    /* "4,5": the header is row 1. */
    g_assert_cmpuint (result->first_ragged_row, ==, 3);
    g_assert_cmpuint (result->columns->len, ==, 3);
    column = column_at (result, 0, "a", OFFLOAD_CRUNCH_COLUMN_NUMERIC);
    g_assert_cmpuint (column->count, ==, 4);
    g_assert_cmpuint (column->missing, ==, 0);
    column = column_at (result, 2, "c", OFFLOAD_CRUNCH_COLUMN_NUMERIC);
    g_assert_cmpuint (column->count, ==, 3);
    g_assert_cmpuint (column->missing, ==, 1);
    g_assert_cmpfloat (column->mean, ==, (3.0 + 8 + 12) / 3);
    g_assert_cmpfloat (column->max, ==, 12);
  }

  /* Infinities: as pandas' describe() gives them. */
  {
    g_autoptr(OffloadCrunchResult) result = crunch_fixture_ok ("inf.csv");
    guint64 sum = 0;

    g_assert_cmpuint (result->rows, ==, 4);
    /* 1, 2, 3, inf */
    column = column_at (result, 0, "x", OFFLOAD_CRUNCH_COLUMN_NUMERIC);
    g_assert_cmpuint (column->count, ==, 4);
    g_assert_cmpfloat (column->mean, ==, INFINITY);
    g_assert_true (isnan (column->std));
    g_assert_cmpfloat (column->min, ==, 1);
    g_assert_cmpfloat (column->p25, ==, 1.75);
    g_assert_cmpfloat (column->p50, ==, 2.5);
    g_assert_cmpfloat (column->p75, ==, INFINITY);
    g_assert_cmpfloat (column->max, ==, INFINITY);
    /* The histogram is of the finite numbers. */
    g_assert_cmpuint (column->n_bins, ==, BINS);
    {
      const double finite[] = { 1, 2, 3 };
      double edges[BINS + 1];
      guint64 bins[BINS];

      grid_histogram (finite, 3, 1, 3, edges, bins);
      for (guint i = 0; i <= BINS; i++)
        g_assert_cmpfloat (column->edges[i], ==, edges[i]);
      for (guint i = 0; i < BINS; i++)
        {
          g_assert_cmpuint (column->bins[i], ==, bins[i]);
          sum += column->bins[i];
        }
    }
    g_assert_cmpuint (sum, ==, 3);
    g_assert_cmpuint (column->bins[0], ==, 1);
    g_assert_cmpuint (column->bins[BINS - 1], ==, 1);

    /* inf, -inf, 5, 7 */
    column = column_at (result, 1, "y", OFFLOAD_CRUNCH_COLUMN_NUMERIC);
    g_assert_true (isnan (column->mean));
    g_assert_true (isnan (column->std));
    g_assert_cmpfloat (column->min, ==, -INFINITY);
    g_assert_cmpfloat (column->p25, ==, -INFINITY);
    g_assert_cmpfloat (column->p50, ==, 6);
    g_assert_cmpfloat (column->p75, ==, INFINITY);
    g_assert_cmpfloat (column->max, ==, INFINITY);
    g_assert_cmpfloat (column->edges[0], <=, 5);
    g_assert_cmpfloat (column->edges[1], >, 5);
    g_assert_cmpfloat (column->edges[BINS - 1], <=, 7);
    g_assert_cmpfloat (column->edges[BINS], >, 7);
    g_assert_cmpuint (column->bins[0] + column->bins[BINS - 1], ==, 2);

    /* only -inf and inf: nothing to draw */
    column = column_at (result, 2, "z", OFFLOAD_CRUNCH_COLUMN_NUMERIC);
    g_assert_cmpuint (column->count, ==, 2);
    g_assert_cmpuint (column->missing, ==, 2);
    g_assert_cmpfloat (column->min, ==, -INFINITY);
    g_assert_cmpfloat (column->max, ==, INFINITY);
    g_assert_cmpuint (column->n_bins, ==, 0);
  }

  /* One text cell makes a column text; its numbers count as values. */
  {
    g_autoptr(OffloadCrunchResult) result = crunch_fixture_ok ("text-column.csv");

    column = column_at (result, 0, "n", OFFLOAD_CRUNCH_COLUMN_NUMERIC);
    g_assert_cmpfloat (column->mean, ==, 2.5);
    column = column_at (result, 1, "t", OFFLOAD_CRUNCH_COLUMN_TEXT);
    g_assert_cmpuint (column->count, ==, 4);
    g_assert_cmpuint (column->missing, ==, 0);
    g_assert_cmpuint (column->distinct, ==, 3);
    g_assert_cmpstr (column->top, ==, "2");
    g_assert_cmpuint (column->top_count, ==, 2);
    g_assert_true (isnan (column->mean));
    g_assert_cmpuint (column->n_bins, ==, 0);
  }

  /* Nothing but missing cells. */
  {
    g_autoptr(OffloadCrunchResult) result = crunch_fixture_ok ("all-missing.csv");

    g_assert_cmpuint (result->rows, ==, 4);
    column = column_at (result, 1, "e", OFFLOAD_CRUNCH_COLUMN_EMPTY);
    g_assert_cmpuint (column->count, ==, 0);
    g_assert_cmpuint (column->missing, ==, 4);
    g_assert_true (isnan (column->mean));
    g_assert_true (isnan (column->p50));
    g_assert_cmpuint (column->n_bins, ==, 0);
  }

  /* Blank lines, before the header too, are no records. */
  {
    g_autoptr(OffloadCrunchResult) result = crunch_fixture_ok ("blank-lines.csv");

    g_assert_cmpuint (result->rows, ==, 2);
    g_assert_cmpuint (result->ragged_rows, ==, 0);
    column = column_at (result, 0, "a", OFFLOAD_CRUNCH_COLUMN_NUMERIC);
    g_assert_cmpuint (column->missing, ==, 0);
    g_assert_cmpfloat (column->mean, ==, 2);
    column = column_at (result, 1, "b", OFFLOAD_CRUNCH_COLUMN_NUMERIC);
    g_assert_cmpfloat (column->mean, ==, 3);
  }

  /* Names as pandas gives them, each a key of its own: an empty one is
   * "Unnamed: N", repeated ones take the first suffix no column has. */
  {
    g_autoptr(OffloadCrunchResult) result = crunch_fixture_ok ("duplicate-names.csv");
    const char *names[] = { "a", "a.2", "Unnamed: 2", "a.1", "a.3" };

    g_assert_cmpuint (result->columns->len, ==, G_N_ELEMENTS (names));
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        column = column_at (result, i, names[i], OFFLOAD_CRUNCH_COLUMN_NUMERIC);
        g_assert_cmpfloat (column->min, ==, i + 1);
      }
  }

  assert_fixture_fails ("header-only.csv", OFFLOAD_CRUNCH_ERROR_EMPTY, "no data rows");
  assert_fixture_fails ("empty.csv", OFFLOAD_CRUNCH_ERROR_EMPTY, "empty");
  assert_fixture_fails ("binary.csv", OFFLOAD_CRUNCH_ERROR_NOT_CSV, "binary");
  /* UTF-16 text is NUL bytes between letters: said as what it is. */
  assert_fixture_fails ("utf16.csv", OFFLOAD_CRUNCH_ERROR_NOT_CSV, "utf-16 text");
  /* Where the quote opens, to find it in a large file: the record's
   * start, as a byte offset and its first characters. */
  assert_fixture_fails ("unclosed-quote.csv", OFFLOAD_CRUNCH_ERROR_NOT_CSV,
                        "quote is missing, in the record that starts at byte 4: "
                        "“1,\"never closed”");
  assert_fixture_fails ("does-not-exist.csv", OFFLOAD_CRUNCH_ERROR_FILE, "does not exist");
  assert_fixture_fails ("", OFFLOAD_CRUNCH_ERROR_FILE, "not a regular file");

  assert_no_children ();
}

/* 3. Faults, injected into the real workers. */

#define FAULT_FILE_BYTES  (6 * 1024 * 1024)
#define FAULT_CHUNK_SIZE  (2 * 1024 * 1024)
#define FAULT_WORKERS     2

static char *fault_path;
static OffloadCrunchResult *clean_result;

/* The file, and what a run without faults finds in it, once. */
static void
ensure_fault_file (void)
{
  Run run;

  if (fault_path != NULL)
    return;

  fault_path = write_large_file ("faults.csv", FAULT_FILE_BYTES);
  crunch (&run, fault_path, FAULT_WORKERS, FAULT_CHUNK_SIZE);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.result->chunks, >, FAULT_WORKERS);
  g_assert_cmpuint (run.result->events->len, ==, 0);
  clean_result = g_steal_pointer (&run.result);
  run_clear (&run);
}

typedef struct
{
  const char *fault;
  const char *words;     /* in the event's message */
} Fault;

static const Fault faults[] = {
  { "crash", "SIGSEGV" },
  { "hang", "stopped responding" },
  { "garbage", "not a message" },
  { "exit", "code 3" },
};

static void
test_fault_retried (gconstpointer data)
{
  const Fault *fault = data;
  g_autofree char *once = tmp_path ("fault-once");
  g_autoptr(OffloadCrunchJob) job = NULL;
  const char *message;
  Run run;

  ensure_fault_file ();
  g_unlink (once);

  job = new_job (fault_path, FAULT_WORKERS, FAULT_CHUNK_SIZE);
  offload_crunch_job_set_hang_timeout (job, 3 * G_USEC_PER_SEC);
  g_setenv ("OFFLOAD_WORKER_FAULT", fault->fault, TRUE);
  g_setenv ("OFFLOAD_WORKER_FAULT_ONCE", once, TRUE);
  run_start (&run, job, NULL);
  run_wait (&run, fault->fault);
  g_unsetenv ("OFFLOAD_WORKER_FAULT");
  g_unsetenv ("OFFLOAD_WORKER_FAULT_ONCE");

  /* The fault happened, once, and the job got over it. */
  g_assert_true (g_file_test (once, G_FILE_TEST_EXISTS));
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.events->len, ==, 1);
  g_assert_cmpuint (run.result->events->len, ==, 1);
  message = g_ptr_array_index (run.events, 0);
  g_test_message ("event: %s", message);
  /* The first worker to start takes the fault: the sample's. */
  g_assert_true (g_str_has_prefix (message, "The sample failed: "));
  g_assert_nonnull (strstr (message, fault->words));
  g_assert_nonnull (strstr (message, "runs again"));
  /* The result tells it once it is over. */
  message = g_ptr_array_index (run.result->events, 0);
  g_assert_true (g_str_has_prefix (message, "The sample failed: "));
  g_assert_nonnull (strstr (message, fault->words));
  g_assert_nonnull (strstr (message, "ran again"));

  {
    OffloadCrunchProgress progress;

    offload_crunch_job_get_progress (job, &progress);
    g_assert_cmpuint (progress.retries, ==, 1);
  }

  /* Chunked the same way, it says the same to the bit. */
  g_assert_cmpuint (run.result->chunks, ==, clean_result->chunks);
  assert_same_results (run.result, clean_result, 0);

  run_clear (&run);
  g_clear_object (&job);
  assert_no_children ();
  g_unlink (once);
}

static void
test_fault_crash_fails (void)
{
  g_autoptr(OffloadCrunchJob) job = NULL;
  const char *details;
  Run run;

  ensure_fault_file ();

  job = new_job (fault_path, FAULT_WORKERS, FAULT_CHUNK_SIZE);
  g_setenv ("OFFLOAD_WORKER_FAULT", "crash", TRUE);
  g_unsetenv ("OFFLOAD_WORKER_FAULT_ONCE");
  run_start (&run, job, NULL);
  run_wait (&run, "crash");
  g_unsetenv ("OFFLOAD_WORKER_FAULT");

  g_assert_error (run.error, OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_WORKER);
  g_test_message ("error: %s", run.error->message);
  g_assert_nonnull (strstr (run.error->message, "failed twice"));
  details = offload_crunch_job_get_error_details (job);
  g_assert_nonnull (details);
  g_test_message ("details: %s", details);
  g_assert_nonnull (strstr (details, "SIGSEGV"));
  /* Every worker crashes: the first, which reads the sample, fails the
   * job, and the details say so. */
  g_assert_true (g_str_has_prefix (details, "The sample of the file, worker "));
  /* The first failure was told as it happened. */
  g_assert_cmpuint (run.events->len, >=, 1);

  run_clear (&run);
  g_clear_object (&job);
  assert_no_children ();
}

/* From here on (in a test's child process) the worker is a script: the
 * shell @cases first, then the real worker for what they leave. */
static void
use_fake_worker (const char *name,
                 const char *cases)
{
  g_autofree char *path = tmp_path (name);
  g_autofree char *script = g_strdup_printf ("#!/bin/sh\n%sexec '%s' \"$@\"\n", cases,
                                             g_getenv ("OFFLOAD_WORKER_BINARY"));
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, script, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0755), ==, 0);
  g_setenv ("OFFLOAD_WORKER_BINARY", path, TRUE);
}

/* A worker whose last words are of the wrong shape: a count of the wrong
 * JSON type, or a result that does not hold together. The job fails in
 * words, the worker's error output in its details, and no critical from
 * json-glib's getters on the way (fatal here, as in a debugging app). The
 * real worker reads the sample; a script plays the scan's. In a child
 * process: the worker's path is looked up once a process. */
static void
test_fault_wrong_shape (gconstpointer data)
{
  static const char text[] = "a,b\n1,x\n2,y\n";
  const char *mode = data;
  g_autoptr(OffloadCrunchJob) job = NULL;
  g_autofree char *csv_path = NULL;
  const char *details;
  Run run;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  use_fake_worker ("fake-worker.sh",
                   "if [ \"$1\" = scan ]; then\n"
                   "  echo 'fake worker: made up' >&2\n"
                   "  if [ \"$FAKE_SHAPE\" = types ]; then\n"
                   "    echo 'progress {\"done\":true,\"quotes\":0,\"in_quotes\":[1]}'\n"
                   "  else\n"
                   "    echo 'progress {\"done\":true,\"quotes\":0,\"in_quotes\":false}'\n"
                   "  fi\n"
                   "  echo 'result {\"stats\":[]}'\n"
                   "  exit 0\n"
                   "fi\n");
  g_setenv ("FAKE_SHAPE", mode, TRUE);
  csv_path = write_file ("fake-worker.csv", text, sizeof text - 1);

  job = new_job (csv_path, 1, 0);
  run_start (&run, job, NULL);
  run_wait (&run, mode);

  g_assert_error (run.error, OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_WORKER);
  g_assert_nonnull (strstr (run.error->message, "failed twice"));
  details = offload_crunch_job_get_error_details (job);
  g_test_message ("details: %s", details);
  g_assert_nonnull (strstr (details, "not valid"));
  g_assert_nonnull (strstr (details, "fake worker: made up"));

  run_clear (&run);
  g_clear_object (&job);
  assert_no_children ();
}

/* A worker that fails on the sample, read before the passes: its details
 * name the sample, not a "pass 0" the page never shows. In a child
 * process, as above. */
static void
test_fault_sample_details (void)
{
  static const char text[] = "a,b\n1,x\n2,y\n";
  g_autoptr(OffloadCrunchJob) job = NULL;
  g_autofree char *csv_path = NULL;
  const char *details;
  Run run;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  use_fake_worker ("failing-sample.sh",
                   "if [ \"$1\" = sample ]; then\n"
                   "  echo 'fake worker: no sample' >&2\n"
                   "  exit 3\n"
                   "fi\n");
  csv_path = write_file ("failing-sample.csv", text, sizeof text - 1);

  job = new_job (csv_path, 1, 0);
  run_start (&run, job, NULL);
  run_wait (&run, "a job whose sample fails");

  g_assert_error (run.error, OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_WORKER);
  details = offload_crunch_job_get_error_details (job);
  g_test_message ("details: %s", details);
  g_assert_true (g_str_has_prefix (details, "The sample of the file, worker "));
  g_assert_null (strstr (details, "pass 0"));
  g_assert_nonnull (strstr (details, "fake worker: no sample"));

  run_clear (&run);
  g_clear_object (&job);
  assert_no_children ();
}

/* 4. Cancelling, and 5. a file that changes. */

#define LARGE_FILE_BYTES  (48 * 1024 * 1024)

static char *large_path;

typedef struct
{
  OffloadCrunchJob *job;
  Run              *run;
} Watch;

/* Reading rows, and some bytes read already; or over too soon. */
static gboolean
scanning (gpointer data)
{
  Watch *watch = data;
  OffloadCrunchProgress progress;

  if (watch->run->done)
    return TRUE;
  offload_crunch_job_get_progress (watch->job, &progress);
  return progress.phase == OFFLOAD_CRUNCH_PHASE_SCAN && progress.bytes_done > 0;
}

static void
test_cancel (void)
{
  g_autoptr(OffloadCrunchJob) job = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  OffloadCrunchProgress progress;
  Run run;
  Watch watch = { NULL, &run };

  if (large_path == NULL)
    large_path = write_large_file ("large.csv", LARGE_FILE_BYTES);

  job = watch.job = new_job (large_path, 2, 0);
  run_start (&run, job, cancellable);
  offload_test_wait_for (scanning, &watch, "the first pass's progress");
  g_assert_false (run.done);
  /* Workers that have begun are in a process group of their own: a
   * terminal's Ctrl+C reaches the app, which stops them itself. */
  for (guint i = 0; i < offload_crunch_job_get_n_lanes (job); i++)
    {
      OffloadCrunchLane lane;

      offload_crunch_job_get_lane (job, i, &lane);
      if (lane.pid > 0 && lane.bytes_done > 0)
        {
          g_assert_cmpint (getpgid (lane.pid), ==, lane.pid);
          g_assert_cmpint (getpgid (lane.pid), !=, getpgid (0));
        }
    }
  g_cancellable_cancel (cancellable);
  run_wait (&run, "the cancelled job");

  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  offload_crunch_job_get_progress (job, &progress);
  g_assert_cmpint (progress.phase, ==, OFFLOAD_CRUNCH_PHASE_DONE);
  g_assert_false (progress.cancelling);
  for (guint i = 0; i < offload_crunch_job_get_n_lanes (job); i++)
    {
      OffloadCrunchLane lane;

      offload_crunch_job_get_lane (job, i, &lane);
      g_assert_cmpint (lane.state, ==, OFFLOAD_CRUNCH_LANE_IDLE);
      g_assert_cmpint (lane.pid, ==, 0);
    }
  /* Every worker was reaped before the job said it had ended. */
  assert_no_children ();
  g_assert_cmpint (offload_crunch_job_get_stop_duration (job), >, 0);

  run_clear (&run);
}

/* A text column of more distinct values than the workers hold exactly:
 * an estimate, said to be one, and never more distinct values than
 * values (a HyperLogLog of 400,000 unique words read 403,560). */
static void
test_distinct_estimate (void)
{
  GString *text = g_string_new ("w\n");
  g_autofree char *path = NULL;
  const OffloadCrunchColumn *column;
  Run run;

  for (guint i = 0; i < 300000; i++)
    g_string_append_printf (text, "word%u\n", i);
  path = write_file ("estimate.csv", text->str, text->len);
  g_string_free (text, TRUE);

  crunch (&run, path, 2, 0);
  g_assert_no_error (run.error);
  column = g_ptr_array_index (run.result->columns, 0);
  g_assert_cmpuint (column->count, ==, 300000);
  g_assert_true (column->distinct_estimated);
  g_assert_true (column->top_estimated);
  g_assert_cmpuint (column->distinct, <=, column->count);
  g_assert_cmpuint (column->distinct, >=, 300000 * 0.97);
  run_clear (&run);
  g_unlink (path);
}

/* The exported statistics as pandas' to_csv() writes numbers: as short as
 * they read back the same, 2.6902 and not 2.6901999999999999. */
static void
test_csv_export (void)
{
  static const char text[] = "x,s\n2.6902,a\n0.1,b\n0.2,a\n";
  g_autofree char *path = write_file ("export.csv", text, sizeof text - 1);
  g_autofree char *csv = NULL;
  Run run;

  crunch (&run, path, 1, 0);
  g_assert_no_error (run.error);
  csv = offload_crunch_result_to_csv (run.result);
  g_assert_cmpstr (csv, ==,
                   "column,type,count,missing,mean,std,min,25%,50%,75%,max,distinct,top,freq,"
                   "distinct_estimated,top_estimated\r\n"
                   "x,numeric,3,0,0.9967333333333335,1.4674372263689281,0.1,0.15000000000000002,"
                   "0.2,1.4451,2.6902,,,,,\r\n"
                   "s,text,3,0,,,,,,,,2,a,2,false,false\r\n");
  run_clear (&run);
  g_unlink (path);

  /* Round numbers written out, as spreadsheets and pandas have them:
   * 100, not 1e+02; exponents past 10^16 only. */
  {
    static const char round[] = "n\n100\n300\n2000\n5000000\n1e20\n";
    g_autofree char *round_path = write_file ("export-round.csv", round, sizeof round - 1);
    g_autofree char *round_csv = NULL;

    crunch (&run, round_path, 1, 0);
    g_assert_no_error (run.error);
    round_csv = offload_crunch_result_to_csv (run.result);
    g_assert_cmpstr (round_csv, ==,
                     "column,type,count,missing,mean,std,min,25%,50%,75%,max,distinct,top,freq,"
                   "distinct_estimated,top_estimated\r\n"
                     "n,numeric,5,0,2.0000000000001e+19,4.472135954999524e+19,100,300,2000,5000000,"
                     "1e+20,,,,,\r\n");
    run_clear (&run);
    g_unlink (round_path);
  }
}

/* What the page shows only goes up within a pass: a chunk whose worker
 * has ended counts as read while its result waits to be merged. */
typedef struct
{
  OffloadCrunchJob     *job;
  Run                  *run;
  OffloadCrunchProgress last;
  guint                 looks;
} Climb;

static gboolean
climbing (gpointer data)
{
  Climb *climb = data;
  OffloadCrunchProgress now;

  offload_crunch_job_get_progress (climb->job, &now);
  if (now.phase == climb->last.phase && now.pass == climb->last.pass)
    {
      g_assert_cmpuint (now.bytes_done, >=, climb->last.bytes_done);
      g_assert_cmpuint (now.rows, >=, climb->last.rows);
      g_assert_cmpuint (now.chunks_done, >=, climb->last.chunks_done);
    }
  climb->last = now;
  climb->looks++;
  return climb->run->done;
}

static void
test_progress_climbs (void)
{
  g_autoptr(OffloadCrunchJob) job = NULL;
  Run run;
  Climb climb = { NULL, &run, { 0 }, 0 };

  if (large_path == NULL)
    large_path = write_large_file ("large.csv", LARGE_FILE_BYTES);

  /* Many chunks, so that many results wait for the merge thread. */
  job = climb.job = new_job (large_path, 2, 2 * 1024 * 1024);
  run_start (&run, job, NULL);
  offload_test_wait_for (climbing, &climb, "the job, its progress watched");
  g_assert_no_error (run.error);
  g_assert_cmpuint (climb.looks, >, 24);
  g_assert_cmpuint (climb.last.bytes_done, ==, climb.last.bytes_total);
  g_assert_cmpuint (climb.last.rows, ==, run.result->rows);

  run_clear (&run);
}

/* The app's own main loop standing still past the hang timeout (a
 * blocking demo, a debugger, Ctrl+Z) is not the workers' silence: those
 * that finished meanwhile, their lines unread, are not killed as hung. */
static void
test_parent_stalled (void)
{
  g_autoptr(OffloadCrunchJob) job = NULL;
  Run run;
  Watch watch = { NULL, &run };

  ensure_fault_file ();
  job = watch.job = new_job (fault_path, FAULT_WORKERS, FAULT_CHUNK_SIZE);
  offload_crunch_job_set_hang_timeout (job, G_USEC_PER_SEC);
  run_start (&run, job, NULL);
  offload_test_wait_for (scanning, &watch, "the first pass's progress");
  g_usleep (5 * G_USEC_PER_SEC / 2);
  run_wait (&run, "the job after the stall");

  g_assert_no_error (run.error);
  g_assert_cmpuint (run.events->len, ==, 0);
  assert_same_results (run.result, clean_result, 0);

  run_clear (&run);
  g_clear_object (&job);
  assert_no_children ();
}

/* Cancelled before any worker runs: right after the start, and before it. */
static void
check_cancel_early (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(OffloadCrunchJob) job = NULL;
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(OffloadCrunchJob) job_cancelled = NULL;
  g_autofree char *path = fixture ("bom.csv");
  Run run;

  job = new_job (path, 2, 0);
  run_start (&run, job, cancellable);
  g_cancellable_cancel (cancellable);
  run_wait (&run, "the job cancelled at once");
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_no_children ();
  run_clear (&run);

  job_cancelled = new_job (path, 2, 0);
  g_cancellable_cancel (cancelled);
  run_start (&run, job_cancelled, cancelled);
  run_wait (&run, "the job started cancelled");
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_no_children ();
  run_clear (&run);
}

static void
test_cancel_early (void)
{
  if (isolate ("cancelling while no worker runs deadlocks the main thread: the "
               "GCancellable::cancelled handler runs on_cancelled_idle() synchronously "
               "(g_main_context_invoke_full() on the owning thread), which reaches finish() "
               "and its g_cancellable_disconnect() from inside the handler"))
    check_cancel_early ();
}

/* The file changes under the job: @change does it once the first pass is
 * under way. */
static void
run_on_changing_file (void       (*change) (const char *path),
                      GError     **error)
{
  g_autofree char *path = write_large_file ("changing.csv", LARGE_FILE_BYTES);
  g_autoptr(OffloadCrunchJob) job = new_job (path, 2, 0);
  Run run;
  Watch watch = { job, &run };

  run_start (&run, job, NULL);
  offload_test_wait_for (scanning, &watch, "the first pass's progress");
  g_assert_false (run.done);
  change (path);
  run_wait (&run, "the job on a changed file");

  g_assert_null (run.result);
  g_test_message ("error: %s", run.error->message);
  g_propagate_error (error, g_steal_pointer (&run.error));
  run_clear (&run);
  assert_no_children ();
  g_unlink (path);
}

static void
truncate_file (const char *path)
{
  g_assert_cmpint (truncate (path, LARGE_FILE_BYTES / 3), ==, 0);
}

/* The same bytes again, in place: only the modification time says so. */
static void
rewrite_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;
  FILE *file;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  file = fopen (path, "r+");
  g_assert_nonnull (file);
  g_assert_cmpuint (fwrite (contents, 1, length, file), ==, length);
  g_assert_cmpint (fclose (file), ==, 0);
}

/* A NUL byte where the sample does not look (between its blocks of a file
 * over 8 MiB) is still found, by the pass, at its offset. And a number
 * that json-glib would write as "1e+20.0" does not break the results. */
static void
test_binary_unsampled (void)
{
  g_autoptr(GString) csv = g_string_new ("a,b\n");
  g_autofree char *path = NULL;
  g_autofree char *offset = NULL;
  guint64 block_size, nul_at;
  guint n_blocks;
  char was;
  Run run;

  while (csv->len < 9 * 1024 * 1024)
    g_string_append (csv, "1e20,12345\n");
  offload_pilot_blocks (csv->len, &block_size, &n_blocks);
  g_assert_cmpuint (n_blocks, >, 1);
  /* Past the first block, before the second. */
  nul_at = block_size + 100;
  g_assert_cmpuint (nul_at, <, csv->len / n_blocks);
  was = csv->str[nul_at];
  csv->str[nul_at] = '\0';
  path = write_file ("unsampled-nul.csv", csv->str, csv->len);
  offset = g_strdup_printf ("%" G_GUINT64_FORMAT, nul_at);

  crunch (&run, path, 2, 0);
  g_assert_error (run.error, OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_NOT_CSV);
  g_assert_nonnull (strstr (run.error->message, offset));
  run_clear (&run);

  /* Without it, the numbers. */
  csv->str[nul_at] = was;
  g_unlink (path);
  g_free (path);
  path = write_file ("unsampled-nul.csv", csv->str, csv->len);
  crunch (&run, path, 2, 0);
  g_assert_no_error (run.error);
  g_assert_cmpfloat (find_column (run.result, "a")->max, ==, 1e20);
  run_clear (&run);

  assert_no_children ();
  g_unlink (path);
}

static void
test_changed (void)
{
  g_autoptr(GError) shorter = NULL;
  g_autoptr(GError) rewritten = NULL;
  g_autofree char *lower = NULL;

  run_on_changing_file (truncate_file, &shorter);
  g_assert_error (shorter, OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_CHANGED);
  lower = g_utf8_strdown (shorter->message, -1);
  g_assert_true (strstr (lower, "shorter") != NULL || strstr (lower, "change") != NULL);

  run_on_changing_file (rewrite_file, &rewritten);
  g_assert_error (rewritten, OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_CHANGED);
  g_assert_nonnull (strstr (rewritten->message, "changed"));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  /* The job finds the worker through OFFLOAD_WORKER_BINARY. */
  g_assert_nonnull (g_getenv ("OFFLOAD_WORKER_BINARY"));
  g_unsetenv ("OFFLOAD_WORKER_FAULT");
  g_unsetenv ("OFFLOAD_WORKER_FAULT_ONCE");

  g_test_add_func ("/offload/crunch-job/reference", test_reference);
  g_test_add_func ("/offload/crunch-job/stray-quote", test_stray_quote);
  g_test_add_func ("/offload/crunch-job/misguess", test_misguess);
  g_test_add_func ("/offload/crunch-job/misstart", test_misstart);
  g_test_add_func ("/offload/crunch-job/plan-misses", test_plan_misses);
  g_test_add_func ("/offload/crunch-job/windows-in-runs", test_windows_in_runs);
  g_test_add_func ("/offload/crunch-job/later-pass-chunks", test_later_pass_chunks);
  g_test_add_func ("/offload/crunch-job/far-off-grid", test_far_off_grid);
  g_test_add_func ("/offload/crunch-job/chunks-bounded", test_chunks_bounded);
  g_test_add_func ("/offload/crunch-job/stray-quote-then-parse-error",
                   test_stray_quote_then_parse_error);
  g_test_add_func ("/offload/crunch-job/merger-inconsistent", test_merger_inconsistent);
  g_test_add_func ("/offload/crunch-job/long-field", test_long_field);
  g_test_add_func ("/offload/crunch-job/first-ragged-row", test_first_ragged_row);
  g_test_add_func ("/offload/crunch-job/long-top", test_long_top);
  g_test_add_func ("/offload/crunch-job/text-only", test_text_only);
  g_test_add_func ("/offload/crunch-job/wide-text", test_wide_text);
  g_test_add_func ("/offload/crunch-job/edge-cases", test_edge_cases);
  g_test_add_func ("/offload/crunch-job/csv-export", test_csv_export);
  g_test_add_func ("/offload/crunch-job/distinct-estimate", test_distinct_estimate);
  g_test_add_data_func ("/offload/crunch-job/fault/crash-retried", &faults[0],
                        test_fault_retried);
  g_test_add_data_func ("/offload/crunch-job/fault/hang-retried", &faults[1],
                        test_fault_retried);
  g_test_add_data_func ("/offload/crunch-job/fault/garbage-retried", &faults[2],
                        test_fault_retried);
  g_test_add_data_func ("/offload/crunch-job/fault/exit-retried", &faults[3],
                        test_fault_retried);
  g_test_add_func ("/offload/crunch-job/fault/crash-fails", test_fault_crash_fails);
  g_test_add_data_func ("/offload/crunch-job/fault/wrong-types", "types",
                        test_fault_wrong_shape);
  g_test_add_data_func ("/offload/crunch-job/fault/result-not-valid", "result",
                        test_fault_wrong_shape);
  g_test_add_func ("/offload/crunch-job/fault-sample-details", test_fault_sample_details);
  g_test_add_func ("/offload/crunch-job/cancel", test_cancel);
  g_test_add_func ("/offload/crunch-job/progress-climbs", test_progress_climbs);
  g_test_add_func ("/offload/crunch-job/parent-stalled", test_parent_stalled);
  g_test_add_func ("/offload/crunch-job/cancel-early", test_cancel_early);
  g_test_add_func ("/offload/crunch-job/changed", test_changed);
  g_test_add_func ("/offload/crunch-job/binary-unsampled", test_binary_unsampled);

  ret = g_test_run ();

  g_clear_pointer (&clean_result, offload_crunch_result_unref);
  if (fault_path != NULL)
    g_unlink (fault_path);
  if (large_path != NULL)
    g_unlink (large_path);
  g_free (fault_path);
  g_free (large_path);
  if (tmp_dir != NULL)
    g_rmdir (tmp_dir);
  g_free (tmp_dir);

  return ret;
}
