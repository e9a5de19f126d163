/* offload-cli-fetch.c: `offload fetch`
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "offload-json.h"
#include "offload-cli.h"
#include "offload-cli-commands.h"
#include "offload-fetch-queue.h"
#include "offload-printable.h"
#include "offload-proxy.h"

/* The fetch engine without a display. A bad URL among the URLs is a failed
 * request (its own line, with its error), not a usage error: scripts get
 * one result per URL they gave. */

#define PROGRESS_INTERVAL_MS 100

typedef struct
{
  OffloadFetchQueue *queue;
  GListStore        *requests;
  GMainLoop         *loop;
  GCancellable      *cancellable;
  gboolean           cancelled;
  gboolean           progress;
  OffloadCliStop     stop;
  gint64             begin;
  gint64             end;
  gboolean           json;
  gboolean           output_closed;
  guint              output_source;
  JsonGenerator     *generator;
  guint              printed;   /* the requests whose lines (or rows) are out */
  guint64            printed_bytes;
  guint              printed_ok;
  guint              not_started; /* cancelled before their turn: counted, not listed */
} Fetch;

/* A list of URLs, read in pieces: a file given by mistake (a 200 MB CSV)
 * must not be taken whole, nor make a request of each of its lines (that
 * took 3.5 GB). Lines past MAX_URL_LINE, more than MAX_URLS of them, NUL
 * bytes, or no line that starts with a scheme: not a list of URLs. */
#define MAX_URLS      100000
#define MAX_URL_LINE  (64 * 1024)
#define READ_SIZE     (64 * 1024)
#define SCHEMELESS_MAX 1000

/* One line of the list: skipped, or a URL (a failed request if it is not
 * one); FALSE past the bounds. */
static gboolean
take_line (GString    *line,
           GPtrArray  *urls,
           guint      *with_scheme,
           GError    **error)
{
  char *text = offload_url_line_strip (line->str);
  g_auto(GStrv) words = NULL;

  if (*text == '\0' || *text == '#')
    return TRUE;
  /* As the window reads a line: "https://a/ https://b/" is two. */
  words = offload_url_line_split (text);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (urls->len >= MAX_URLS)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("it holds more than %u URLs: split it into several lists"), MAX_URLS);
          return FALSE;
        }
      if (offload_url_is_web (words[i]))
        (*with_scheme)++;
      g_ptr_array_add (urls, g_strdup (words[i]));
    }
  return TRUE;
}

static gboolean
read_url_file (const char  *path,
               GPtrArray   *urls,
               GError     **error)
{
  g_autoptr(GString) line = g_string_new (NULL);
  g_autofree char *buffer = g_malloc (READ_SIZE);
  guint before = urls->len, with_scheme = 0;
  guint64 number = 1;
  int fd;
  gboolean ok = TRUE;

  /* Bytes as they are, from a file or a pipe: a line that is not UTF-8 is
   * one failed request, not a failed run. */
  if (g_strcmp0 (path, "-") == 0)
    fd = STDIN_FILENO;
  else if ((fd = g_open (path, O_RDONLY | O_CLOEXEC, 0)) < 0)
    {
      int saved = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved),
                           g_strerror (saved));
      return FALSE;
    }

  while (ok)
    {
      gssize n = read (fd, buffer, READ_SIZE);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved),
                               g_strerror (saved));
          ok = FALSE;
          break;
        }
      if (n == 0)
        break;
      /* A NUL is in no list of URLs: a binary file given by mistake, whose
       * "lines" would each be a failed request, printed as garbage. */
      if (memchr (buffer, '\0', (gsize) n) != NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("it is not a text file (it holds NUL bytes)"));
          ok = FALSE;
          break;
        }
      for (const char *p = buffer, *end = buffer + n; ok && p < end;)
        {
          const char *newline = memchr (p, '\n', (gsize) (end - p));
          const char *stop = newline != NULL ? newline : end;

          g_string_append_len (line, p, stop - p);
          if (line->len > MAX_URL_LINE)
            {
              g_autofree char *where = g_strdup_printf ("%" G_GUINT64_FORMAT, number);

              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("line %s is longer than %u KiB: this is not a list of URLs"),
                           where, MAX_URL_LINE / 1024);
              ok = FALSE;
              break;
            }
          if (newline == NULL)
            break;
          ok = take_line (line, urls, &with_scheme, error);
          number++;
          /* A CSV file, say: said after its first lines, not its last. */
          if (ok && with_scheme == 0 && urls->len - before >= SCHEMELESS_MAX)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("none of its first %u lines is a URL (one that starts with "
                             "http:// or https://)"), SCHEMELESS_MAX);
              ok = FALSE;
            }
          g_string_truncate (line, 0);
          p = newline + 1;
        }
    }
  if (ok && line->len > 0)
    ok = take_line (line, urls, &with_scheme, error);
  if (fd != STDIN_FILENO)
    close (fd);
  if (!ok)
    return FALSE;

  /* One URL a line; blank lines and # comments are skipped. Lines that
   * are not URLs fail as requests, each on its line; a list with no URL
   * at all is no list. */
  if (urls->len == before)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("it holds no URL (one a line; blank lines and lines starting with # "
                     "are skipped)"));
      return FALSE;
    }
  if (with_scheme == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("none of its lines is a URL (one that starts with http:// or "
                     "https://)"));
      return FALSE;
    }

  return TRUE;
}

