/* offload-cli-generate.c: `offload generate`
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <unistd.h>

#include "offload-cli.h"
#include "offload-cli-commands.h"
#include "offload-generate-job.h"
#include "offload-sample-data.h"

/* The sample dataset for scripts and benchmarks: the same worker and job
 * as the app's, on a plain GMainLoop. Standard output gets one line, what
 * was written; the progress line goes to standard error, and only to a
 * terminal, so logs and pipes stay clean. */

#define PROGRESS_INTERVAL_MS 100

/* The help text says it. */
G_STATIC_ASSERT (OFFLOAD_SAMPLE_DATA_DEFAULT_SEED == 42);

typedef struct
{
  OffloadGenerateJob *job;
  GMainLoop          *loop;
  GCancellable       *cancellable;
  GError             *error;
  guint64             rows;
} Generate;

static char *
format_count (guint64 value)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, value);
}

static void
print_progress (Generate *gen)
{
  guint64 rows_done, bytes_done;
  guint percent;
  g_autofree char *done = NULL;
  g_autofree char *total = NULL;
  g_autofree char *size = NULL;

  offload_generate_job_get_progress (gen->job, &rows_done, &bytes_done);
  done = format_count (rows_done);
  total = format_count (gen->rows);
  size = g_format_size (bytes_done);
  percent = gen->rows > 0 ? (guint) (100.0 * (double) rows_done / (double) gen->rows) : 100;

  {
    g_autofree char *line = g_strdup_printf (_("%s of %s rows (%u%%), %s"), done, total,
                                             percent, size);

    offload_cli_show_progress (line);
  }
}

static gboolean
on_progress_tick (gpointer user_data)
{
  print_progress (user_data);

  return G_SOURCE_CONTINUE;
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Generate *gen = user_data;

  offload_generate_job_run_finish (OFFLOAD_GENERATE_JOB (object), result, &gen->error);
  g_main_loop_quit (gen->loop);
}

/**
 * offload_cli_generate:
 * @argc: the count of @argv
 * @argv: `generate`, then its arguments
 *
 * `offload generate FILE --rows N [--seed S]`
 *
 * Returns: the exit code: 0 when the file is written, 1 when it is not,
 *   2 on a usage error
 */
int
offload_cli_generate (int    argc,
                      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OffloadGenerateJob) job = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autofree char *rows_text = NULL;
  g_autofree char *seed_text = NULL;
  g_autofree char *display = NULL;
  g_autofree char *count = NULL;
  g_autofree char *size = NULL;
  g_auto(GStrv) positional = NULL;
  guint64 rows = 0;
  guint64 seed = OFFLOAD_SAMPLE_DATA_DEFAULT_SEED;
  guint64 bytes = 0;
  guint progress_id = 0;
  OffloadCliStop stop = { 0 };
  Generate gen = { 0 };
  const GOptionEntry entries[] = {
    { "rows", 'n', 0, G_OPTION_ARG_STRING, &rows_text,
      N_("How many rows to write after the header (required)"), N_("N") },
    { "seed", 's', 0, G_OPTION_ARG_STRING, &seed_text,
      N_("Which dataset: the same seed gives the same file (default 42)"), N_("S") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &positional, NULL, N_("FILE") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Write the sample CSV dataset to FILE, in a worker process.\n"
                                  "Exit status: 0 when the file is written, 1 when it is not, "
                                  "2 on a usage error."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("offload generate: %s\n", error->message);
      return OFFLOAD_EXIT_USAGE;
    }

  if (rows_text == NULL)
    {
      g_printerr (_("offload generate: --rows is required\n"));
      return OFFLOAD_EXIT_USAGE;
    }
  if (!g_ascii_string_to_unsigned (rows_text, 10, 0, G_MAXINT64, &rows, &error))
    {
      g_printerr (_("offload generate: --rows: %s\n"), error->message);
      return OFFLOAD_EXIT_USAGE;
    }
  /* No rows is a header alone, which offload crunch refuses to describe. */
  if (rows == 0)
    {
      g_printerr (_("offload generate: --rows must be at least 1\n"));
      return OFFLOAD_EXIT_USAGE;
    }
  if (seed_text != NULL
      && !g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT64, &seed, &error))
    {
      g_printerr (_("offload generate: --seed: %s\n"), error->message);
      return OFFLOAD_EXIT_USAGE;
    }
  if (positional == NULL || g_strv_length (positional) != 1 || *positional[0] == '\0')
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr (_("offload generate: give one FILE to write\n\n%s"), help);
      return OFFLOAD_EXIT_USAGE;
    }

  job = offload_generate_job_new (positional[0], rows, seed);
  loop = g_main_loop_new (NULL, FALSE);
  cancellable = g_cancellable_new ();
  gen.job = job;
  gen.loop = loop;
  gen.cancellable = cancellable;
  gen.rows = rows;

  /* The run ends once the worker has removed its temporary file. */
  offload_cli_stop_watch (&stop, cancellable);
  if (isatty (STDERR_FILENO))
    progress_id = g_timeout_add (PROGRESS_INTERVAL_MS, on_progress_tick, &gen);

  offload_generate_job_run_async (job, cancellable, run_cb, &gen);
  g_main_loop_run (loop);

  offload_cli_stop_unwatch (&stop);
  if (progress_id != 0)
    {
      g_source_remove (progress_id);
      /* The outcome replaces the progress line. */
      offload_cli_show_progress (NULL);
    }

  /* As crunch and fetch: a shell's status for the signal (130 for
   * Ctrl+C), not that of a failure. */
  if (g_error_matches (gen.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_printerr (_("offload generate: cancelled\n"));
      g_clear_error (&gen.error);
      return offload_cli_stop_status (&stop, OFFLOAD_EXIT_FAILED);
    }
  if (gen.error != NULL)
    {
      g_printerr ("offload generate: %s\n", gen.error->message);
      g_clear_error (&gen.error);
      return OFFLOAD_EXIT_FAILED;
    }

  offload_generate_job_get_progress (job, NULL, &bytes);
  count = format_count (rows);
  size = g_format_size (bytes);
  display = g_filename_display_name (positional[0]);
  g_print (g_dngettext (GETTEXT_PACKAGE, "Wrote %s row (%s) to %s\n",
                        "Wrote %s rows (%s) to %s\n", (gulong) rows),
           count, size, display);

  return OFFLOAD_EXIT_OK;
}
