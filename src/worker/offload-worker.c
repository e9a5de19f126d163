/* offload-worker.c: one chunk of a CSV file, in a process of its own
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "offload-chunk-reader.h"
#include "offload-worker-generate.h"
#include "offload-worker-protocol.h"

/* Usage (the parent, OffloadCrunchJob, is the only caller):
 *
 *   offload-worker sample FILE
 *       reads a sample of the file (offload-pilot.h): what its columns
 *       hold, where their quartiles and ranges probably are, so that the
 *       parent can plan the first pass
 *   offload-worker scan FILE START END IN-QUOTES BITS < PLAN
 *       the statistics of the records that begin in [START, END), reading
 *       on past END to finish the last one, and what they hold of the plan
 *       (offload-refine.h) read as JSON from standard input; IN-QUOTES is 1
 *       when an odd number of quotes comes before START, ? when the worker
 *       is to guess. Its last progress message, and an error, also give
 *       what it took, the quotes and the first NUL byte in [START, END):
 *       the parent checks each chunk's start with the counts of the chunks
 *       before it, and has it read again when it was wrong
 *   offload-worker refine FILE START END IN-QUOTES < PLAN
 *       a later pass over the same records: what they hold of the plan
 *   offload-worker generate FILE ROWS SEED
 *       writes the sample dataset (offload-worker-generate.c)
 *
 * It speaks offload-worker-protocol.h on its standard output, and needs
 * memory for one read buffer, one field and what the plan counts, whatever
 * the size of the file. It runs at a lower priority than the app, and dies
 * with it.
 *
 * OFFLOAD_WORKER_FAULT=crash|hang|garbage|exit makes it fail on purpose,
 * after its first progress message, for the tests of the pool; with
 * OFFLOAD_WORKER_FAULT_ONCE=PATH only when PATH does not exist yet (it is
 * then made), so that a retried chunk succeeds. OFFLOAD_WORKER_FAULT=misguess
 * makes every guess of where a chunk starts wrong, so that the pool must
 * read each chunk again; misstart also starts the chunks it is told where
 * to start the wrong way, which the pool must take for a fault. */

#define PROGRESS_EVERY_US  (G_USEC_PER_SEC / 10)
#define MAX_PLAN_BYTES     (64 * 1024 * 1024)

typedef struct
{
  gint64             last_progress;
  gboolean           faulted;
} Job;

static void
say (OffloadWorkerMessage  message,
     JsonNode             *payload)
{
  offload_worker_write_line (message, json_node_ref (payload), stdout);
}

/* A result, which may be tens of MiB for a wide file: its tree is freed
 * once it is text, and the text written as it is. A result not written
 * whole is a failure of the worker (the parent sees its exit status),
 * not a success without one. */
static int
say_result (JsonNode *payload)
{
  if (offload_worker_write_line (OFFLOAD_WORKER_RESULT, payload, stdout))
    return 0;
  g_printerr ("offload-worker: %s\n", _("Could not write the result to the app"));
  return 1;
}

/* The error, with its kind for the parent: "read" (the system said no),
 * "changed" (the file is shorter than it was), or "csv" (what the file
 * holds is not a CSV the parser takes). */
static OffloadChunkReader *scanning;      /* whose counts an error gives */
static int                 assumed = -1;  /* whether it took its start to be in quotes */

/* The quotes and the first NUL of the chunk, where known: a scan has
 * counted them before it says it is done; an error about the file says
 * what it had counted, if it can. */
static void
add_quotes (JsonBuilder        *builder,
            OffloadChunkReader *reader)
{
  guint64 quotes, first_nul;

  if (assumed >= 0)
    {
      json_builder_set_member_name (builder, "in_quotes");
      json_builder_add_boolean_value (builder, assumed == 1);
    }
  if (reader == NULL || !offload_chunk_reader_get_quotes (reader, &quotes, &first_nul, NULL))
    return;
  json_builder_set_member_name (builder, "quotes");
  json_builder_add_int_value (builder, (gint64) quotes);
  if (first_nul != G_MAXUINT64)
    {
      json_builder_set_member_name (builder, "nul");
      json_builder_add_int_value (builder, (gint64) first_nul);
    }
}


