/* offload-cli-crunch.c: `offload crunch`
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <unistd.h>

#include "offload-json.h"
#include "offload-cli.h"
#include "offload-cli-commands.h"
#include "offload-crunch-job.h"
#include "offload-number.h"
#include "offload-printable.h"

/* The crunch engine without a display: the same worker pool as the app,
 * on a GMainLoop. */

#define PROGRESS_INTERVAL_MS 100

typedef struct
{
  OffloadCrunchJob    *job;
  GMainLoop           *loop;
  GCancellable        *cancellable;
  OffloadCrunchResult *result;
  GError              *error;
  gboolean             progress;
  OffloadCliStop       stop;
} Crunch;

static const char *
phase_name (OffloadCrunchPhase phase)
{
  switch (phase)
    {
    case OFFLOAD_CRUNCH_PHASE_SAMPLE:
      return _("Sampling the file");
    case OFFLOAD_CRUNCH_PHASE_SCAN:
      return _("Reading");
    case OFFLOAD_CRUNCH_PHASE_REFINE:
      return _("Refining quartiles and histograms");
    case OFFLOAD_CRUNCH_PHASE_IDLE:
    case OFFLOAD_CRUNCH_PHASE_DONE:
    default:
      return _("Starting");
    }
}

static gboolean
print_progress (gpointer data)
{
  Crunch *crunch = data;
  OffloadCrunchProgress progress;
  g_autofree char *done = NULL, *total = NULL, *line = NULL;

  offload_crunch_job_get_progress (crunch->job, &progress);
  done = g_format_size (progress.bytes_done);
  total = g_format_size (progress.bytes_total);
  if (progress.pass > 0)
    line = g_strdup_printf (_("Pass %u, %s: %s of %s"), progress.pass,
                            phase_name (progress.phase), done, total);
  else
    line = g_strdup_printf (_("%s: %s of %s"), phase_name (progress.phase), done, total);
  offload_cli_show_progress (line);

  return G_SOURCE_CONTINUE;
}

static void
on_event (OffloadCrunchJob *job,
          const char       *message,
          gpointer          user_data)
{
  Crunch *crunch = user_data;

  if (crunch->progress)
    offload_cli_show_progress (NULL);
  g_printerr ("offload crunch: %s\n", message);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Crunch *crunch = user_data;

  crunch->result = offload_crunch_job_run_finish (OFFLOAD_CRUNCH_JOB (source), result,
                                                  &crunch->error);
  g_main_loop_quit (crunch->loop);
}

#define N_FIGURES 7

/* A numeric column's mean, std, min, quartiles and max, as text: the
 * deviation is a scale, six digits; the others places. */
static void
format_figures (const OffloadCrunchColumn *c,
                char                     **figures)
{
  const double values[N_FIGURES] = { c->mean, c->std, c->min, c->p25, c->p50, c->p75, c->max };

  for (guint f = 0; f < N_FIGURES; f++)
    {
      int digits = f == 1 ? offload_number_whole_digits (c->std, 6, 14)
                          : offload_crunch_figure_digits (c, values[f]);

      figures[f] = isnan (values[f]) ? g_strdup ("NaN")
                                     : g_strdup_printf ("%.*g", digits, values[f]);
    }
}


/* The column types, in the user's language (the JSON keeps the English). */
static const char *
column_type_name (OffloadCrunchColumnType type)
{
  switch (type)
    {
    case OFFLOAD_CRUNCH_COLUMN_NUMERIC:
      /* Translators: a column type in `offload crunch`'s table */
      return C_("column type", "numeric");
    case OFFLOAD_CRUNCH_COLUMN_TEXT:
      /* Translators: a column type in `offload crunch`'s table */
      return C_("column type", "text");
    case OFFLOAD_CRUNCH_COLUMN_EMPTY:
    default:
      /* Translators: a column type in `offload crunch`'s table */
      return C_("column type", "empty");
    }
}

