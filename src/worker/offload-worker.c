/* offload-worker.c: one chunk of a CSV file, in a process of its own
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "offload-chunk-scanner.h"
#include "offload-csv.h"
#include "offload-worker-protocol.h"

/* Usage (the parent, OffloadWorkerPool, is the only caller):
 *
 *   offload-worker quotes FILE START END
 *       counts the quotes in [START, END): the parent adds them up to know
 *       whether each chunk starts inside quotes
 *   offload-worker scan FILE START END IN-QUOTES BITS
 *       the statistics of the records that begin in [START, END), reading
 *       on past END to finish the last one; IN-QUOTES is 1 when an odd
 *       number of quotes comes before START (the sum of the earlier
 *       chunks' quote counts)
 *
 * It speaks offload-worker-protocol.h on its standard output, and needs
 * memory for one read buffer, one field and the histograms, whatever the
 * size of the file. It runs at a lower priority than the app, and dies
 * with it.
 *
 * OFFLOAD_WORKER_FAULT=crash|hang|garbage|exit makes it fail on purpose,
 * after its first progress message, for the tests of the pool; with
 * OFFLOAD_WORKER_FAULT_ONCE=PATH only when PATH does not exist yet (it is
 * then made), so that a retried chunk succeeds. */

#define BUFFER_SIZE        (1024 * 1024)
#define PROGRESS_EVERY_US  (G_USEC_PER_SEC / 10)

typedef struct
{
  int                fd;
  guint64            start;
  guint64            end;
  guint64            done;
  gint64             last_progress;
  gboolean           faulted;
  char              *buffer;
} Job;

static void
say (OffloadWorkerMessage  message,
     JsonNode             *payload)
{
  g_autofree char *line = offload_worker_format_line (message, payload);

  fputs (line, stdout);
  fflush (stdout);
}

static int
fail (const char *format,
      ...) G_GNUC_PRINTF (1, 2);

static int
fail (const char *format,
      ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  say (OFFLOAD_WORKER_ERROR, node);
  g_printerr ("offload-worker: %s\n", message);

  return 1;
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

static void
progress (Job     *job,
          guint64  bytes)
{
  gint64 now = g_get_monotonic_time ();

  job->done += bytes;
  if (now - job->last_progress < PROGRESS_EVERY_US)
    return;
  job->last_progress = now;

  {
    g_autoptr(JsonBuilder) builder = json_builder_new ();
    g_autoptr(JsonNode) node = NULL;

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "bytes");
    json_builder_add_int_value (builder, (gint64) job->done);
    json_builder_end_object (builder);
    node = json_builder_get_root (builder);
    say (OFFLOAD_WORKER_PROGRESS, node);
  }

  inject_fault (job);
}

/* pread until the buffer is full or the file ends; -1 on an error. */
static gssize
read_at (Job     *job,
         guint64  offset,
         gsize    length)
{
  gsize got = 0;

  while (got < length)
    {
      gssize n = pread (job->fd, job->buffer + got, length - got, (off_t) (offset + got));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        break;
      got += (gsize) n;
    }

  return (gssize) got;
}

static int
count_quotes (Job *job)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  guint64 quotes = 0;

  for (guint64 offset = job->start; offset < job->end; )
    {
      gssize n = read_at (job, offset, (gsize) MIN (BUFFER_SIZE, job->end - offset));

      if (n < 0)
        return fail (_("Could not read the file: %s"), g_strerror (errno));
      if (n == 0)
        return fail (_("The file is shorter than expected: did it change while it was read?"));
      quotes += offload_csv_count_quotes (job->buffer, (gsize) n);
      offset += (guint64) n;
      progress (job, (guint64) n);
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "quotes");
  json_builder_add_int_value (builder, (gint64) quotes);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  say (OFFLOAD_WORKER_RESULT, node);

  return 0;
}