static int
fail_with_kind (const char *kind,
                const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind);
  add_quotes (builder, scanning);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  say (OFFLOAD_WORKER_ERROR, node);
  g_printerr ("offload-worker: %s\n", message);

  return 1;
}

static int
fail (const char *message)
{
  return fail_with_kind ("read", message);
}

static int
fail_error (const GError *error)
{
  const char *kind = "csv";

  if (g_error_matches (error, OFFLOAD_CHUNK_READER_ERROR, OFFLOAD_CHUNK_READER_ERROR_READ))
    kind = "read";
  else if (g_error_matches (error, OFFLOAD_CHUNK_READER_ERROR, OFFLOAD_CHUNK_READER_ERROR_CHANGED))
    kind = "changed";

  return fail_with_kind (kind, error->message);
}

static void
inject_fault (Job *job)
{
  const char *fault = g_getenv ("OFFLOAD_WORKER_FAULT");
  const char *once = g_getenv ("OFFLOAD_WORKER_FAULT_ONCE");

  if (fault == NULL || job->faulted)
    return;
  job->faulted = TRUE;

  if (once != NULL)
    {
      int fd = g_open (once, O_CREAT | O_EXCL | O_WRONLY, 0600);

      if (fd < 0)
        return;           /* already failed once: this time, work */
      close (fd);
    }

  if (g_strcmp0 (fault, "crash") == 0)
    {
      /* A real crash's signal, even under a sanitizer that would catch it. */
      signal (SIGSEGV, SIG_DFL);
      raise (SIGSEGV);
    }
  else if (g_strcmp0 (fault, "hang") == 0)
    for (;;)
      pause ();
  else if (g_strcmp0 (fault, "garbage") == 0)
    {
      fputs ("\x01\x02 this is not a message\n", stdout);
      fflush (stdout);
      for (;;)
        pause ();
    }
  else if (g_strcmp0 (fault, "exit") == 0)
    {
      g_printerr ("offload-worker: failing on purpose (OFFLOAD_WORKER_FAULT=exit)\n");
      exit (3);
    }
}

/* At most ten progress lines a second; the first one also when a fault
 * is to be injected, so that the tests see it mid-chunk. */
static gboolean
progress (guint64  bytes,
          guint64  rows,
          gpointer user_data)
{
  Job *job = user_data;
  gint64 now = g_get_monotonic_time ();
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (now - job->last_progress < PROGRESS_EVERY_US)
    return TRUE;
  job->last_progress = now;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, (gint64) bytes);
  json_builder_set_member_name (builder, "rows");
  json_builder_add_int_value (builder, (gint64) rows);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  say (OFFLOAD_WORKER_PROGRESS, node);

  inject_fault (job);
  return TRUE;
}

/* The plan comes on standard input, as JSON: it can be larger than a
 * command line may be. */
static OffloadRefinePlan *
read_plan (GError **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  char buffer[65536];
  gssize n;

  while ((n = read (STDIN_FILENO, buffer, sizeof buffer)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "%s", g_strerror (saved));
          return NULL;
        }
      if (text->len + (gsize) n > MAX_PLAN_BYTES)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "plan too large");
          return NULL;
        }
      g_string_append_len (text, buffer, n);
    }

  if (!json_parser_load_from_data (parser, text->str, (gssize) text->len, error))
    return NULL;

  return offload_refine_plan_from_json (json_parser_get_root (parser), error);
}

static OffloadRefinePlan *
plan_or_fail (int *ret)
{
  g_autoptr(GError) error = NULL;
  OffloadRefinePlan *plan = read_plan (&error);

  if (plan == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The plan of the pass is not valid: %s"),
                                                  error->message);

      *ret = fail (message);
    }
  return plan;
}

