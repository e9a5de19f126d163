/* test-worker.c: the real offload-worker on a real file
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>

#include "offload-chunk-scanner.h"
#include "offload-csv.h"
#include "offload-pilot.h"
#include "offload-sample-data.h"
#include "offload-worker-launcher.h"
#include "offload-worker-protocol.h"

#define BITS 10

static const char *worker_binary;
static char *sample_path;
static GString *sample;

typedef struct
{
  GSubprocess *process;
  guint        progress;
  JsonNode    *result;
  char        *error;
  gboolean     garbage;
  gint64       quotes;      /* the chunk's, from the last progress or the error; -1 */
} Run;

/* What a first pass counts besides its statistics: here, nothing. */
#define EMPTY_PLAN "{\"targets\":[],\"bins\":[],\"text\":[],\"text_max_exact\":2}"

static void
run_clear (Run *run)
{
  g_clear_object (&run->process);
  g_clear_pointer (&run->result, json_node_unref);
  g_clear_pointer (&run->error, g_free);
}

/* Starts the worker and reads its messages until the result, an error, a
 * garbage line or the end; then waits for it to exit. */
static void
run_worker (Run         *run,
            const char  *fault,
            const char  *first_arg,
            ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  va_list ap;

  memset (run, 0, sizeof *run);
  run->quotes = -1;
  g_ptr_array_add (args, g_strdup (worker_binary));
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, g_strdup (arg));
  va_end (ap);
  g_ptr_array_add (args, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  /* The messages the test reads are the English ones. */
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  if (fault != NULL)
    g_subprocess_launcher_setenv (launcher, "OFFLOAD_WORKER_FAULT", fault, TRUE);
  run->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata,
                                               &error);
  g_assert_no_error (error);
  /* The plan of a pass comes on standard input; a few bytes, written at
   * once. A worker that dies first breaks the pipe: no matter here. */
  {
    GOutputStream *in = g_subprocess_get_stdin_pipe (run->process);

    g_output_stream_write_all (in, EMPTY_PLAN, strlen (EMPTY_PLAN), NULL, NULL, NULL);
    g_output_stream_close (in, NULL, NULL);
  }

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (run->process));
  for (;;)
    {
      g_autoptr(GError) read_error = NULL;
      g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &read_error);
      g_autoptr(JsonNode) payload = NULL;
      OffloadWorkerMessage message;

      /* Invalid UTF-8 is garbage too, not the end. */
      if (read_error != NULL)
        {
          run->garbage = TRUE;
          break;
        }
      if (line == NULL)
        break;
      if (!offload_worker_parse_line (line, &message, &payload, NULL))
        {
          run->garbage = TRUE;
          break;
        }
      if (message != OFFLOAD_WORKER_RESULT
          && json_object_has_member (json_node_get_object (payload), "quotes"))
        run->quotes = json_object_get_int_member (json_node_get_object (payload), "quotes");
      if (message == OFFLOAD_WORKER_PROGRESS)
        {
          run->progress++;
          /* A hanging worker: it said one thing, then nothing. The pool
           * notices by a timeout; here, stop it. */
          if (g_strcmp0 (fault, "hang") == 0)
            break;
        }
      else if (message == OFFLOAD_WORKER_RESULT)
        run->result = g_steal_pointer (&payload);
      else
        {
          JsonObject *object = json_node_get_object (payload);

          run->error = g_strdup (json_object_get_string_member_with_default (object, "message",
                                                                             "?"));
        }
    }

  if (run->garbage || g_strcmp0 (fault, "hang") == 0)
    g_subprocess_send_signal (run->process, SIGKILL);
  g_subprocess_wait (run->process, NULL, &error);
  g_assert_no_error (error);
}

static JsonNode *
stats_of (JsonNode *result)
{
  JsonNode *stats = json_object_get_member (json_node_get_object (result), "stats");

  g_assert_nonnull (stats);
  return stats;
}

static char *
number (guint64 value)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, value);
}