typedef enum {
  FIRST_FOUND,
  FIRST_NONE,       /* no record begins in the chunk */
  FIRST_ERROR,      /* errno says why */
  FIRST_SHORT,      /* the file ends before START: it changed */
} FirstRecord;

/* Whether [from, to) holds only blanks and line ends: the header record
 * then begins at `to`, even though the chunk does not start at the file's
 * start (blank lines before the header are skipped, as pandas does). */
static gboolean
only_blank_lines (Job     *job,
                  guint64  from,
                  guint64  to)
{
  while (from < to)
    {
      gssize n = read_at (job, from, (gsize) MIN (BUFFER_SIZE, to - from));

      if (n <= 0)
        return FALSE;
      for (gssize i = 0; i < n; i++)
        {
          char c = job->buffer[i];

          if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            return FALSE;
        }
      from += (guint64) n;
    }

  return TRUE;
}

/* Where the first record that begins in [START, END) starts: after the
 * byte order mark for the first chunk, else after the first line end
 * outside quotes from START - 1 on (CRLF and lone CR included). A line end
 * at END - 1 or later means no record begins in the chunk, so the search
 * stops there, with progress as it goes. */
static FirstRecord
find_first_record (Job      *job,
                   gboolean  in_quotes,
                   guint64  *first,
                   gboolean *is_header_chunk)
{
  guint64 offset;
  gboolean after_cr = FALSE;
  gssize n = read_at (job, 0, 3);
  gsize bom;

  if (n < 0)
    return FIRST_ERROR;
  bom = n == 3 ? offload_csv_skip_bom (job->buffer, 3) : 0;

  if (job->start <= bom)
    {
      *first = bom;
      *is_header_chunk = TRUE;
      return FIRST_FOUND;
    }

  /* The search starts one byte early, so that a chunk that begins right
   * after a line end owns the record there; the parity is the one before
   * that byte. */
  n = read_at (job, job->start - 1, 1);
  if (n < 0)
    return FIRST_ERROR;
  if (n < 1)
    return FIRST_SHORT;
  if (job->buffer[0] == '"')
    in_quotes = !in_quotes;

  for (offset = job->start - 1; offset < job->end; )
    {
      n = read_at (job, offset, (gsize) MIN (BUFFER_SIZE, job->end - offset));
      if (n < 0)
        return FIRST_ERROR;
      if (n == 0)
        return FIRST_SHORT;

      for (gssize i = 0; i < n; i++)
        {
          char c = job->buffer[i];

          if (after_cr)
            {
              *first = offset + (guint64) i + (c == '\n' ? 1 : 0);
              goto found;
            }
          if (c == '"')
            in_quotes = !in_quotes;
          else if (!in_quotes && c == '\n')
            {
              *first = offset + (guint64) i + 1;
              goto found;
            }
          else if (!in_quotes && c == '\r')
            after_cr = TRUE;
        }
      offset += (guint64) n;
      progress (job, (guint64) n);
    }

  /* A CR as the chunk's last byte: the record after it begins at END or
   * later, in the next chunk. */
  return FIRST_NONE;

found:
  if (*first >= job->end)
    return FIRST_NONE;
  *is_header_chunk = only_blank_lines (job, bom, *first);
  return FIRST_FOUND;
}