static int
scan (OffloadChunkReader *reader,
      gboolean            in_quotes,
      gboolean            guess,
      guint               bits)
{
  g_autoptr(OffloadRefinePlan) plan = NULL;
  g_autoptr(OffloadChunkStats) stats = NULL;
  g_autoptr(OffloadRefineStats) planned = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  int ret = 0;

  plan = plan_or_fail (&ret);
  if (plan == NULL)
    return ret;

  scanning = reader;
  if (guess)
    in_quotes = offload_chunk_reader_guess_quotes (reader);
  /* For the tests of the pool: a guess always wrong, or every start. */
  if ((guess && g_strcmp0 (g_getenv ("OFFLOAD_WORKER_FAULT"), "misguess") == 0)
      || g_strcmp0 (g_getenv ("OFFLOAD_WORKER_FAULT"), "misstart") == 0)
    in_quotes = !in_quotes;
  assumed = in_quotes ? 1 : 0;
  stats = offload_chunk_reader_scan (reader, in_quotes, bits, plan, &planned, &error);
  if (stats == NULL)
    return fail_error (error);
  /* The quotes to the chunk's end, which the records may not have reached
   * (its last bytes a blank line): a read that fails is the answer. */
  {
    guint64 quotes, first_nul;

    if (!offload_chunk_reader_get_quotes (reader, &quotes, &first_nul, &error))
      return fail_error (error);
  }

  /* The counts first, in a line of their own: the parent reads them on
   * its main thread, and leaves the result to its merge thread. */
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "done");
  json_builder_add_boolean_value (builder, TRUE);
  add_quotes (builder, reader);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  say (OFFLOAD_WORKER_PROGRESS, node);
  g_clear_pointer (&node, json_node_unref);
  g_clear_object (&builder);

  /* Each part's counts freed once they are JSON. */
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "stats");
  json_builder_add_value (builder, offload_chunk_stats_to_json (stats));
  g_clear_pointer (&stats, offload_chunk_stats_free);
  json_builder_set_member_name (builder, "planned");
  json_builder_add_value (builder, offload_refine_stats_to_json (planned));
  g_clear_pointer (&planned, offload_refine_stats_free);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  g_clear_object (&builder);

  return say_result (g_steal_pointer (&node));
}

static int
refine (OffloadChunkReader *reader,
        gboolean            in_quotes)
{
  g_autoptr(OffloadRefinePlan) plan = NULL;
  g_autoptr(OffloadRefineStats) stats = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  int ret = 0;

  plan = plan_or_fail (&ret);
  if (plan == NULL)
    return ret;

  stats = offload_chunk_reader_refine (reader, in_quotes, plan, &error);
  if (stats == NULL)
    return fail_error (error);

  node = offload_refine_stats_to_json (stats);
  g_clear_pointer (&stats, offload_refine_stats_free);

  return say_result (g_steal_pointer (&node));
}

static int
sample (OffloadChunkReader *reader,
        guint64             file_size)
{
  g_autoptr(OffloadPilotSummary) summary = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  summary = offload_chunk_reader_sample (reader, file_size, &error);
  if (summary == NULL)
    return fail_error (error);

  node = offload_pilot_summary_to_json (summary);
  say (OFFLOAD_WORKER_RESULT, node);

  return 0;
}

static gboolean
parse_offset (const char *text,
              guint64    *value)
{
  return g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, value, NULL);
}

static int
usage (void)
{
  g_printerr ("usage: offload-worker sample FILE\n"
              "       offload-worker scan FILE START END IN-QUOTES|? BITS < PLAN\n"
              "       offload-worker refine FILE START END IN-QUOTES < PLAN\n"
              "       offload-worker generate FILE ROWS SEED\n");
  return 2;
}

/* The app starts workers without closing its descriptors in between
 * (G_SUBPROCESS_FLAGS_INHERIT_FDS), so that GLib can use posix_spawn():
 * a fork of the app, its memory mapped copy-on-write, at every chunk cost
 * more than the time of the chunk's result. Whatever the app had open
 * without close-on-exec (a pipe of another worker would delay its end)
 * is closed here, first thing: the worker needs its three streams only. */