static void
test_chunks (void)
{
  /* The reference: the same statistics, in this process, in one piece. */
  g_autoptr(OffloadChunkScanner) scanner = offload_chunk_scanner_new (BITS, TRUE, NULL, 0);
  OffloadCsvParser *parser = offload_chunk_scanner_get_parser (scanner);
  g_autoptr(OffloadChunkStats) reference = NULL;
  g_autoptr(OffloadChunkStats) merged = offload_chunk_stats_new (BITS);
  g_autoptr(GRand) rand = g_rand_new_with_seed (77);
  guint64 cuts[5];
  guint64 quotes_before = 0;

  {
    gsize bom = offload_csv_skip_bom (sample->str, sample->len);

    offload_csv_parser_feed (parser, sample->str + bom, sample->len - bom, FALSE);
    offload_csv_parser_finish (parser);
    reference = offload_chunk_scanner_finish (scanner, NULL);
  }

  cuts[0] = 0;
  cuts[G_N_ELEMENTS (cuts) - 1] = sample->len;
  for (guint i = 1; i < G_N_ELEMENTS (cuts) - 1; i++)
    cuts[i] = cuts[i - 1] + (guint64) g_rand_int_range (rand, 1, (gint32) (sample->len / 3));

  /* What the pool does, knowing the quotes before each chunk (it checks
   * its guess of each chunk's start with them): scan every chunk, merge. */
  for (guint i = 0; i + 1 < G_N_ELEMENTS (cuts); i++)
    {
      g_autofree char *start = number (cuts[i]);
      g_autofree char *end = number (MIN (cuts[i + 1], sample->len));
      g_autofree char *in_quotes = number (quotes_before % 2);
      Run scan;
      g_autoptr(OffloadChunkStats) chunk = NULL;
      g_autoptr(GError) error = NULL;

      run_worker (&scan, NULL, "scan", sample_path, start, end, in_quotes, G_STRINGIFY (BITS),
                  NULL);
      g_assert_null (scan.error);
      g_assert_nonnull (scan.result);
      g_assert_true (g_subprocess_get_successful (scan.process));
      g_assert_cmpint (scan.quotes, >=, 0);

      chunk = offload_chunk_stats_from_json (stats_of (scan.result), &error);
      g_assert_no_error (error);
      g_assert_true (offload_chunk_stats_merge (merged, chunk, &error));

      quotes_before += (guint64) scan.quotes;
      run_clear (&scan);
    }

  g_assert_cmpuint (merged->records, ==, reference->records);
  g_assert_cmpstrv (merged->header, reference->header);
  g_assert_false (merged->irregular);
  g_assert_cmpuint (merged->columns->len, ==, reference->columns->len);
  for (guint c = 0; c < reference->columns->len; c++)
    {
      OffloadColumnPartial *a = g_ptr_array_index (reference->columns, c);
      OffloadColumnPartial *b = g_ptr_array_index (merged->columns, c);

      g_assert_cmpuint (a->missing, ==, b->missing);
      g_assert_cmpuint (a->text, ==, b->text);
      g_assert_cmpuint (a->moments.count, ==, b->moments.count);
      g_assert_cmpfloat (a->moments.min, ==, b->moments.min);
      g_assert_cmpfloat (a->moments.max, ==, b->moments.max);
      g_assert_true ((a->histogram == NULL) == (b->histogram == NULL));
      if (a->histogram != NULL)
        g_assert_cmpmem (a->histogram->counts, sizeof (guint64) << BITS,
                         b->histogram->counts, sizeof (guint64) << BITS);
    }
}

/* The pool's steps on @path cut at @cut: scans, each knowing the parity
 * of the quotes before it. */