static void
print_progress (Fetch *fetch)
{
  g_autofree char *size = g_format_size (offload_fetch_queue_get_bytes_received (fetch->queue));
  g_autofree char *line = g_strdup_printf (_("%u of %u done, %u failed, %s"),
                                           offload_fetch_queue_get_n_finished (fetch->queue),
                                           offload_fetch_queue_get_n_requests (fetch->queue),
                                           offload_fetch_queue_get_n_failed (fetch->queue),
                                           size);

  offload_cli_show_progress (line);
}

static gboolean
on_progress_tick (gpointer user_data)
{
  Fetch *fetch = user_data;

  offload_fetch_queue_update (fetch->queue);
  print_progress (fetch);

  return G_SOURCE_CONTINUE;
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GError) error = NULL;

  if (!offload_fetch_queue_run_finish (OFFLOAD_FETCH_QUEUE (object), result, &error))
    fetch->cancelled = TRUE;

  fetch->end = g_get_monotonic_time ();
  g_main_loop_quit (fetch->loop);
}

/* Whole milliseconds: JSON readers get exact numbers, not 0.35399999. */
static gint64
ms_since (gint64 begin,
          gint64 when)
{
  return when > 0 ? (when - begin + 500) / 1000 : 0;
}

static void
print_line (Fetch      *fetch,
            JsonNode   *root)
{
  g_autofree char *line = NULL;

  json_generator_set_root (fetch->generator, root);
  line = json_generator_to_data (fetch->generator, NULL);
  offload_json_fix_numbers (line);
  g_print ("%s\n", line);
}

static void
print_json_request (Fetch               *fetch,
                    OffloadFetchRequest *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  OffloadFetchState state = offload_fetch_request_get_state (request);
  const char *content_type = offload_fetch_request_get_content_type (request);
  const char *error = offload_fetch_request_get_error_message (request);
  GEnumClass *states = g_type_class_ref (OFFLOAD_TYPE_FETCH_STATE);

  fetch->printed_ok += state == OFFLOAD_FETCH_STATE_DONE;
  fetch->printed_bytes += offload_fetch_request_get_bytes_received (request);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "url");
  /* A URL list may hold invalid UTF-8; the JSON must stay valid. */
  {
    g_autofree char *url = g_utf8_make_valid (offload_fetch_request_get_url (request), -1);
    json_builder_add_string_value (builder, url);
  }
  json_builder_set_member_name (builder, "ok");
  json_builder_add_boolean_value (builder, state == OFFLOAD_FETCH_STATE_DONE);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, g_enum_get_value (states, state)->value_nick);
  json_builder_set_member_name (builder, "status");
  if (offload_fetch_request_get_status (request) > 0)
    json_builder_add_int_value (builder, offload_fetch_request_get_status (request));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, (gint64) offload_fetch_request_get_bytes_received (request));
  json_builder_set_member_name (builder, "content_type");
  if (content_type != NULL)
    json_builder_add_string_value (builder, content_type);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "started_ms");
  json_builder_add_int_value (builder,
                              ms_since (fetch->begin,
                                        offload_fetch_request_get_started_time (request)));
  json_builder_set_member_name (builder, "finished_ms");
  json_builder_add_int_value (builder,
                              ms_since (fetch->begin,
                                        offload_fetch_request_get_finished_time (request)));
  json_builder_set_member_name (builder, "error");
  if (error != NULL)
    json_builder_add_string_value (builder, error);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  g_type_class_unref (states);

  root = json_builder_get_root (builder);
  print_line (fetch, root);
}