static void
close_inherited (void)
{
#ifdef HAVE_CLOSEFROM
  closefrom (3);
#else
  /* Those open, not every number up to the limit (a million, in some
   * containers). */
  DIR *dir = opendir ("/proc/self/fd");

  if (dir != NULL)
    {
      int mine = dirfd (dir);
      GArray *fds = g_array_new (FALSE, FALSE, sizeof (int));
      struct dirent *entry;

      while ((entry = readdir (dir)) != NULL)
        {
          int fd = atoi (entry->d_name);

          if (fd > 2 && fd != mine)
            g_array_append_val (fds, fd);
        }
      closedir (dir);
      for (guint i = 0; i < fds->len; i++)
        close (g_array_index (fds, int, i));
      g_array_unref (fds);
    }
  else
    {
      long max = sysconf (_SC_OPEN_MAX);

      for (long fd = 3; fd < (max > 0 ? MIN (max, 65536) : 1024); fd++)
        close ((int) fd);
    }
#endif
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(OffloadChunkReader) reader = NULL;
  GStatBuf buf;
  Job job = { 0 };
  guint64 start = 0, end = 0, in_quotes = 0, bits = 0;
  const char *mode = argc > 1 ? argv[1] : "";
  int fd, ret;

  setlocale (LC_ALL, "");
  /* The app's translations, from its build tree too (OFFLOAD_LOCALEDIR,
   * as offload_cli_init_process() reads it): the workers' errors are
   * shown in the app. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("OFFLOAD_LOCALEDIR") != NULL
                                   && *g_getenv ("OFFLOAD_LOCALEDIR") != '\0'
                                   ? g_getenv ("OFFLOAD_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  close_inherited ();
  /* Die with the app, even if it is killed (the pool spawns from the main
   * thread: the signal comes when the spawning thread ends). Yield the CPU
   * to it: the interface keeps a core. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  setpriority (PRIO_PROCESS, 0, 10);
  /* A process group of its own (in the app's session, where the lower
   * priority yields to the app): Ctrl+C in a terminal signals the
   * foreground group, and the app's answer is to cancel and stop its
   * workers itself. A worker killed by that SIGINT first was taken for a
   * crash and its chunk run again, or the job failed instead of being
   * cancelled. */
  setpgid (0, 0);
  /* Standard output is the protocol's: GLib's debug messages, which it
   * would print there, go to standard error. */
  g_log_writer_default_set_use_stderr (TRUE);

  if (g_strcmp0 (mode, "generate") == 0)
    return offload_worker_generate_main (argc, argv);

  if (g_strcmp0 (mode, "sample") == 0)
    {
      if (argc != 3)
        return usage ();
    }
  else if (argc < 5 || !parse_offset (argv[3], &start) || !parse_offset (argv[4], &end)
           || end < start)
    return usage ();
  if (g_strcmp0 (mode, "scan") == 0
      && (argc != 7
          || (g_strcmp0 (argv[5], "?") != 0
              && !g_ascii_string_to_unsigned (argv[5], 10, 0, 1, &in_quotes, NULL))
          || !g_ascii_string_to_unsigned (argv[6], 10, 1, 20, &bits, NULL)))
    return usage ();
  if (g_strcmp0 (mode, "refine") == 0
      && (argc != 6 || !g_ascii_string_to_unsigned (argv[5], 10, 0, 1, &in_quotes, NULL)))
    return usage ();
  if (g_strcmp0 (mode, "sample") != 0 && g_strcmp0 (mode, "scan") != 0
      && g_strcmp0 (mode, "refine") != 0)
    return usage ();

  fd = g_open (argv[2], O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 || fstat (fd, &buf) != 0)
    {
      int saved = errno;
      g_autofree char *message = g_strdup_printf (_("Could not open “%s”: %s"),
                                                  argv[2], g_strerror (saved));

      return fail (message);
    }
  reader = offload_chunk_reader_new (fd, start, end, progress, &job);

  if (g_strcmp0 (mode, "sample") == 0)
    ret = sample (reader, (guint64) buf.st_size);
  else if (g_strcmp0 (mode, "scan") == 0)
    ret = scan (reader, in_quotes == 1, g_strcmp0 (argv[5], "?") == 0, (guint) bits);
  else
    ret = refine (reader, in_quotes == 1);

  close (fd);
  return ret;
}