static OffloadChunkStats *
scan_in_two (const char *path,
             guint64     length,
             guint64     cut)
{
  OffloadChunkStats *merged = offload_chunk_stats_new (BITS);
  guint64 bounds[3] = { 0, cut, length };
  guint64 quotes_before = 0;

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *start = number (bounds[i]);
      g_autofree char *end = number (bounds[i + 1]);
      g_autofree char *in_quotes = number (quotes_before % 2);
      g_autoptr(OffloadChunkStats) chunk = NULL;
      g_autoptr(GError) error = NULL;
      Run scan;

      run_worker (&scan, NULL, "scan", path, start, end, in_quotes, G_STRINGIFY (BITS), NULL);
      if (scan.result == NULL)
        g_error ("cut at %" G_GUINT64_FORMAT ", chunk %u: %s", cut, i,
                 scan.error != NULL ? scan.error : "no result");
      chunk = offload_chunk_stats_from_json (stats_of (scan.result), &error);
      g_assert_no_error (error);
      g_assert_true (offload_chunk_stats_merge (merged, chunk, &error));
      quotes_before += (guint64) scan.quotes;
      run_clear (&scan);
    }

  return merged;
}

/* Every cut of a small file full of traps: a BOM, blank and blank-looking
 * lines before the header, CRLF, a lone CR, a quoted newline, no newline
 * at the end. The header is found, and no record is lost or doubled. */
static void
test_every_cut (void)
{
  static const char data[] =
    "\xEF\xBB\xBF\n\r\n  \na,b\r\n1,\"x\ny\"\r\n\n2,3\r4,\"5\"\r\n6,7";
  gsize length = sizeof data - 1;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  int fd;

  fd = g_file_open_tmp ("offload-cuts-XXXXXX.csv", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, data, (gssize) length, &error);
  g_assert_no_error (error);

  for (guint64 cut = 0; cut <= length; cut++)
    {
      g_autoptr(OffloadChunkStats) stats = scan_in_two (path, length, cut);
      const char *header[] = { "a", "b", NULL };
      OffloadColumnPartial *first;

      if (stats->records != 4 || stats->header == NULL)
        g_error ("cut at %" G_GUINT64_FORMAT ": %" G_GUINT64_FORMAT " records, %s header",
                 cut, stats->records, stats->header != NULL ? "a" : "no");
      g_assert_cmpstrv (stats->header, header);
      first = offload_chunk_stats_get_column (stats, 0);
      /* 1, 2, 4, 6: all numbers, so the column stays numeric. */
      g_assert_cmpuint (first->moments.count, ==, 4);
      g_assert_cmpuint (first->text, ==, 0);
      g_assert_cmpfloat (first->moments.max, ==, 6);
    }

  g_unlink (path);
}

static void
test_faults (void)
{
  g_autofree char *end = number (sample->len);
  Run run;

  /* A crash is a signal, a non-zero exit a status, garbage a line that is
   * no message, a hang a silence: all of them visible to the parent. */
  run_worker (&run, "crash", "scan", sample_path, "0", end, "0", "10", NULL);
  g_assert_true (g_subprocess_get_if_signaled (run.process));
  g_assert_cmpint (g_subprocess_get_term_sig (run.process), ==, SIGSEGV);
  g_assert_null (run.result);
  run_clear (&run);

  run_worker (&run, "exit", "scan", sample_path, "0", end, "0", "10", NULL);
  g_assert_true (g_subprocess_get_if_exited (run.process));
  g_assert_cmpint (g_subprocess_get_exit_status (run.process), ==, 3);
  run_clear (&run);

  run_worker (&run, "garbage", "scan", sample_path, "0", end, "0", "10", NULL);
  g_assert_true (run.garbage);
  g_assert_null (run.result);
  run_clear (&run);

  run_worker (&run, "hang", "scan", sample_path, "0", end, "0", "10", NULL);
  g_assert_cmpuint (run.progress, ==, 1);
  g_assert_null (run.result);
  run_clear (&run);
}

/* The pool starts workers with the app's descriptors inherited, so that
 * GLib can use posix_spawn() (offload-worker-launcher.c): none of them may
 * stay open in the worker. A pipe the app holds without close-on-exec
 * would otherwise have a second writer for as long as the worker runs. */