static void
print_table (const OffloadCrunchResult *result)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *size = g_format_size (result->bytes);
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  int width = 12;

  /* The figures first: the columns as wide as the widest (an integer part
   * of fifteen digits is written out), all alike. */
  for (guint i = 0; i < result->columns->len; i++)
    {
      const OffloadCrunchColumn *c = g_ptr_array_index (result->columns, i);
      char *figures[N_FIGURES];

      if (c->type != OFFLOAD_CRUNCH_COLUMN_NUMERIC)
        continue;
      format_figures (c, figures);
      for (guint f = 0; f < N_FIGURES; f++)
        {
          width = MAX (width, (int) strlen (figures[f]));
          g_ptr_array_add (cells, figures[f]);
        }
    }

  {
    g_autofree char *column = offload_cli_cell (_("column"), 20, TRUE, TRUE);
    g_autofree char *type = offload_cli_cell (_("type"), 8, TRUE, TRUE);
    g_autofree char *count = offload_cli_cell (_("count"), 12, FALSE, FALSE);
    g_autofree char *missing = offload_cli_cell (_("missing"), 10, FALSE, FALSE);

    g_string_append_printf (out, "%s %s %s %s %*s %*s %*s %*s %*s %*s %*s\n",
                            column, type, count, missing, width, _("mean"),
                            width, _("std"), width, _("min"), width, "25%", width, "50%",
                            width, "75%", width, _("max"));
  }
  for (guint i = 0, next = 0; i < result->columns->len; i++)
    {
      const OffloadCrunchColumn *c = g_ptr_array_index (result->columns, i);
      g_autofree char *printable = offload_printable (c->name);
      g_autofree char *name = offload_cli_cell (printable, 20, TRUE, TRUE);
      g_autofree char *type = offload_cli_cell (column_type_name (c->type), 8, TRUE, TRUE);

      g_string_append_printf (out, "%s %s %12" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT,
                              name, type, c->count, c->missing);
      if (c->type == OFFLOAD_CRUNCH_COLUMN_NUMERIC)
        for (guint f = 0; f < N_FIGURES; f++)
          g_string_append_printf (out, " %*s", width, (const char *) cells->pdata[next++]);
      else if (c->type == OFFLOAD_CRUNCH_COLUMN_TEXT)
        {
          g_autofree char *top = offload_printable (c->top != NULL ? c->top : "");
          g_autofree char *distinct = g_strdup_printf ("%s%" G_GUINT64_FORMAT,
                                                       c->distinct_estimated ? "~" : "",
                                                       c->distinct);
          g_autofree char *top_count = g_strdup_printf ("%" G_GUINT64_FORMAT, c->top_count);

          g_string_append (out, "  ");
          if (c->top_estimated)
            /* Translators: a text column in the table; the last %s is the
             * count of its most frequent value, an estimate */
            g_string_append_printf (out, _("%s distinct, top “%s” ×%s (estimate)"),
                                    distinct, top, top_count);
          else
            /* Translators: a text column in the table; the last %s is the
             * count of its most frequent value */
            g_string_append_printf (out, _("%s distinct, top “%s” ×%s"), distinct, top,
                                    top_count);
        }
      g_string_append_c (out, '\n');
    }
  {
    g_autofree char *rows = g_strdup_printf ("%" G_GUINT64_FORMAT, result->rows);
    g_autofree char *ragged = g_strdup_printf ("%" G_GUINT64_FORMAT, result->ragged_rows);
    /* The window's summary line has these, in the plural each needs: "1
     * pass", not "1 passes". */
    g_autofree char *rows_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row",
                                                               "%s rows", result->rows),
                                                  rows);
    g_autofree char *seconds = g_strdup_printf (_("%.2f s"), result->seconds);
    g_autofree char *workers = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u worker",
                                                             "%u workers", result->workers),
                                                result->workers);
    g_autofree char *passes = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u pass",
                                                            "%u passes", result->passes),
                                               result->passes);

    g_string_append_printf (out, "%s, %s, %s, %s, %s", rows_text, size, seconds, workers, passes);
    if (result->ragged_rows > 0)
      {
        g_autofree char *first = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                                  result->first_ragged_row);

        /* Translators: then where the first of them is, the header
         * being row 1 */
        g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE,
                                                  ", %s row with a different number of "
                                                  "fields than the header (row %s, counting "
                                                  "the header)",
                                                  ", %s rows with a different number of "
                                                  "fields than the header (the first is row %s, "
                                                  "counting the header)",
                                                  result->ragged_rows),
                                ragged, first);
      }
  }
  g_string_append_c (out, '\n');
  g_print ("%s", out->str);
}