static gboolean
is_finished (OffloadFetchRequest *request)
{
  switch (offload_fetch_request_get_state (request))
    {
    case OFFLOAD_FETCH_STATE_DONE:
    case OFFLOAD_FETCH_STATE_FAILED:
    case OFFLOAD_FETCH_STATE_CANCELLED:
      return TRUE;
    case OFFLOAD_FETCH_STATE_QUEUED:
    case OFFLOAD_FETCH_STATE_CONNECTING:
    case OFFLOAD_FETCH_STATE_WAITING:
    case OFFLOAD_FETCH_STATE_RECEIVING:
    default:
      return FALSE;
    }
}

static void print_row (Fetch               *fetch,
                       OffloadFetchRequest *request);

/* Each request's line (or row) as soon as it and all before it are done,
 * so that a script reads results while the slow ones run, in the order of
 * its list (`parallel -k` does the same), and a run stopped half-way has
 * printed what it had. */
static void
print_finished (Fetch *fetch)
{
  GListModel *requests = G_LIST_MODEL (fetch->requests);
  guint n = g_list_model_get_n_items (requests);
  guint before = fetch->printed;

  while (fetch->printed < n)
    {
      g_autoptr(OffloadFetchRequest) request = g_list_model_get_item (requests, fetch->printed);

      if (!is_finished (request))
        break;
      /* Under the progress line, which comes back after. */
      if (fetch->progress && fetch->printed == before)
        offload_cli_show_progress (NULL);
      if (fetch->json)
        print_json_request (fetch, request);
      else
        print_row (fetch, request);
      fetch->printed++;
    }
  /* Nobody reads the results any more: the requests stop. */
  if (offload_cli_output_closed ())
    g_cancellable_cancel (fetch->cancellable);
  if (fetch->printed != before)
    {
      fflush (stdout);
      if (fetch->progress && fetch->loop != NULL && g_main_loop_is_running (fetch->loop))
        print_progress (fetch);
    }
}

static void
on_n_finished (Fetch *fetch)
{
  print_finished (fetch);
}

/* A pipe's reader went away (`| head -1`): the requests stop now, not
 * when the next line finds the pipe closed, maybe a time limit later. */
static gboolean
on_output_closed (int          fd,
                  GIOCondition condition,
                  gpointer     user_data)
{
  Fetch *fetch = user_data;

  fetch->output_closed = TRUE;
  g_cancellable_cancel (fetch->cancellable);
  fetch->output_source = 0;
  return G_SOURCE_REMOVE;
}

static void
print_summary (Fetch *fetch)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "summary");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "requests");
  json_builder_add_int_value (builder, g_list_model_get_n_items (G_LIST_MODEL (fetch->requests)));
  json_builder_set_member_name (builder, "succeeded");
  json_builder_add_int_value (builder, fetch->printed_ok);
  json_builder_set_member_name (builder, "failed");
  json_builder_add_int_value (builder, offload_fetch_queue_get_n_failed (fetch->queue));
  json_builder_set_member_name (builder, "cancelled");
  json_builder_add_int_value (builder, offload_fetch_queue_get_n_cancelled (fetch->queue));
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, (gint64) fetch->printed_bytes);
  json_builder_set_member_name (builder, "elapsed_ms");
  json_builder_add_int_value (builder, ms_since (fetch->begin, fetch->end));
  json_builder_set_member_name (builder, "concurrency");
  json_builder_add_int_value (builder, offload_fetch_queue_get_concurrency (fetch->queue));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  print_line (fetch, root);
}

static void
print_row (Fetch               *fetch,
           OffloadFetchRequest *request)
{
  OffloadFetchState state = offload_fetch_request_get_state (request);
  g_autofree char *bytes = g_format_size (offload_fetch_request_get_bytes_received (request));
  g_autofree char *status = NULL;
  g_autofree char *hidden = offload_url_hide_password (offload_fetch_request_get_url (request));
  g_autofree char *url = offload_printable (hidden);
  const char *error = offload_fetch_request_get_error_message (request);
  g_autofree char *status_cell = NULL;
  g_autofree char *bytes_cell = NULL;

  fetch->printed_ok += state == OFFLOAD_FETCH_STATE_DONE;
  fetch->printed_bytes += offload_fetch_request_get_bytes_received (request);

  /* Ctrl+C 2 s into 100,000 URLs printed 80,000 rows of "Cancelled" for
   * requests that never started: the table counts them in one line
   * (--json still has a line for each, for scripts to match). */
  if (state == OFFLOAD_FETCH_STATE_CANCELLED && offload_fetch_request_get_started_time (request) == 0)
    {
      fetch->not_started++;
      return;
    }

  /* A status is shown when it tells how it went: a failure after a 200
   * (a body cut short, over the limit) reads ERR, not 200, to whoever
   * scans or greps the first column, and a request cancelled mid-body
   * reads —, as one that never started. --json keeps the status. */
  if (state == OFFLOAD_FETCH_STATE_CANCELLED)
    status = g_strdup ("—");
  else if (state == OFFLOAD_FETCH_STATE_FAILED && offload_fetch_request_get_status (request) < 400)
    status = g_strdup (_("ERR"));
  else if (offload_fetch_request_get_status (request) > 0)
    status = g_strdup_printf ("%u", offload_fetch_request_get_status (request));
  else
    status = g_strdup (_("ERR"));

  status_cell = offload_cli_cell (status, 4, TRUE, FALSE);
  bytes_cell = offload_cli_cell (bytes, 10, FALSE, FALSE);
  g_print ("%s %8.3f s %s  %s\n", status_cell, offload_fetch_request_get_elapsed (request),
           bytes_cell, url);
  /* The server's words are in it (its reason phrase): one line, no
   * escape sequences for the terminal. */
  if (error != NULL)
    {
      g_autofree char *printable = offload_printable (error);

      g_print ("     %s\n", printable);
    }
}