static void
test_inherited_descriptors (void)
{
  g_autofree char *end = number (sample->len);
  const char *args[] = { "scan", sample_path, "0", end, "0", "10", NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) open_fds = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *line = NULL;
  g_autofree char *fd_dir = NULL;
  g_autofree char *plan_path = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  int leaked[2], plan;

  g_assert_no_errno (pipe (leaked));
  plan = g_file_open_tmp ("offload-plan-XXXXXX.json", &plan_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (write (plan, EMPTY_PLAN, strlen (EMPTY_PLAN)), ==, strlen (EMPTY_PLAN));
  g_assert_cmpint (lseek (plan, 0, SEEK_SET), ==, 0);

  /* A worker that hangs after its first progress line: by then it has
   * started, and it stays to be looked at. */
  g_setenv ("OFFLOAD_WORKER_FAULT", "hang", TRUE);
  process = offload_worker_launcher_spawn (args, plan, &error);
  g_unsetenv ("OFFLOAD_WORKER_FAULT");
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "progress "));

  fd_dir = g_strdup_printf ("/proc/%s/fd", g_subprocess_get_identifier (process));
  dir = g_dir_open (fd_dir, 0, &error);
  g_assert_no_error (error);
  /* Its three streams and the file it reads; nothing else. */
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *link = g_build_filename (fd_dir, name, NULL);
      g_autofree char *target = g_file_read_link (link, NULL);

      if (g_strv_contains ((const char * const[]) { "0", "1", "2", NULL }, name))
        continue;
      g_assert_nonnull (target);
      g_ptr_array_add (open_fds, g_steal_pointer (&target));
    }
  g_ptr_array_add (open_fds, NULL);
  g_assert_cmpstrv ((const char * const *) open_fds->pdata,
                    ((const char * const[]) { sample_path, NULL }));

  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  close (leaked[0]);
  close (leaked[1]);
  g_unlink (plan_path);
}

/* A result the worker cannot write (standard output full) is a failure,
 * in its exit status, not a success that says nothing. */
static void
test_result_not_written (void)
{
  g_autofree char *end = number (sample->len);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  GOutputStream *in;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_stdout_file_path (launcher, "/dev/full");
  process = g_subprocess_launcher_spawn (launcher, &error, worker_binary, "scan", sample_path,
                                         "0", end, "0", "10", NULL);
  g_assert_no_error (error);
  in = g_subprocess_get_stdin_pipe (process);
  g_output_stream_write_all (in, EMPTY_PLAN, strlen (EMPTY_PLAN), NULL, NULL, NULL);
  g_output_stream_close (in, NULL, NULL);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
}

static void
test_errors (void)
{
  Run run;

  run_worker (&run, NULL, "scan", "/nonexistent/file.csv", "0", "10", "0", "10", NULL);
  g_assert_nonnull (run.error);
  g_assert_nonnull (strstr (run.error, "Could not open"));
  g_assert_cmpint (g_subprocess_get_exit_status (run.process), ==, 1);
  run_clear (&run);

  /* Past the end of the file: it changed, or the parent is wrong. */
  run_worker (&run, NULL, "scan", sample_path, "0", "999999999", "0", "10", NULL);
  g_assert_nonnull (run.error);
  g_assert_nonnull (strstr (run.error, "shorter than expected"));
  run_clear (&run);

  run_worker (&run, NULL, "scan", sample_path, "10", "5", "0", "10", NULL);
  g_assert_cmpint (g_subprocess_get_exit_status (run.process), ==, 2);
  run_clear (&run);
}

/* What the worker's sample of @path says. */
static OffloadPilotSummary *
sample_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  OffloadPilotSummary *summary;
  Run run;

  run_worker (&run, NULL, "sample", path, NULL);
  g_assert_null (run.error);
  g_assert_nonnull (run.result);
  g_assert_true (g_subprocess_get_successful (run.process));
  summary = offload_pilot_summary_from_json (run.result, &error);
  g_assert_no_error (error);
  run_clear (&run);

  return summary;
}