int
offload_cli_crunch (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  g_autofree char *chunk_text = NULL;
  guint64 chunk_size = 0;
  int workers = G_MININT, bins = OFFLOAD_CRUNCH_DEFAULT_BINS;  /* G_MININT: not given */
  gboolean json = FALSE;
  guint progress_id = 0;
  Crunch crunch = { 0 };
  int ret;
  const GOptionEntry entries[] = {
    { "workers", 'w', 0, G_OPTION_ARG_INT, &workers,
      N_("Worker processes, 1 to 64 (default: the number of cores)"), N_("W") },
    { "chunk-size", 0, 0, G_OPTION_ARG_STRING, &chunk_text,
      N_("Bytes of the file each worker reads at a time (default: 32 to 128 MiB, as the file "
         "allows; at least a 1024th of the file)"), N_("BYTES") },
    { "bins", 'b', 0, G_OPTION_ARG_INT, &bins,
      N_("Bins of each numeric column’s histogram, 1 to 10000 (default 50)"), N_("B") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as one JSON object"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &positional, NULL, N_("FILE") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Exact statistics of a CSV file, in worker processes: count, "
                                  "missing, mean, std, min, quartiles and max of every numeric "
                                  "column, as pandas’ describe() gives them, with a histogram; "
                                  "distinct values and the most frequent one of text columns.\n"
                                  "Exit status: 0 on success, 1 when the job failed, 2 on a "
                                  "usage error, 130 when interrupted (Ctrl+C)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("offload crunch: %s\n", error->message);
      return OFFLOAD_EXIT_USAGE;
    }
  if (positional == NULL || g_strv_length (positional) != 1)
    {
      g_printerr (_("offload crunch: give one CSV file\n"));
      return OFFLOAD_EXIT_USAGE;
    }
  /* Workers read the file's chunks at once, by their offsets: a pipe has
   * none. Said so, not "“-” does not exist". */
  if (g_strcmp0 (positional[0], "-") == 0)
    {
      g_printerr (_("offload crunch: the workers read chunks of a file at once, which standard "
                    "input cannot give: save the data to a file and give its name\n"));
      return OFFLOAD_EXIT_USAGE;
    }
  /* Not given: as many as the cores. */
  if (workers == G_MININT)
    workers = 0;
  else if (workers < 1 || workers > 64)
    {
      g_printerr (_("offload crunch: --workers must be between 1 and 64\n"));
      return OFFLOAD_EXIT_USAGE;
    }
  if (bins < 1 || bins > 10000)
    {
      g_printerr (_("offload crunch: --bins must be between 1 and 10000\n"));
      return OFFLOAD_EXIT_USAGE;
    }
  if (chunk_text != NULL
      && (!g_ascii_string_to_unsigned (chunk_text, 10, 1, G_MAXINT64, &chunk_size, NULL)))
    {
      g_printerr (_("offload crunch: --chunk-size must be a number of bytes\n"));
      return OFFLOAD_EXIT_USAGE;
    }

  crunch.job = offload_crunch_job_new (positional[0]);
  offload_crunch_job_set_workers (crunch.job, (guint) workers);
  offload_crunch_job_set_chunk_size (crunch.job, chunk_size);
  offload_crunch_job_set_bins (crunch.job, (guint) bins);
  g_signal_connect (crunch.job, "event", G_CALLBACK (on_event), &crunch);
  crunch.loop = g_main_loop_new (NULL, FALSE);
  crunch.cancellable = g_cancellable_new ();
  crunch.progress = isatty (STDERR_FILENO);

  /* Ctrl+C stops the workers, and waits for them. */
  offload_cli_stop_watch (&crunch.stop, crunch.cancellable);
  if (crunch.progress)
    progress_id = g_timeout_add (PROGRESS_INTERVAL_MS, print_progress, &crunch);

  offload_crunch_job_run_async (crunch.job, crunch.cancellable, on_done, &crunch);
  g_main_loop_run (crunch.loop);

  g_clear_handle_id (&progress_id, g_source_remove);
  offload_cli_stop_unwatch (&crunch.stop);
  if (crunch.progress)
    offload_cli_show_progress (NULL);

  if (crunch.result != NULL)
    {
      if (json)
        {
          g_autoptr(JsonNode) node = offload_crunch_result_to_json (crunch.result);
          g_autofree char *text = offload_json_to_display_string (node, FALSE);

          g_print ("%s\n", text);
        }
      else
        print_table (crunch.result);
      ret = OFFLOAD_EXIT_OK;
    }
  else
    {
      const char *details = offload_crunch_job_get_error_details (crunch.job);

      g_printerr ("offload crunch: %s\n", crunch.error->message);
      if (details != NULL)
        g_printerr ("%s\n", details);
      if (json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();
          g_autoptr(JsonNode) node = NULL;
          g_autofree char *text = NULL;
          g_autofree char *name = g_filename_display_name (positional[0]);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "file");
          json_builder_add_string_value (builder, name);
          json_builder_set_member_name (builder, "errors");
          json_builder_begin_array (builder);
          json_builder_add_string_value (builder, crunch.error->message);
          json_builder_end_array (builder);
          json_builder_end_object (builder);
          node = json_builder_get_root (builder);
          text = offload_json_to_string (node, FALSE);
          g_print ("%s\n", text);
        }
      ret = OFFLOAD_EXIT_FAILED;
    }

  ret = offload_cli_stop_status (&crunch.stop, ret);

  g_clear_error (&crunch.error);
  g_clear_pointer (&crunch.result, offload_crunch_result_unref);
  g_clear_object (&crunch.cancellable);
  g_clear_pointer (&crunch.loop, g_main_loop_unref);
  g_clear_object (&crunch.job);

  return ret;
}