static int
scan (Job      *job,
      gboolean  in_quotes,
      guint     bits)
{
  g_autoptr(OffloadChunkScanner) scanner = NULL;
  g_autoptr(OffloadChunkStats) stats = NULL;
  g_autoptr(JsonNode) node = NULL;
  OffloadCsvParser *parser;
  gboolean is_header_chunk = FALSE;
  guint64 first = 0, offset;
  FirstRecord found = find_first_record (job, in_quotes, &first, &is_header_chunk);

  scanner = offload_chunk_scanner_new (bits, is_header_chunk);
  parser = offload_chunk_scanner_get_parser (scanner);

  switch (found)
    {
    case FIRST_ERROR:
      return fail (_("Could not read the file: %s"), g_strerror (errno));

    case FIRST_SHORT:
      return fail (_("The file is shorter than expected: did it change while it was read?"));

    case FIRST_NONE:
      break;

    case FIRST_FOUND:
    default:
      /* The chunk itself. */
      for (offset = first; offset < job->end; )
        {
          gssize n = read_at (job, offset, (gsize) MIN (BUFFER_SIZE, job->end - offset));

          if (n < 0)
            return fail (_("Could not read the file: %s"), g_strerror (errno));
          if (n == 0)
            return fail (_("The file is shorter than expected: did it change while it was read?"));
          offload_csv_parser_feed (parser, job->buffer, (gsize) n, FALSE);
          offset += (guint64) n;
          progress (job, (guint64) n);
          if (offload_chunk_scanner_is_too_large (scanner))
            break;
        }

      /* On past the end, to the end of the line it is in. */
      while (!offload_chunk_scanner_is_too_large (scanner)
             && offload_csv_parser_in_record (parser)
             && offload_csv_parser_get_error (parser) == NULL)
        {
          gssize n = read_at (job, offset, BUFFER_SIZE);
          gsize used;

          if (n < 0)
            return fail (_("Could not read the file: %s"), g_strerror (errno));
          if (n == 0)
            {
              offload_csv_parser_finish (parser);
              break;
            }
          used = offload_csv_parser_feed (parser, job->buffer, (gsize) n, TRUE);
          offset += used;
          if (used < (gsize) n)
            break;
        }
      break;
    }

  if (offload_chunk_scanner_is_too_large (scanner))
    return fail (_("The records are too wide: more than %u columns, or too many numeric "
                   "columns to count in %u MiB"),
                 OFFLOAD_CHUNK_STATS_MAX_COLUMNS,
                 (guint) (OFFLOAD_CHUNK_STATS_MAX_HISTOGRAM_BYTES / (1024 * 1024)));
  if (offload_csv_parser_get_error (parser) != NULL)
    return fail ("%s", offload_csv_parser_get_error (parser)->message);

  stats = offload_chunk_scanner_finish (scanner);
  node = offload_chunk_stats_to_json (stats);
  say (OFFLOAD_WORKER_RESULT, node);

  return 0;
}

static gboolean
parse_offset (const char *text,
              guint64    *value)
{
  return g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, value, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *buffer = NULL;
  Job job = { 0 };
  guint64 in_quotes = 0, bits = 0;
  int ret;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Die with the app, even if it is killed (the pool spawns from the main
   * thread: the signal comes when the spawning thread ends). Yield the CPU
   * to it: the interface keeps a core. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  setpriority (PRIO_PROCESS, 0, 10);

  if (argc < 5
      || !parse_offset (argv[3], &job.start) || !parse_offset (argv[4], &job.end)
      || job.end < job.start
      || (g_strcmp0 (argv[1], "quotes") == 0 && argc != 5)
      || (g_strcmp0 (argv[1], "scan") == 0
          && (argc != 7
              || !g_ascii_string_to_unsigned (argv[5], 10, 0, 1, &in_quotes, NULL)
              || !g_ascii_string_to_unsigned (argv[6], 10, 1, 20, &bits, NULL)))
      || (g_strcmp0 (argv[1], "quotes") != 0 && g_strcmp0 (argv[1], "scan") != 0))
    {
      g_printerr ("usage: offload-worker quotes FILE START END\n"
                  "       offload-worker scan FILE START END IN-QUOTES BITS\n");
      return 2;
    }

  job.fd = g_open (argv[2], O_RDONLY | O_CLOEXEC, 0);
  if (job.fd < 0)
    return fail (_("Could not open “%s”: %s"), argv[2], g_strerror (errno));
  buffer = g_malloc (BUFFER_SIZE);
  job.buffer = buffer;

  if (g_strcmp0 (argv[1], "quotes") == 0)
    ret = count_quotes (&job);
  else
    ret = scan (&job, in_quotes == 1, (guint) bits);

  close (job.fd);
  return ret;
}