/* The sample of a small file is the file: every row, the columns' kinds,
 * and windows that hold the quartiles. */
static void
test_sample (void)
{
  g_autoptr(OffloadPilotSummary) summary = sample_file (sample_path);

  g_assert_true (summary->whole);
  g_assert_cmpuint (summary->n_columns, ==, 10);
  g_assert_cmpuint (summary->rows, ==, 20000);
  g_assert_cmpuint (summary->seen, ==, 20000);
  g_assert_cmpuint (summary->first_nul, ==, G_MAXUINT64);
  /* id: 0 to 19999, a window at each quartile around its rank. */
  {
    const OffloadPilotColumn *id = &g_array_index (summary->columns, OffloadPilotColumn, 0);
    const OffloadPilotColumn *category = &g_array_index (summary->columns, OffloadPilotColumn, 6);
    const double quartiles[] = { 4999.75, 9999.5, 14999.25 };

    g_assert_cmpuint (id->numbers, ==, 20000);
    g_assert_cmpfloat (id->min, ==, 0);
    g_assert_cmpfloat (id->max, ==, 19999);
    for (guint q = 0; q < 3; q++)
      {
        g_assert_true (id->has_window[q]);
        g_assert_cmpfloat (offload_order_key_value (id->window_low[q]), <=, floor (quartiles[q]));
        g_assert_cmpfloat (offload_order_key_value (id->window_high[q]), >=, ceil (quartiles[q]));
      }
    g_assert_cmpuint (category->text, >, 0);
    /* How many of its numbers the windows hold, for the chunks' size. */
    g_assert_cmpuint (id->in_windows, >, 0);
    g_assert_cmpuint (id->in_windows, <, id->numbers);
    g_assert_cmpuint (category->in_windows, ==, 0);
  }

  /* The plan widens id's windows to whole cells of its grid, where the
   * workers count them fastest; each still holds the sample's window. */
  {
    const OffloadPilotColumn *id = &g_array_index (summary->columns, OffloadPilotColumn, 0);
    g_autoptr(OffloadRefinePlan) plan = NULL;
    const OffloadRefineGrid *grid = NULL;
    gboolean covered;
    guint q = 0;

    plan = offload_pilot_make_plan (summary, 50, 32 * 1024 * 1024, &covered);
    g_assert_true (covered);
    for (guint i = 0; i < plan->grids->len; i++)
      if (g_array_index (plan->grids, OffloadRefineGrid, i).column == 0)
        grid = &g_array_index (plan->grids, OffloadRefineGrid, i);
    g_assert_nonnull (grid);
    for (guint i = 0; i < plan->ranges->len; i++)
      {
        const OffloadRefineRange *r = &g_array_index (plan->ranges, OffloadRefineRange, i);
        guint first, last;

        if (r->column != 0)
          continue;
        g_assert_true (offload_refine_grid_window_cells (grid, r->low, r->high, &first, &last));
        g_assert_cmpuint (r->low, <=, id->window_low[q]);
        g_assert_cmpuint (r->high, >=, id->window_high[q]);
        g_assert_cmpfloat (offload_order_key_value (r->high) - offload_order_key_value (r->low), <=,
                           2 * (offload_order_key_value (id->window_high[q])
                                - offload_order_key_value (id->window_low[q])));
        q++;
      }
    g_assert_cmpuint (q, ==, 3);
  }
}

/* A summary of @n_columns numeric columns, @in_windows numbers of each in
 * its windows, in a sample of 16 MB. */
static OffloadPilotSummary *
summary_with (guint   n_columns,
              guint64 in_windows)
{
  OffloadPilotSummary *summary = g_new0 (OffloadPilotSummary, 1);

  summary->bytes = 16000000;
  summary->rows = summary->seen = 200000;
  summary->n_columns = n_columns;
  summary->columns = g_array_new (FALSE, TRUE, sizeof (OffloadPilotColumn));
  for (guint c = 0; c < n_columns; c++)
    {
      OffloadPilotColumn column = { 0 };

      column.numbers = column.finite = 200000;
      column.in_windows = in_windows;
      g_array_append_val (summary->columns, column);
    }
  return summary;
}