static void
print_table_summary (Fetch *fetch)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (fetch->requests));
  g_autofree char *size = g_format_size (fetch->printed_bytes);

  if (fetch->not_started > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "—  %u request not started: cancelled before its turn\n",
                          "—  %u requests not started: cancelled before their turn\n",
                          fetch->not_started),
             fetch->not_started);
  g_print (g_dngettext (GETTEXT_PACKAGE,
                       "%u request: %u succeeded, %u failed, %u cancelled; %s in %.2f s\n",
                       "%u requests: %u succeeded, %u failed, %u cancelled; %s in %.2f s\n", n),
           n, fetch->printed_ok, offload_fetch_queue_get_n_failed (fetch->queue),
           offload_fetch_queue_get_n_cancelled (fetch->queue), size,
           (fetch->end - fetch->begin) / 1e6);
}

int
offload_cli_fetch (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) urls = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(OffloadFetchQueue) queue = NULL;
  g_autoptr(GListStore) requests = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autofree char *input = NULL;
  g_autofree char *max_body_text = NULL;
  g_auto(GStrv) positional = NULL;
  int concurrency = OFFLOAD_FETCH_CONCURRENCY_DEFAULT;
  int timeout = OFFLOAD_FETCH_TIMEOUT_DEFAULT;
  guint64 max_body = OFFLOAD_FETCH_MAX_BODY_DEFAULT;
  gboolean json = FALSE;
  guint progress_id = 0;
  Fetch fetch = { 0 };
  const GOptionEntry entries[] = {
    { "concurrency", 'c', 0, G_OPTION_ARG_INT, &concurrency,
      N_("Requests in flight at once, 1 to 64 (default 8)"), N_("N") },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout,
      N_("Time limit of each request in seconds, 0 for none (default 30)"), N_("SECONDS") },
    { "max-body", 0, 0, G_OPTION_ARG_STRING, &max_body_text,
      N_("Stop reading a body after this many bytes (default 64 MiB)"), N_("BYTES") },
    { "input", 'i', 0, G_OPTION_ARG_FILENAME, &input,
      N_("Read URLs from FILE, one a line (- for standard input)"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print one JSON object per request and a summary (JSON Lines)"), NULL },
    /* As bytes, not converted from the locale: a URL that is no valid text
     * is a failed request, not a usage error. */
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &positional, NULL, N_("URL…") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Fetch URLs in worker threads, several at once.\n"
                                  "Exit status: 0 when every request succeeded, 1 when any "
                                  "failed, 2 on a usage error, 130 when interrupted (Ctrl+C)."));
  g_option_context_set_description (context,
                                    _("Proxies are taken from the environment, as curl takes "
                                      "them: http_proxy, https_proxy, all_proxy and "
                                      "no_proxy."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("offload fetch: %s\n", error->message);
      return OFFLOAD_EXIT_USAGE;
    }

  if (concurrency < OFFLOAD_FETCH_CONCURRENCY_MIN || concurrency > OFFLOAD_FETCH_CONCURRENCY_MAX)
    {
      g_printerr (_("offload fetch: --concurrency must be between %d and %d\n"),
                  OFFLOAD_FETCH_CONCURRENCY_MIN, OFFLOAD_FETCH_CONCURRENCY_MAX);
      return OFFLOAD_EXIT_USAGE;
    }
  if (timeout < 0)
    {
      g_printerr (_("offload fetch: --timeout cannot be negative\n"));
      return OFFLOAD_EXIT_USAGE;
    }
  if (max_body_text != NULL
      && (!g_ascii_string_to_unsigned (max_body_text, 10, 1, G_MAXUINT64, &max_body, NULL)))
    {
      g_printerr (_("offload fetch: --max-body must be a number of bytes, at least 1\n"));
      return OFFLOAD_EXIT_USAGE;
    }

  /* Blanks around a URL (pasted, or quoted with them) are no part of it,
   * as in a list (--input). */
  for (guint i = 0; positional != NULL && positional[i] != NULL; i++)
    g_ptr_array_add (urls, g_strdup (offload_url_line_strip (positional[i])));
  if (input != NULL && !read_url_file (input, urls, &error))
    {
      g_autofree char *name = g_filename_display_name (input);

      g_printerr (_("offload fetch: cannot read the URL list %s: %s\n"), name, error->message);
      return OFFLOAD_EXIT_USAGE;
    }
  if (urls->len == 0)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr (_("offload fetch: no URL given\n\n%s"), help);
      return OFFLOAD_EXIT_USAGE;
    }

  queue = offload_fetch_queue_new ();
  offload_fetch_queue_set_concurrency (queue, (guint) concurrency);
  offload_fetch_queue_set_timeout (queue, (guint) timeout);
  offload_fetch_queue_set_max_body (queue, max_body);
  /* No body is printed: none is kept or formatted either. */
  offload_fetch_queue_set_previews (queue, FALSE);
  /* Proxies as curl finds them: from the environment. */
  {
    g_auto(GStrv) environment = g_get_environ ();
    g_autoptr(GProxyResolver) proxies =
      offload_proxy_resolver_from_environment ((const char * const *) environment);

    offload_fetch_queue_set_proxy_resolver (queue, proxies);
  }

  requests = g_list_store_new (OFFLOAD_TYPE_FETCH_REQUEST);
  for (guint i = 0; i < urls->len; i++)
    {
      g_autoptr(OffloadFetchRequest) request = offload_fetch_request_new (urls->pdata[i]);
      g_list_store_append (requests, request);
    }

  loop = g_main_loop_new (NULL, FALSE);
  cancellable = g_cancellable_new ();
  fetch.queue = queue;
  fetch.requests = requests;
  fetch.loop = loop;
  fetch.cancellable = cancellable;
  fetch.progress = isatty (STDERR_FILENO);

  /* Ctrl+C cancels and waits for the requests to stop. */
  offload_cli_stop_watch (&fetch.stop, cancellable);
  if (fetch.progress)
    progress_id = g_timeout_add (PROGRESS_INTERVAL_MS, on_progress_tick, &fetch);

  fetch.json = json;
  if (json)
    fetch.generator = json_generator_new ();
  g_signal_connect_swapped (queue, "notify::n-finished", G_CALLBACK (on_n_finished), &fetch);

  {
    struct stat info;

    if (fstat (STDOUT_FILENO, &info) == 0 && S_ISFIFO (info.st_mode))
      fetch.output_source = g_unix_fd_add (STDOUT_FILENO, G_IO_ERR, on_output_closed, &fetch);
  }

  fetch.begin = g_get_monotonic_time ();
  offload_fetch_queue_run_async (queue, G_LIST_MODEL (requests), cancellable, run_cb, &fetch);
  g_main_loop_run (loop);

  offload_cli_stop_unwatch (&fetch.stop);
  if (progress_id != 0)
    {
      g_source_remove (progress_id);
      /* The summary says it all: the progress line goes, as offload
       * crunch's does. */
      offload_cli_show_progress (NULL);
    }

  g_signal_handlers_disconnect_by_func (queue, on_n_finished, &fetch);
  print_finished (&fetch);
  if (json)
    print_summary (&fetch);
  else
    print_table_summary (&fetch);
  g_clear_object (&fetch.generator);

  g_clear_handle_id (&fetch.output_source, g_source_remove);
  /* Stopped because nobody reads: nothing to say, as `yes | head -1`. */
  if (fetch.output_closed)
    return 128 + SIGPIPE;
  if (fetch.cancelled && !offload_cli_output_closed ())
    g_printerr (_("offload fetch: cancelled\n"));

  return offload_cli_stop_status (&fetch.stop,
                                  offload_fetch_queue_get_n_finished (queue) == urls->len
                                  && offload_fetch_queue_get_n_failed (queue) == 0
                                  && offload_fetch_queue_get_n_cancelled (queue) == 0
                                  ? OFFLOAD_EXIT_OK : OFFLOAD_EXIT_FAILED);
}