#define MiB (G_GUINT64_CONSTANT (1024) * 1024)

/* Chunks as large as the file allows, four a worker at least, 32 to 128
 * MiB; smaller where the windows' numbers would crowd a chunk's budget,
 * or when the sample does not say how many they are. The budget grows
 * with the chunk, to twice that of 32 MiB. */
static void
test_chunk_size (void)
{
  g_autoptr(OffloadPilotSummary) sparse = summary_with (10, 6000);
  g_autoptr(OffloadPilotSummary) dense = summary_with (10, 60000);
  g_autoptr(OffloadPilotSummary) unknown = summary_with (10, 6000);
  g_autoptr(OffloadPilotSummary) medium = summary_with (10, 16667);
  g_autoptr(OffloadRefinePlan) small = NULL;
  g_autoptr(OffloadRefinePlan) large = NULL;
  gboolean covered;
  guint64 chunk;

  g_array_index (unknown->columns, OffloadPilotColumn, 3).in_windows = G_MAXUINT64;

  g_assert_cmpuint (offload_pilot_chunk_size (sparse, 100 * MiB, 2), ==, 32 * MiB);
  g_assert_cmpuint (offload_pilot_chunk_size (sparse, 800 * MiB, 2), ==, 100 * MiB);
  g_assert_cmpuint (offload_pilot_chunk_size (sparse, 800 * MiB, 1), ==, 128 * MiB);
  g_assert_cmpuint (offload_pilot_chunk_size (sparse, 100000 * MiB, 8), ==, 128 * MiB);
  g_assert_cmpuint (offload_pilot_chunk_size (unknown, 100000 * MiB, 2), ==, 32 * MiB);
  /* 0.0375 numbers in windows a byte: 128 MiB would expect 5 million. */
  g_assert_cmpuint (offload_pilot_chunk_size (dense, 100000 * MiB, 2), ==, 32 * MiB);
  /* 0.0104 a byte: twice that in 128 MiB would be 2.8 million; in 96
   * MiB, the 2 million of the budget. */
  chunk = offload_pilot_chunk_size (medium, 100000 * MiB, 2);
  g_assert_cmpuint (chunk, >, 95 * MiB);
  g_assert_cmpuint (chunk, <=, 96 * MiB);

  /* A sample that took a quarter of the records it read: four times the
   * numbers a byte (0.015), and chunks that expect a million of them. */
  g_assert_cmpuint (offload_pilot_chunk_size (sparse, 100000 * MiB, 2), ==, 128 * MiB);
  sparse->rows /= 4;
  chunk = offload_pilot_chunk_size (sparse, 100000 * MiB, 2);
  g_assert_cmpuint (chunk, >, 66 * MiB);
  g_assert_cmpuint (chunk, <, 67 * MiB);
  sparse->rows *= 4;

  small = offload_pilot_make_plan (sparse, 50, 32 * MiB, &covered);
  large = offload_pilot_make_plan (sparse, 50, 128 * MiB, &covered);
  g_assert_cmpuint (small->range_values, ==, 1024 * 1024);
  g_assert_cmpuint (large->range_values, ==, 2 * 1024 * 1024);
}

/* The sample of @data, written to a file, read by the worker. */
static OffloadPilotSummary *
sample_of (const GString *data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  OffloadPilotSummary *summary;
  int fd;

  fd = g_file_open_tmp ("offload-sample-XXXXXX.csv", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, data->str, (gssize) data->len, &error);
  g_assert_no_error (error);

  summary = sample_file (path);
  g_unlink (path);

  return summary;
}

/* The sample reads a few MiB of a large file, whatever its records look
 * like: lines ended by CR alone, a header of megabytes. And a small file
 * whose numbers do not all fit the sample is not called read whole. */
static void
test_sample_bounded (void)
{
  /* What the sample of a 12 MiB file may read: a 64th, but 4 MiB. */
  const guint64 budget = 4 * 1024 * 1024;
  const guint64 size = 12 * 1024 * 1024;
  g_autoptr(GString) data = g_string_new ("a,b\r");
  g_autoptr(OffloadPilotSummary) summary = NULL;

  for (guint64 row = 0; data->len < size; row++)
    g_string_append_printf (data, "%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT "\r", row, 2 * row);
  summary = sample_of (data);
  g_assert_false (summary->whole);
  g_assert_cmpuint (summary->bytes, <=, budget);
  g_assert_cmpuint (summary->rows, >, 1000);
  g_assert_cmpuint (summary->n_columns, ==, 2);
  g_clear_pointer (&summary, offload_pilot_summary_free);

  /* One header of 3 MiB: longer than any block may be. */
  g_string_truncate (data, 0);
  for (guint i = 0; data->len < 3 * 1024 * 1024; i++)
    g_string_append_printf (data, "%scolumn %u", i > 0 ? "," : "", i);
  g_string_append_c (data, '\n');
  while (data->len < size)
    g_string_append (data, "1\n");
  summary = sample_of (data);
  g_assert_false (summary->whole);
  g_assert_cmpuint (summary->bytes, <=, budget);
  g_clear_pointer (&summary, offload_pilot_summary_free);

  /* 100 columns of 40,000 rows, under 8 MiB: read whole, but 4 million
   * numbers are more than the sample keeps. Its first rows are not the
   * file: the sorted first column says so if taken for it. */
  g_string_assign (data, "id");
  for (guint i = 1; i < 100; i++)
    g_string_append_printf (data, ",c%u", i);
  g_string_append_c (data, '\n');
  for (guint row = 0; row < 40000; row++)
    {
      g_string_append_printf (data, "%u", row);
      for (guint i = 1; i < 100; i++)
        g_string_append (data, ",0");
      g_string_append_c (data, '\n');
    }
  g_assert_cmpuint (data->len, <, 8 * 1024 * 1024);
  summary = sample_of (data);
  g_assert_false (summary->whole);
  g_assert_cmpuint (summary->rows, <, 40000);
  /* It read them all, and says so: the chunks' size depends on it. */
  g_assert_cmpuint (summary->seen, ==, 40000);
  g_assert_cmpuint (summary->n_columns, ==, 100);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int fd, ret;

  g_test_init (&argc, &argv, NULL);

  worker_binary = g_getenv ("OFFLOAD_WORKER_BINARY");
  g_assert_nonnull (worker_binary);

  sample = g_string_new ("\xEF\xBB\xBF");
  offload_sample_data_append_header (sample);
  for (guint64 row = 0; row < 20000; row++)
    offload_sample_data_append_row (sample, row, OFFLOAD_SAMPLE_DATA_DEFAULT_SEED);
  fd = g_file_open_tmp ("offload-worker-XXXXXX.csv", &sample_path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (sample_path, sample->str, (gssize) sample->len, &error);
  g_assert_no_error (error);

  g_test_add_func ("/offload/worker/chunks", test_chunks);
  g_test_add_func ("/offload/worker/every-cut", test_every_cut);
  g_test_add_func ("/offload/worker/faults", test_faults);
  g_test_add_func ("/offload/worker/errors", test_errors);
  g_test_add_func ("/offload/worker/result-not-written", test_result_not_written);
  g_test_add_func ("/offload/worker/inherited-descriptors", test_inherited_descriptors);
  g_test_add_func ("/offload/worker/sample", test_sample);
  g_test_add_func ("/offload/worker/chunk-size", test_chunk_size);
  g_test_add_func ("/offload/worker/sample-bounded", test_sample_bounded);

  ret = g_test_run ();

  g_unlink (sample_path);
  g_free (sample_path);
  g_string_free (sample, TRUE);

  return ret;
}
