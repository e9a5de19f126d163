/* offload-fetch-queue.c: many HTTP requests at once, in worker threads
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
#include <string.h>
#include <unistd.h>
#include <libsoup/soup.h>

#include "offload-fetch-queue.h"
#include "offload-fetch-request-private.h"
#include "offload-printable.h"

/* How a run works:
 *
 * - Every request is a GTask created on the main thread. Its thread
 *   function does a blocking libsoup send and reads the body in chunks.
 *
 * - The tasks do not go to GTask's shared pool: it has 10 threads and grows
 *   slowly when they block, so 32 requests would not really be in flight at
 *   once. They go to a GThreadPool of exactly `concurrency` threads for this
 *   run (GNOME Software runs its jobs on its own thread the same way).
 *
 * - One SoupSession per run, shared by those threads (libsoup allows
 *   concurrent sync sends since 3.2). Its connection limits are
 *   construct-only and default to 2 per host and 10 in all, which would
 *   serialise the requests again, so they are sized to the concurrency.
 *
 * - SoupSession:timeout is a socket timeout, not a deadline. The deadline is
 *   kept by a small watchdog thread of the run, which cancels the request's
 *   GCancellable when it is due; it works even when the main loop is
 *   blocked (the blocking mode).
 *
 * - Worker threads write only their request's progress counters (under the
 *   request's lock) and hand their task back to the main thread, which
 *   completes the tasks that finished a few at a time (hand_back()); the UI
 *   pulls progress with offload_fetch_queue_update() once a frame.
 *
 * - The session is made in a context of its own, never iterated: libsoup
 *   wakes its session's context from the threads that send, and the main
 *   loop's would wake for nothing twice a request.
 */

#define READ_CHUNK (256 * 1024)
#define FINISHED_BATCH_MS 4

/* One read buffer per thread, reused by every request the thread runs: a
 * fresh 256 KiB allocation per request would be an mmap and munmap each
 * time, which shows in 1000 tiny requests. */
static GPrivate read_buffer = G_PRIVATE_INIT (g_free);

static guint8 *
get_read_buffer (void)
{
  guint8 *buffer = g_private_get (&read_buffer);

  if (buffer == NULL)
    {
      buffer = g_malloc (READ_CHUNK);
      g_private_set (&read_buffer, buffer);
    }

  return buffer;
}

typedef struct _Run Run;

struct _OffloadFetchQueue
{
  GObject   parent_instance;

  guint     concurrency;
  guint     timeout;
  guint64   max_body;
  char     *keep_csv_dir;
  gboolean  no_previews;
  gboolean  own_proxies;       /* proxy_resolver set, even to none */
  GProxyResolver *proxy_resolver;

  Run      *run;

  guint     n_requests;
  guint     n_finished;
  guint     n_failed;
  guint     n_cancelled;
  guint64   bytes_received;
};

enum {
  PROP_0,
  PROP_CONCURRENCY,
  PROP_TIMEOUT,
  PROP_MAX_BODY,
  PROP_RUNNING,
  PROP_N_REQUESTS,
  PROP_N_FINISHED,
  PROP_N_FAILED,
  PROP_N_CANCELLED,
  PROP_BYTES_RECEIVED,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (OffloadFetchQueue, offload_fetch_queue, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

/* The watchdog: a thread of the run that enforces the deadlines. Workers
 * only add and remove their request under a lock, which wakes nobody; the
 * watchdog looks every WATCHDOG_TICK_MS. (A GSource per request would wake
 * the watchdog twice per request, which shows in 1000 tiny requests.) */
#define WATCHDOG_TICK_MS 50

typedef struct
{
  gatomicrefcount  ref_count;
  GCancellable    *cancellable;
  gint64           due;
  gint             fired;
} Deadline;

static Deadline *
deadline_new (GCancellable *cancellable,
              gint64        timeout_us)
{
  Deadline *deadline = g_new0 (Deadline, 1);

  /* Stored atomically: the watchdog thread reads them, under a GMutex
   * that ThreadSanitizer cannot see. */
  g_atomic_ref_count_init (&deadline->ref_count);
  g_atomic_pointer_set (&deadline->cancellable, g_object_ref (cancellable));
  __atomic_store_n (&deadline->due, g_get_monotonic_time () + timeout_us, __ATOMIC_RELEASE);

  return deadline;
}

static Deadline *
deadline_ref (Deadline *deadline)
{
  g_atomic_ref_count_inc (&deadline->ref_count);
  return deadline;
}

static void
deadline_unref (gpointer data)
{
  Deadline *deadline = data;

  if (g_atomic_ref_count_dec (&deadline->ref_count))
    {
      g_object_unref (deadline->cancellable);
      g_free (deadline);
    }
}

typedef struct
{
  gatomicrefcount  ref_count;
  GMainContext    *context;
  gint             stopping;
  GMutex           lock;
  GPtrArray       *active;
} Watchdog;

static Watchdog *
watchdog_ref (Watchdog *watchdog)
{
  g_atomic_ref_count_inc (&watchdog->ref_count);
  return watchdog;
}

static void
watchdog_unref (Watchdog *watchdog)
{
  if (g_atomic_ref_count_dec (&watchdog->ref_count))
    {
      g_ptr_array_unref (watchdog->active);
      g_mutex_clear (&watchdog->lock);
      g_main_context_unref (watchdog->context);
      g_free (watchdog);
    }
}

static gboolean
watchdog_check (gpointer data)
{
  Watchdog *watchdog = data;
  g_autoptr(GPtrArray) overdue = g_ptr_array_new_with_free_func (deadline_unref);
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&watchdog->lock);
  for (guint i = 0; i < watchdog->active->len; i++)
    {
      Deadline *deadline = g_ptr_array_index (watchdog->active, i);

      if (now >= __atomic_load_n (&deadline->due, __ATOMIC_ACQUIRE)
          && !g_atomic_int_get (&deadline->fired))
        {
          g_atomic_int_set (&deadline->fired, TRUE);
          g_ptr_array_add (overdue, deadline_ref (deadline));
        }
    }
  g_mutex_unlock (&watchdog->lock);

  /* Outside the lock: cancelling runs libsoup's handlers. */
  for (guint i = 0; i < overdue->len; i++)
    {
      Deadline *deadline = g_ptr_array_index (overdue, i);

      g_cancellable_cancel (g_atomic_pointer_get (&deadline->cancellable));
    }

  return G_SOURCE_CONTINUE;
}

static gpointer
watchdog_thread (gpointer data)
{
  Watchdog *watchdog = data;
  GSource *tick = g_timeout_source_new (WATCHDOG_TICK_MS);

  g_source_set_name (tick, "[offload] fetch deadlines");
  g_source_set_callback (tick, watchdog_check, watchdog, NULL);
  g_source_attach (tick, watchdog->context);

  /* A flag and a wake-up rather than g_main_loop_quit(): a quit that
   * comes before the loop runs would be lost, and the thread with it. */
  g_main_context_push_thread_default (watchdog->context);
  while (!g_atomic_int_get (&watchdog->stopping))
    g_main_context_iteration (watchdog->context, TRUE);
  g_main_context_pop_thread_default (watchdog->context);

  g_source_destroy (tick);
  g_source_unref (tick);
  watchdog_unref (watchdog);

  return NULL;
}

static Watchdog *
watchdog_start (void)
{
  Watchdog *watchdog = g_new0 (Watchdog, 1);

  g_atomic_ref_count_init (&watchdog->ref_count);
  g_mutex_init (&watchdog->lock);
  watchdog->active = g_ptr_array_new_with_free_func (deadline_unref);
  watchdog->context = g_main_context_new ();

  /* The thread holds its own reference and is never joined: quitting it
   * must not make the main thread wait. */
  g_thread_unref (g_thread_new ("offload-deadline", watchdog_thread,
                                watchdog_ref (watchdog)));

  return watchdog;
}

static void
watchdog_stop (Watchdog *watchdog)
{
  g_atomic_int_set (&watchdog->stopping, TRUE);
  g_main_context_wakeup (watchdog->context);
  watchdog_unref (watchdog);
}

static void
watchdog_add (Watchdog *watchdog,
              Deadline *deadline)
{
  g_mutex_lock (&watchdog->lock);
  g_ptr_array_add (watchdog->active, deadline_ref (deadline));
  g_mutex_unlock (&watchdog->lock);
}

static void
watchdog_remove (Watchdog *watchdog,
                 Deadline *deadline)
{
  g_mutex_lock (&watchdog->lock);
  g_ptr_array_remove_fast (watchdog->active, deadline);
  g_mutex_unlock (&watchdog->lock);
}

/* What a thread function needs: copies and references, never widgets. */
typedef struct _Job Job;

struct _Job
{
  OffloadFetchRequest *request;
  GCancellable        *cancellable;
  SoupSession         *session;
  Watchdog            *watchdog;
  guint64              max_body;
  char                *keep_csv_dir;   /* where CSV bodies are kept, or NULL */
  gboolean             no_preview;     /* the body is counted, not shown */
  guint                timeout;
  gint64               budget_us;      /* blocking mode: what is left of it */
  guint                generation;

  /* Hand-offs between the main thread and the worker, as atomics so that
   * ThreadSanitizer sees them (GThreadPool and GTask synchronise with
   * GLib's futex-based locks, which it cannot see). */
  gint                 published;
  OffloadFetchResult  *result;
  /* On the run's stack of finished requests (see hand_back()). */
  GTask               *done_task;
  Job                 *next_done;
};

static void
job_free (Job *job)
{
  offload_fetch_result_free (g_atomic_pointer_exchange (&job->result, NULL));
  g_clear_object (&job->request);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->session);
  g_clear_pointer (&job->watchdog, watchdog_unref);
  g_free (job->keep_csv_dir);
  g_free (job);
}

struct _Run
{
  OffloadFetchQueue *queue;        /* weak: the queue owns the run */
  GTask             *task;
  GPtrArray         *requests;
  GThreadPool       *pool;
  SoupSession       *session;
  Watchdog          *watchdog;
  GCancellable      *cancellable;
  gulong             cancelled_id;
  guint              n_pending;
  guint              generation;
  gint               next_thread;
  GMainContext      *context;
  GMainContext      *session_context;
  Job               *done;           /* atomic: finished, newest first */
};

static void
run_free (Run *run)
{
  if (run->cancelled_id != 0)
    g_cancellable_disconnect (run->cancellable, run->cancelled_id);
  g_clear_object (&run->cancellable);
  /* Threads still finishing their last iteration end on their own. */
  if (run->pool != NULL)
    g_thread_pool_free (run->pool, FALSE, FALSE);
  g_clear_pointer (&run->watchdog, watchdog_stop);
  g_clear_object (&run->session);
  g_clear_pointer (&run->requests, g_ptr_array_unref);
  g_clear_object (&run->task);
  g_clear_pointer (&run->context, g_main_context_unref);
  g_clear_pointer (&run->session_context, g_main_context_unref);
  g_free (run);
}

/* A readable thread name for the timeline: fetch-1, fetch-2... numbered
 * per run, in the order the pool's threads first take a request. */
typedef struct
{
  guint generation;
  guint index;
} ThreadLabel;

static GPrivate thread_label = G_PRIVATE_INIT (g_free);

static char *
current_thread_name (gint  *next_index,
                     guint  generation)
{
  ThreadLabel *label = g_private_get (&thread_label);

  if (next_index == NULL)
    return g_strdup ("main");

  if (label == NULL)
    {
      label = g_new0 (ThreadLabel, 1);
      g_private_set (&thread_label, label);
    }
  if (label->generation != generation || label->index == 0)
    {
      label->generation = generation;
      label->index = (guint) g_atomic_int_add (next_index, 1) + 1;
    }

  return g_strdup_printf ("fetch-%u", label->index);
}

/* The proxy a request went through, or NULL when it went direct: asked
 * again of the session's resolver, only when something went wrong. */
static char *
proxy_of (SoupSession *session,
          GUri        *uri)
{
  GProxyResolver *resolver = soup_session_get_proxy_resolver (session);
  g_autofree char *text = NULL;
  g_auto(GStrv) proxies = NULL;

  if (resolver == NULL || uri == NULL)
    return NULL;
  text = g_uri_to_string (uri);
  proxies = g_proxy_resolver_lookup (resolver, text, NULL, NULL);
  if (proxies == NULL || proxies[0] == NULL || g_str_equal (proxies[0], "direct://"))
    return NULL;
  return g_strdup (proxies[0]);
}

/* Errors in plain words first, the technical detail after. */
static GError *
describe_error (const GError *error,
                GUri         *uri,
                const char   *proxy,
                gboolean      deadline_hit,
                guint         timeout,
                gboolean      answered,
                const char   *typed_url)
{
  const char *ascii_host = uri != NULL ? g_uri_get_host (uri) : NULL;
  int port = uri != NULL ? g_uri_get_port (uri) : -1;
  gboolean https = uri != NULL && g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0;
  g_autofree char *host = NULL;
  g_autofree char *where = NULL;

  /* The host as the user typed it: ünïcode.example, not its
   * xn--ncode-cta3g.example, but xn--80ak6aa92e.com as typed, not the
   * Cyrillic look-alike of apple.com it decodes to; an IPv6 address in
   * brackets before its port, as in a URL ([::1]:8080, not ::1:8080). */
  if (ascii_host != NULL && typed_url != NULL && !g_str_is_ascii (typed_url)
      && g_hostname_is_ascii_encoded (ascii_host))
    host = g_hostname_to_unicode (ascii_host);
  if (host == NULL && ascii_host != NULL)
    host = g_strdup (ascii_host);
  if (port < 0 && uri != NULL)
    port = https ? 443 : 80;
  if (host != NULL && strchr (host, ':') != NULL)
    where = g_strdup_printf ("[%s]:%d", host, port);
  else
    where = g_strdup_printf ("%s:%d", host != NULL ? host : "?", port);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (deadline_hit)
        return g_error_new (OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_DEADLINE,
                            _("Took longer than the %u s time limit, so it was stopped"),
                            timeout);
      return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
    }

  /* Through a proxy, a name that does not resolve or a refused connection
   * is the proxy's (the proxy looks the server's name up itself). */
  if (proxy != NULL
      && (error->domain == G_RESOLVER_ERROR
          || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED)
          || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_FAILED)
          || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_AUTH_FAILED)
          || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_NEED_AUTH)
          || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_NOT_ALLOWED)))
    return g_error_new (OFFLOAD_FETCH_ERROR,
                        error->domain == G_RESOLVER_ERROR
                        ? OFFLOAD_FETCH_ERROR_HOST_NOT_FOUND
                        : OFFLOAD_FETCH_ERROR_CONNECTION_REFUSED,
                        _("The proxy %s could not be reached or would not pass the request "
                          "on. Check the proxy (http_proxy, https_proxy and all_proxy on the "
                          "command line; the system’s proxy settings in the window). (%s)"),
                        proxy, error->message);

  if (error->domain == G_RESOLVER_ERROR)
    return g_error_new (OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_HOST_NOT_FOUND,
                        _("Host not found: “%s” could not be resolved. Check the address "
                          "and the network. (%s)"),
                        host != NULL ? host : "?", error->message);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_error_new (OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_CONNECTION_REFUSED,
                        _("Connection refused: nothing is accepting connections at %s. "
                          "Is the server running? (%s)"),
                        where, error->message);

  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    return g_error_new (OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_TLS,
                        _("Secure connection failed: the certificate of %s is not trusted. "
                          "Certificates are always verified. (%s)"),
                        where, error->message);

  /* Most often an https:// address for a server that speaks plain HTTP
   * on that port. */
  if (error->domain == G_TLS_ERROR)
    return g_error_new (OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_TLS,
                        _("Secure connection failed: %s did not set up TLS. Does it serve "
                          "HTTPS on this port? A plain HTTP server needs an http:// "
                          "address. (%s)"),
                        where, error->message);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      if (timeout == 0)
        return g_error_new (OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_TIMEOUT,
                            _("The connection to %s timed out. (%s)"), where, error->message);
      return g_error_new (OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_TIMEOUT,
                          _("The server at %s stopped responding for %u s. (%s)"),
                          where, timeout, error->message);
    }

  if (g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_TOO_MANY_REDIRECTS))
    return g_error_new (OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_TOO_MANY_REDIRECTS,
                        _("Too many redirects: the server keeps sending the request "
                          "elsewhere, probably in a loop. (%s)"),
                        error->message);

  if (g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_REDIRECT_NO_LOCATION)
      || g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_REDIRECT_BAD_URI))
    return g_error_new (OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_TOO_MANY_REDIRECTS,
                        _("The server redirected the request to a missing or invalid "
                          "address. (%s)"),
                        error->message);

  if (g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_PARSING)
      || g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_ENCODING))
    return g_error_new (OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_NETWORK,
                        _("The answer from %s is not valid HTTP. Is it a web server? (%s)"),
                        where, error->message);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED)
      || error->domain == SOUP_SESSION_ERROR)
    {
      /* Closed without a word of HTTP: most often a TLS server, which
       * hangs up on a plain request. */
      if (!answered && !https)
        return g_error_new (OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_CONNECTION_RESET,
                            _("The connection to %s was closed before any answer. If it "
                              "serves HTTPS on this port, use an https:// address. (%s)"),
                            where, error->message);
      return g_error_new (OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_CONNECTION_RESET,
                          _("The connection to %s was closed before the response was "
                            "complete. (%s)"),
                          where, error->message);
    }

  return g_error_new (OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_NETWORK,
                      _("The request failed. (%s)"), error->message);
}

/* What the server sent (a reason phrase, header values) and URLs read
 * from a file may be any bytes; the window and JSON want UTF-8.
 * Takes @text, returns it or a valid copy. */
static char *
valid_utf8 (char *text)
{
  char *valid;

  if (text == NULL || g_utf8_validate (text, -1, NULL))
    return text;
  valid = g_utf8_make_valid (text, -1);
  g_free (text);
  return valid;
}

static void
append_header (const char *name,
               const char *value,
               gpointer    user_data)
{
  g_autofree char *shown_name = offload_printable (name);
  g_autofree char *shown_value = offload_printable (value);

  /* Each header on its line, its control characters written out. */
  g_string_append_printf (user_data, "%s: %s\n", shown_name, shown_value);
}

static char *
content_type_of (SoupMessage *msg)
{
  const char *type;

  type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  return g_strdup (type);
}

/* In the fetch thread: the request is on the wire, its answer awaited
 * (again after each redirect). */
static void
on_wrote_body (SoupMessage         *msg,
               OffloadFetchRequest *request)
{
  offload_fetch_request_report_state (request, OFFLOAD_FETCH_STATE_WAITING, 0);
}

/* Keeping a CSV body: written to a hidden temporary file beside its
 * final name, renamed when the body has arrived whole, removed if not. */
typedef struct
{
  int   fd;
  char *temporary;
  char *dir;
} Keep;

static gboolean
is_csv (const char *content_type)
{
  return content_type != NULL
         && (g_ascii_strcasecmp (content_type, "text/csv") == 0
             || g_ascii_strcasecmp (content_type, "application/csv") == 0);
}

static void
keep_free (Keep *keep)
{
  if (keep->fd >= 0)
    close (keep->fd);
  g_free (keep->temporary);
  g_free (keep->dir);
  g_free (keep);
}

static void
keep_discard (Keep *keep)
{
  g_unlink (keep->temporary);
  keep_free (keep);
}

static void
keep_failed (char       **message,
             const char  *path,
             int          saved_errno)
{
  g_free (*message);
  *message = g_strdup_printf (_("The body could not be kept in “%s”: %s"),
                              path, g_strerror (saved_errno));
}

static Keep *
keep_open (const char  *dir,
           char       **message)
{
  Keep *keep;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      keep_failed (message, dir, errno);
      return NULL;
    }

  keep = g_new0 (Keep, 1);
  keep->dir = g_strdup (dir);
  keep->temporary = g_build_filename (dir, ".response-XXXXXX.partial", NULL);
  keep->fd = g_mkstemp_full (keep->temporary, O_WRONLY | O_CLOEXEC, 0600);
  if (keep->fd < 0)
    {
      keep_failed (message, dir, errno);
      keep_discard (keep);
      return NULL;
    }

  return keep;
}

static gboolean
keep_write (Keep        *keep,
            const guint8 *data,
            gsize        length,
            char       **message)
{
  while (length > 0)
    {
      gssize n = write (keep->fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          keep_failed (message, keep->dir, errno);
          return FALSE;
        }
      data += n;
      length -= (gsize) n;
    }

  return TRUE;
}

static char *
keep_commit (Keep  *keep,
             char **message)
{
  g_autofree char *name = g_path_get_basename (keep->temporary);
  g_autofree char *path = NULL;
  int closed;

  /* ".response-XXXXXX.partial" -> "response-XXXXXX.csv" */
  name[strlen (name) - strlen (".partial")] = '\0';
  path = g_strdup_printf ("%s%c%s.csv", keep->dir, G_DIR_SEPARATOR, name + 1);
  closed = close (keep->fd);
  keep->fd = -1;
  if (closed != 0 || g_rename (keep->temporary, path) != 0)
    {
      keep_failed (message, path, errno);
      keep_discard (keep);
      return NULL;
    }
  keep_free (keep);

  return g_steal_pointer (&path);
}

/* The whole request, blocking. Runs in a pool thread, or on the main
 * thread in the blocking mode (next_thread == NULL). */
static OffloadFetchResult *
fetch_one (Job  *job,
           gint *next_thread)
{
  g_autoptr(OffloadFetchResult) result = g_new0 (OffloadFetchResult, 1);
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GByteArray) preview = NULL;
  g_autoptr(GError) error = NULL;
  guint8 *buffer;
  OffloadFetchRequest *request = job->request;
  const char *url = offload_fetch_request_get_url (request);
  Deadline *deadline = NULL;
  Keep *keep = NULL;
  const char *scheme;
  gboolean eof = FALSE;

  result->bytes_expected = -1;
  result->thread_name = current_thread_name (next_thread, job->generation);

  /* Cancelled before its turn: it never started (no start time, never
   * "connecting"), which the window's details and offload fetch's table
   * tell apart from a request stopped on its way. */
  if (g_cancellable_set_error_if_cancelled (job->cancellable, &error))
    goto out;

  result->started = g_get_monotonic_time ();
  offload_fetch_request_report_state (request, OFFLOAD_FETCH_STATE_CONNECTING, result->started);

  /* "localhost:8080/x" parses, with "localhost" for its scheme. */
  if (!offload_url_is_web (url))
    {
      g_autofree char *suggestion = offload_url_suggest (url);

      if (suggestion != NULL)
        {
          error = g_error_new (OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_INVALID_URL,
                               _("Not a URL: “%s” does not start with http:// or https://. "
                                 "Did you mean “%s”?"), url, suggestion);
          goto out;
        }
    }

  /* A line of a list that was not UTF-8, made valid for the window
   * (offload_url_line_split()): not the URL the file held, which a server
   * that answers every path would have answered as a success. */
  if (strstr (url, "\xef\xbf\xbd") != NULL)
    {
      error = g_error_new (OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_INVALID_URL,
                           _("Not a URL: “%s” holds bytes that are not UTF-8 text (shown "
                             "as �). Save the list as UTF-8."), url);
      goto out;
    }

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, &error);
  if (uri == NULL)
    {
      g_autoptr(GError) parse_error = g_steal_pointer (&error);

      error = g_error_new (OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_INVALID_URL,
                           _("Not a valid URL: “%s”. A URL looks like "
                             "https://example.org/path. (%s)"),
                           url, parse_error->message);
      goto out;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      error = g_error_new (OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_UNSUPPORTED_SCHEME,
                           _("Only http and https URLs can be fetched, not “%s:”"), scheme);
      goto out;
    }

  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      error = g_error_new (OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_INVALID_URL,
                           _("Not a valid URL: “%s” has no host name"), url);
      goto out;
    }

  if (job->watchdog != NULL && (job->timeout > 0 || job->budget_us > 0))
    {
      gint64 limit = job->timeout > 0 ? (gint64) job->timeout * G_USEC_PER_SEC : G_MAXINT64;

      deadline = deadline_new (job->cancellable,
                               job->budget_us > 0 ? MIN (limit, job->budget_us) : limit);
      watchdog_add (job->watchdog, deadline);
    }

  /* "GET", not SOUP_METHOD_GET: that macro interns the string lazily with
   * a racy check when several fetch threads first use it at once. */
  msg = soup_message_new_from_uri ("GET", uri);
  /* The window says when a request has been sent and waits for its answer
   * (a stalled server is not one being connected to). Not on the command
   * line, which shows no state while running: a signal connection a
   * message takes GLib's one signal lock, which the threads contend for. */
  if (!job->no_preview)
    g_signal_connect (msg, "wrote-body", G_CALLBACK (on_wrote_body), request);
  stream = soup_session_send (job->session, msg, job->cancellable, &error);
  if (stream == NULL)
    goto out;

  result->first_byte = g_get_monotonic_time ();
  result->status = soup_message_get_status (msg);
  {
    const char *reason = soup_message_get_reason_phrase (msg);

    result->reason = reason != NULL ? offload_printable (reason) : NULL;
  }
  result->content_type = content_type_of (msg);
  /* For the details view, as the preview is. */
  if (!job->no_preview)
    {
      GString *headers = g_string_new (NULL);

      soup_message_headers_foreach (soup_message_get_response_headers (msg), append_header,
                                    headers);
      result->headers = g_string_free (headers, FALSE);   /* offload_printable(): UTF-8 */
    }
  /* Content-Length counts the bytes on the wire; we count decoded bytes
   * (libsoup's content decoder unzips), so the two compare only without a
   * content coding. Nor does a 204 or 304 have the body it announces. */
  {
    SoupMessageHeaders *response_headers = soup_message_get_response_headers (msg);
    const char *coding = soup_message_headers_get_one (response_headers, "Content-Encoding");

    if (soup_message_headers_get_encoding (response_headers) == SOUP_ENCODING_CONTENT_LENGTH
        && (coding == NULL || g_ascii_strcasecmp (coding, "identity") == 0)
        && result->status != SOUP_STATUS_NO_CONTENT
        && result->status != SOUP_STATUS_NOT_MODIFIED)
      result->bytes_expected = soup_message_headers_get_content_length (response_headers);
  }

  offload_fetch_request_report_state (request, OFFLOAD_FETCH_STATE_RECEIVING, result->first_byte);
  offload_fetch_request_report_bytes (request, 0, result->bytes_expected);

  /* A CSV body is kept whole in a file, for the Crunch page. */
  if (job->keep_csv_dir != NULL && is_csv (result->content_type))
    keep = keep_open (job->keep_csv_dir, &result->keep_error);

  /* Bounded memory: only the preview is kept; the rest is counted. */
  buffer = get_read_buffer ();
  preview = g_byte_array_new ();
  for (;;)
    {
      /* One byte past the limit at most: enough to know that the body is
       * over it, and no more read than that. */
      guint64 left = job->max_body - result->bytes_received;
      gsize want = left < READ_CHUNK ? (gsize) left + 1 : READ_CHUNK;
      gssize n = g_input_stream_read (stream, buffer, want, job->cancellable, &error);

      if (n < 0)
        break;
      if (n == 0)
        {
          eof = TRUE;
          break;
        }

      if (keep != NULL && !keep_write (keep, buffer, (gsize) n, &result->keep_error))
        g_clear_pointer (&keep, keep_discard);

      if (!job->no_preview && preview->len < OFFLOAD_PREVIEW_MAX_BYTES)
        g_byte_array_append (preview, buffer,
                             MIN ((guint) n, OFFLOAD_PREVIEW_MAX_BYTES - preview->len));
      result->bytes_received += (guint64) n;
      offload_fetch_request_report_bytes (request, result->bytes_received, result->bytes_expected);

      if (result->bytes_received > job->max_body)
        {
          g_autofree char *limit = NULL;

          /* In the units of the sizes shown beside it (1000000 read
           * "976.6 KiB" beside "1.0 MB", and 2 MiB "2.0 MiB" beside a body
           * of "2.1 MB"), and the preferences' whole mebibytes too. */
          if (job->max_body >= 1024 * 1024 && job->max_body % (1024 * 1024) == 0)
            {
              g_autofree char *si = g_format_size (job->max_body);
              g_autofree char *iec = g_format_size_full (job->max_body,
                                                         G_FORMAT_SIZE_IEC_UNITS);

              /* Translators: a size limit, then the same in binary units:
               * "67.1 MB (64.0 MiB)" */
              limit = g_strdup_printf (_("%s (%s)"), si, iec);
            }
          else
            limit = g_format_size (job->max_body);
          error = g_error_new (OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_TOO_LARGE,
                               _("The body is larger than the %s limit, so reading stopped "
                                 "there. Raise the limit to read all of it."),
                               limit);
          /* What was read of it, as far as the limit: the byte past it
           * only told that there was more. */
          result->bytes_received = job->max_body;
          offload_fetch_request_report_bytes (request, result->bytes_received,
                                              result->bytes_expected);
          break;
        }
    }

  if (error == NULL && eof && result->bytes_expected >= 0
      && result->bytes_received < (guint64) result->bytes_expected)
    {
      g_autofree char *got = g_format_size (result->bytes_received);
      g_autofree char *expected = g_format_size ((guint64) result->bytes_expected);

      error = g_error_new (OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_TRUNCATED,
                           _("The body was cut short: %s of the announced %s arrived"),
                           got, expected);
    }

  /* Closing an unfinished body closes its connection: nothing keeps
   * downloading in the background. */
  g_input_stream_close (stream, NULL, NULL);

  /* An error page is no data to crunch, whatever its content type. */
  if (keep != NULL && error == NULL && eof && result->status < 400)
    result->kept_path = keep_commit (g_steal_pointer (&keep), &result->keep_error);
  g_clear_pointer (&keep, keep_discard);

  if (preview->len > 0)
    {
      gboolean complete = error == NULL && eof && preview->len == result->bytes_received;

      /* With its parameters: the charset says how to read text. */
      const char *full_type = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                            "Content-Type");

      result->preview = offload_body_preview (preview->data, preview->len, complete,
                                              full_type != NULL ? full_type
                                                                : result->content_type,
                                              &result->preview_kind);
      result->preview_partial = !complete;
    }

  if (error == NULL && result->status >= 400)
    error = g_error_new (OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_HTTP_STATUS,
                         _("The server answered %u %s"),
                         result->status, result->reason != NULL ? result->reason : "");

out:
  if (deadline != NULL)
    watchdog_remove (job->watchdog, deadline);

  if (error != NULL && error->domain != OFFLOAD_FETCH_ERROR)
    {
      gboolean fired = deadline != NULL && g_atomic_int_get (&deadline->fired);

      if (fired && job->budget_us > 0
          && (job->timeout == 0 || job->budget_us < (gint64) job->timeout * G_USEC_PER_SEC))
        result->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                             _("Stopped at the blocking mode’s time limit, below "
                                               "the 5 s after which GNOME reports the app as not "
                                               "responding"));
      else
        {
          /* Which proxy, for the message: not asked of a cancelled request,
           * which is to stop at once (a PAC file may take its time). */
          g_autofree char *proxy = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                                   ? NULL : proxy_of (job->session, uri);

          result->error = describe_error (error, uri, proxy, fired, job->timeout,
                                          result->status > 0, url);
        }
    }
  else
    result->error = g_steal_pointer (&error);
  /* The URL it quotes may come from a file of any bytes. */
  if (result->error != NULL)
    result->error->message = valid_utf8 (result->error->message);

  if (deadline != NULL)
    deadline_unref (deadline);

  result->finished = g_get_monotonic_time ();

  return g_steal_pointer (&result);
}

/* Takes the requests that finished since the last time, in the order
 * they finished, and completes their tasks: here, on the main thread, each
 * task's callback runs at once. */
static gboolean
take_finished (gpointer data)
{
  Run *run = data;
  Job *job = g_atomic_pointer_exchange (&run->done, NULL);
  Job *oldest = NULL;

  while (job != NULL)
    {
      Job *next = job->next_done;

      job->next_done = oldest;
      oldest = job;
      job = next;
    }

  /* The last task's callback frees the run: nothing of it after that. */
  while (oldest != NULL)
    {
      Job *next = oldest->next_done;

      g_task_return_boolean (oldest->done_task, TRUE);
      oldest = next;
    }

  return G_SOURCE_REMOVE;
}

/* Finished requests go to the main thread in batches: a stack that the
 * worker threads push onto and take_finished() takes whole, 4 ms after
 * the first of a batch (a frame is 16 ms). The thread that finds it empty
 * schedules the one source that takes it. A task returned from each
 * thread would wake the main loop once a request (a write, a poll, a read
 * and a context switch, where two cores run 16 threads). Measured with
 * 1000 requests of /delay/0 at concurrency 16 (W2 of tests/bench/fetch.sh,
 * strace -f -c): the main loop woke 450 times instead of 1,900, and the
 * run took 15 to 30 % less system time. */
static void
hand_back (Run   *run,
           GTask *task)
{
  Job *job = g_task_get_task_data (task);
  GMainContext *context = g_main_context_ref (run->context);
  Job *head;

  job->done_task = task;
  do
    {
      head = g_atomic_pointer_get (&run->done);
      job->next_done = head;
    }
  while (!g_atomic_pointer_compare_and_exchange (&run->done, head, job));

  /* A stack that was not empty has its source already, and the run may
   * be gone once that has run: only the context is used from here on. */
  if (head == NULL)
    {
      GSource *source = g_timeout_source_new (FINISHED_BATCH_MS);

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, take_finished, run, NULL);
      g_source_set_static_name (source, "[offload] finished requests");
      g_source_attach (source, context);
      g_source_unref (source);
    }
  g_main_context_unref (context);
}

static void
pool_func (gpointer data,
           gpointer user_data)
{
  g_autoptr(GTask) task = data;
  Job *job = g_task_get_task_data (task);
  Run *run = user_data;
  OffloadFetchResult *result;

  g_assert (g_atomic_int_get (&job->published));
  result = fetch_one (job, &run->next_thread);
  g_atomic_pointer_set (&job->result, result);

  /* This thread's reference goes to the main thread with the result
   * (request_done_cb drops it), so the job, its request and its session
   * are always freed on the main thread, never here. */
  hand_back (run, g_steal_pointer (&task));
}

static void
set_counter (OffloadFetchQueue *self,
             guint             *counter,
             guint              value,
             guint              prop)
{
  if (*counter == value)
    return;
  *counter = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_bytes_received (OffloadFetchQueue *self,
                    guint64            bytes)
{
  if (self->bytes_received == bytes)
    return;
  self->bytes_received = bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_RECEIVED]);
}

static void
count_result (OffloadFetchQueue   *self,
              OffloadFetchRequest *request)
{
  switch (offload_fetch_request_get_state (request))
    {
    case OFFLOAD_FETCH_STATE_FAILED:
      set_counter (self, &self->n_failed, self->n_failed + 1, PROP_N_FAILED);
      break;

    case OFFLOAD_FETCH_STATE_CANCELLED:
      set_counter (self, &self->n_cancelled, self->n_cancelled + 1, PROP_N_CANCELLED);
      break;

    case OFFLOAD_FETCH_STATE_DONE:
    case OFFLOAD_FETCH_STATE_QUEUED:
    case OFFLOAD_FETCH_STATE_CONNECTING:
    case OFFLOAD_FETCH_STATE_WAITING:
    case OFFLOAD_FETCH_STATE_RECEIVING:
    default:
      break;
    }

  set_counter (self, &self->n_finished, self->n_finished + 1, PROP_N_FINISHED);
}

static void
request_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  OffloadFetchRequest *request = OFFLOAD_FETCH_REQUEST (object);
  Run *run = user_data;
  OffloadFetchQueue *self = run->queue;
  Job *job = g_task_get_task_data (G_TASK (result));
  OffloadFetchResult *outcome;
  guint64 seen;

  g_assert (g_task_propagate_boolean (G_TASK (result), NULL));
  outcome = g_atomic_pointer_exchange (&job->result, NULL);
  g_assert (outcome != NULL);

  /* O(1) per request: the total moves by what this request added since
   * the last update, not by summing every request again (1000 requests
   * would make that a million steps). */
  seen = offload_fetch_request_get_bytes_received (request);
  offload_fetch_request_finish (request, outcome);
  set_bytes_received (self, self->bytes_received - seen
                            + offload_fetch_request_get_bytes_received (request));

  /* The worker thread's reference (pool_func). */
  g_object_unref (result);
  count_result (self, request);

  g_assert (run->n_pending > 0);
  if (--run->n_pending > 0)
    return;

  /* The last one: the run is over. */
  g_assert (self->run == run);
  self->run = NULL;

  if (g_cancellable_is_cancelled (run->cancellable))
    g_task_return_new_error (run->task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Cancelled"));
  else
    g_task_return_boolean (run->task, TRUE);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  run_free (run);
}

static void
run_cancelled_cb (GCancellable *cancellable,
                  gpointer      user_data)
{
  GPtrArray *requests = user_data;

  /* May run in any thread: g_cancellable_cancel() is thread-safe, and the
   * array is not modified while the run lives. */
  for (guint i = 0; i < requests->len; i++)
    offload_fetch_request_cancel (g_ptr_array_index (requests, i));
}

/* Whether @url may name a user or a password ("http://user:secret@host/"):
 * an "@" before the end of its authority. Some that do not (an "@" that
 * is no userinfo) answer yes too, which only costs speed. */
static gboolean
has_userinfo (const char *url)
{
  const char *authority = strstr (url, "://");

  if (authority == NULL)
    return FALSE;
  authority += 3;
  return memchr (authority, '@', strcspn (authority, "/?#")) != NULL;
}

static gboolean
any_userinfo (GPtrArray *requests)
{
  for (guint i = 0; i < requests->len; i++)
    if (has_userinfo (offload_fetch_request_get_url (g_ptr_array_index (requests, i))))
      return TRUE;
  return FALSE;
}

static SoupSession *
make_session (OffloadFetchQueue *self,
              guint              concurrency,
              gboolean           credentials)
{
  g_autofree char *user_agent = g_strdup_printf ("Offload/%s ", PACKAGE_VERSION);
  SoupSession *session;

  /* Every property before the first request: the connection limits are
   * construct-only. TLS certificates are verified by default and nothing
   * here relaxes it. */
  session = soup_session_new_with_options ("max-conns", concurrency,
                                           "max-conns-per-host", concurrency,
                                           "timeout", self->timeout,
                                           "idle-timeout", 60,
                                           "user-agent", user_agent,
                                           NULL);
  if (self->own_proxies)
    soup_session_set_proxy_resolver (session, self->proxy_resolver);
  /* The auth manager answers a 401 with the URL's user and password, and
   * has nothing else to answer with: Offload asks for no passwords. For
   * the URLs without one it only costs signal handlers made and dropped
   * on each message (4 % of 1,000 quick requests, ab.sh). */
  if (!credentials)
    soup_session_remove_feature_by_type (session, SOUP_TYPE_AUTH_MANAGER);

  return session;
}

static GPtrArray *
collect_requests (GListModel *requests)
{
  guint n = g_list_model_get_n_items (requests);
  GPtrArray *array = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      gpointer item = g_list_model_get_item (requests, i);

      g_assert (OFFLOAD_IS_FETCH_REQUEST (item));
      g_ptr_array_add (array, item);
    }

  return array;
}

static void
reset_counters (OffloadFetchQueue *self,
                guint              n_requests)
{
  set_counter (self, &self->n_requests, n_requests, PROP_N_REQUESTS);
  set_counter (self, &self->n_finished, 0, PROP_N_FINISHED);
  set_counter (self, &self->n_failed, 0, PROP_N_FAILED);
  set_counter (self, &self->n_cancelled, 0, PROP_N_CANCELLED);
  set_bytes_received (self, 0);
}

static guint run_generation;

/**
 * offload_fetch_queue_run_async:
 * @self: a queue
 * @requests: a #GListModel of #OffloadFetchRequest
 * @cancellable: (nullable): cancels the whole run
 * @callback: called when every request has finished, failed or been cancelled
 * @user_data: for @callback
 *
 * Runs the requests, @concurrency at a time, in worker threads. A request
 * that fails does not fail the run: its error is on the request.
 */
void
offload_fetch_queue_run_async (OffloadFetchQueue   *self,
                               GListModel          *requests,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Run *run;
  gint64 now;

  g_return_if_fail (OFFLOAD_IS_FETCH_QUEUE (self));
  g_return_if_fail (G_IS_LIST_MODEL (requests));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, offload_fetch_queue_run_async);

  if (self->run != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "%s", _("A fetch is already running"));
      return;
    }

  run = g_new0 (Run, 1);
  run->queue = self;
  run->task = g_steal_pointer (&task);
  run->requests = collect_requests (requests);
  run->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  run->generation = ++run_generation;
  reset_counters (self, run->requests->len);

  if (run->requests->len == 0)
    {
      g_task_return_boolean (run->task, TRUE);
      run_free (run);
      return;
    }

  /* The session's context is not the main loop's (see the top): blocking
   * sends never need it iterated. */
  run->session_context = g_main_context_new ();
  g_main_context_push_thread_default (run->session_context);
  run->session = make_session (self, self->concurrency, any_userinfo (run->requests));
  g_main_context_pop_thread_default (run->session_context);
  run->watchdog = watchdog_start ();
  run->context = g_main_context_ref_thread_default ();
  run->pool = g_thread_pool_new (pool_func, run, (int) self->concurrency,
                                 FALSE, &error);
  g_assert_no_error (error);   /* only fails for exclusive pools */
  self->run = run;

  now = g_get_monotonic_time ();
  for (guint i = 0; i < run->requests->len; i++)
    {
      OffloadFetchRequest *request = g_ptr_array_index (run->requests, i);
      Job *job = g_new0 (Job, 1);
      GTask *request_task;

      job->request = g_object_ref (request);
      job->cancellable = g_object_ref (offload_fetch_request_prepare (request, now));
      job->session = g_object_ref (run->session);
      job->watchdog = watchdog_ref (run->watchdog);
      job->max_body = self->max_body;
      job->keep_csv_dir = g_strdup (self->keep_csv_dir);
      job->no_preview = self->no_previews;
      job->timeout = self->timeout;
      job->generation = run->generation;

      /* The request is the source object, so its callback can find it. */
      request_task = g_task_new (request, NULL, request_done_cb, run);
      g_task_set_source_tag (request_task, offload_fetch_queue_run_async);
      g_task_set_task_data (request_task, job, (GDestroyNotify) job_free);
      g_atomic_int_set (&job->published, TRUE);
      run->n_pending++;
      g_thread_pool_push (run->pool, request_task, NULL);
    }

  run->cancelled_id = g_cancellable_connect (run->cancellable, G_CALLBACK (run_cancelled_cb),
                                             run->requests, NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/**
 * offload_fetch_queue_run_finish:
 * @self: a queue
 * @result: the result
 * @error: %G_IO_ERROR_CANCELLED when the run was cancelled
 *
 * Returns: %TRUE when the run ended by itself, however many requests failed
 */
gboolean
offload_fetch_queue_run_finish (OffloadFetchQueue  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_QUEUE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * offload_fetch_queue_run_blocking:
 * @self: a queue
 * @requests: a #GListModel of #OffloadFetchRequest
 * @budget_us: stop starting new requests after this long (0: no limit)
 * @cancellable: (nullable): cancels the run
 * @error: %G_IO_ERROR_CANCELLED when cancelled
 *
 * The contrast mode: the same requests, one after another, in the calling
 * thread. On the main thread this freezes the interface for as long as it
 * runs, which is the point. Requests not started within @budget_us end as
 * cancelled, with a message that says so.
 *
 * Returns: %TRUE when it ran to the end or to the budget
 */
gboolean
offload_fetch_queue_run_blocking (OffloadFetchQueue  *self,
                                  GListModel         *requests,
                                  gint64              budget_us,
                                  GCancellable       *cancellable,
                                  GError            **error)
{
  g_autoptr(GPtrArray) array = NULL;
  g_autoptr(SoupSession) session = NULL;
  Watchdog *watchdog;
  gint64 begin;

  g_return_val_if_fail (OFFLOAD_IS_FETCH_QUEUE (self), FALSE);
  g_return_val_if_fail (G_IS_LIST_MODEL (requests), FALSE);
  g_return_val_if_fail (self->run == NULL, FALSE);

  array = collect_requests (requests);
  reset_counters (self, array->len);
  session = make_session (self, 1, any_userinfo (array));
  watchdog = watchdog_start ();
  begin = g_get_monotonic_time ();

  for (guint i = 0; i < array->len; i++)
    {
      OffloadFetchRequest *request = g_ptr_array_index (array, i);
      Job job = { 0 };
      OffloadFetchResult *outcome;

      job.request = request;
      job.cancellable = offload_fetch_request_prepare (request, begin);
      job.session = session;
      job.watchdog = watchdog;
      job.max_body = self->max_body;
      job.keep_csv_dir = self->keep_csv_dir;
      job.no_preview = self->no_previews;
      job.timeout = self->timeout;

      if (cancellable != NULL && g_cancellable_is_cancelled (cancellable))
        g_cancellable_cancel (job.cancellable);

      /* The budget is a deadline too, kept by the watchdog thread, so one
       * slow request cannot stretch the freeze past it. */
      if (budget_us > 0)
        job.budget_us = budget_us - (g_get_monotonic_time () - begin);

      if (budget_us > 0 && job.budget_us <= 0)
        {
          outcome = g_new0 (OffloadFetchResult, 1);
          outcome->bytes_expected = -1;
          outcome->error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                        _("Not run: the blocking mode stops after %.1f s, "
                                          "below the 5 s after which GNOME reports the app "
                                          "as not responding"),
                                        budget_us / (double) G_USEC_PER_SEC);
        }
      else
        outcome = fetch_one (&job, NULL);

      outcome->finished = MAX (outcome->finished, outcome->started);
      offload_fetch_request_finish (request, outcome);
      count_result (self, request);
      set_bytes_received (self, self->bytes_received
                                + offload_fetch_request_get_bytes_received (request));
    }

  watchdog_stop (watchdog);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  return TRUE;
}

/**
 * offload_fetch_queue_update:
 * @self: a queue
 *
 * Pulls the progress of every running request from its worker thread and
 * notifies what changed. Call it at most once a frame (or a few times a
 * second from the command line). Main thread only.
 */
void
offload_fetch_queue_update (OffloadFetchQueue *self)
{
  guint64 bytes = 0;

  g_return_if_fail (OFFLOAD_IS_FETCH_QUEUE (self));

  if (self->run == NULL)
    return;

  for (guint i = 0; i < self->run->requests->len; i++)
    {
      OffloadFetchRequest *request = g_ptr_array_index (self->run->requests, i);

      offload_fetch_request_update (request);
      bytes += offload_fetch_request_get_bytes_received (request);
    }

  set_bytes_received (self, bytes);
}

static void
offload_fetch_queue_dispose (GObject *object)
{
  OffloadFetchQueue *self = (OffloadFetchQueue *)object;

  /* A running run holds a reference on the queue through its task, so
   * dispose never sees one. */
  g_assert (self->run == NULL);

  g_clear_pointer (&self->keep_csv_dir, g_free);
  g_clear_object (&self->proxy_resolver);

  G_OBJECT_CLASS (offload_fetch_queue_parent_class)->dispose (object);
}

static void
offload_fetch_queue_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  OffloadFetchQueue *self = OFFLOAD_FETCH_QUEUE (object);

  switch (prop_id)
    {
    case PROP_CONCURRENCY:
      g_value_set_uint (value, self->concurrency);
      break;

    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;

    case PROP_MAX_BODY:
      g_value_set_uint64 (value, self->max_body);
      break;

    case PROP_RUNNING:
      g_value_set_boolean (value, self->run != NULL);
      break;

    case PROP_N_REQUESTS:
      g_value_set_uint (value, self->n_requests);
      break;

    case PROP_N_FINISHED:
      g_value_set_uint (value, self->n_finished);
      break;

    case PROP_N_FAILED:
      g_value_set_uint (value, self->n_failed);
      break;

    case PROP_N_CANCELLED:
      g_value_set_uint (value, self->n_cancelled);
      break;

    case PROP_BYTES_RECEIVED:
      g_value_set_uint64 (value, self->bytes_received);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
offload_fetch_queue_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  OffloadFetchQueue *self = OFFLOAD_FETCH_QUEUE (object);

  switch (prop_id)
    {
    case PROP_CONCURRENCY:
      offload_fetch_queue_set_concurrency (self, g_value_get_uint (value));
      break;

    case PROP_TIMEOUT:
      offload_fetch_queue_set_timeout (self, g_value_get_uint (value));
      break;

    case PROP_MAX_BODY:
      offload_fetch_queue_set_max_body (self, g_value_get_uint64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
offload_fetch_queue_class_init (OffloadFetchQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = offload_fetch_queue_dispose;
  object_class->get_property = offload_fetch_queue_get_property;

  /* Registered here, on the main thread, not first in a worker: the
   * quark's lazy initialisation is not thread-safe. */
  (void) offload_fetch_error_quark ();
  object_class->set_property = offload_fetch_queue_set_property;

  properties[PROP_CONCURRENCY] =
    g_param_spec_uint ("concurrency", NULL, NULL,
                       OFFLOAD_FETCH_CONCURRENCY_MIN, OFFLOAD_FETCH_CONCURRENCY_MAX,
                       OFFLOAD_FETCH_CONCURRENCY_DEFAULT,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OffloadFetchQueue:timeout:
   *
   * The time limit of one request, in seconds, from connecting to the last
   * byte; also the socket timeout. 0 means none.
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       0, 24 * 3600, OFFLOAD_FETCH_TIMEOUT_DEFAULT,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_MAX_BODY] =
    g_param_spec_uint64 ("max-body", NULL, NULL,
                         1, G_MAXUINT64, OFFLOAD_FETCH_MAX_BODY_DEFAULT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_N_REQUESTS] =
    g_param_spec_uint ("n-requests", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_N_FINISHED] =
    g_param_spec_uint ("n-finished", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_N_FAILED] =
    g_param_spec_uint ("n-failed", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_N_CANCELLED] =
    g_param_spec_uint ("n-cancelled", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_BYTES_RECEIVED] =
    g_param_spec_uint64 ("bytes-received", NULL, NULL, 0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
offload_fetch_queue_init (OffloadFetchQueue *self)
{
  self->concurrency = OFFLOAD_FETCH_CONCURRENCY_DEFAULT;
  self->timeout = OFFLOAD_FETCH_TIMEOUT_DEFAULT;
  self->max_body = OFFLOAD_FETCH_MAX_BODY_DEFAULT;
}

/**
 * offload_fetch_queue_new:
 *
 * Returns: (transfer full): a queue with the default settings
 */
OffloadFetchQueue *
offload_fetch_queue_new (void)
{
  return g_object_new (OFFLOAD_TYPE_FETCH_QUEUE, NULL);
}

guint
offload_fetch_queue_get_concurrency (OffloadFetchQueue *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_QUEUE (self), 0);

  return self->concurrency;
}

/**
 * offload_fetch_queue_set_concurrency:
 * @self: a queue
 * @concurrency: requests in flight at once, 1 to 64
 *
 * Takes effect from the next run.
 */
void
offload_fetch_queue_set_concurrency (OffloadFetchQueue *self,
                                     guint              concurrency)
{
  g_return_if_fail (OFFLOAD_IS_FETCH_QUEUE (self));

  concurrency = CLAMP (concurrency, OFFLOAD_FETCH_CONCURRENCY_MIN, OFFLOAD_FETCH_CONCURRENCY_MAX);
  if (self->concurrency != concurrency)
    {
      self->concurrency = concurrency;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONCURRENCY]);
    }
}

guint
offload_fetch_queue_get_timeout (OffloadFetchQueue *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_QUEUE (self), 0);

  return self->timeout;
}

void
offload_fetch_queue_set_timeout (OffloadFetchQueue *self,
                                 guint              seconds)
{
  g_return_if_fail (OFFLOAD_IS_FETCH_QUEUE (self));

  if (self->timeout != seconds)
    {
      self->timeout = seconds;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
    }
}

/**
 * offload_fetch_queue_set_proxy_resolver:
 * @self: a queue
 * @resolver: (nullable): how to find a request's proxy; %NULL for none
 *
 * Without it, requests go through GIO's default resolver: the desktop's
 * proxy settings. Takes effect from the next run.
 */
void
offload_fetch_queue_set_proxy_resolver (OffloadFetchQueue *self,
                                        GProxyResolver    *resolver)
{
  g_return_if_fail (OFFLOAD_IS_FETCH_QUEUE (self));
  g_return_if_fail (resolver == NULL || G_IS_PROXY_RESOLVER (resolver));

  self->own_proxies = TRUE;
  g_set_object (&self->proxy_resolver, resolver);
}

/**
 * offload_fetch_queue_set_previews:
 * @self: a queue
 * @previews: whether the requests' bodies and headers are kept for the
 *   details view
 *
 * With %FALSE, bodies are read and counted but none is kept or formatted,
 * nor are the response headers copied (offload_fetch_request_get_preview()
 * and offload_fetch_request_get_headers() then say %NULL): for the command
 * line, which prints neither. Takes effect from the next run.
 */
void
offload_fetch_queue_set_previews (OffloadFetchQueue *self,
                                  gboolean           previews)
{
  g_return_if_fail (OFFLOAD_IS_FETCH_QUEUE (self));

  self->no_previews = !previews;
}

/**
 * offload_fetch_queue_set_keep_csv_dir:
 * @self: a queue
 * @dir: (nullable): where to keep CSV bodies whole (`text/csv`), for the
 *   Crunch page; %NULL keeps none
 *
 * Takes effect from the next run.
 */
void
offload_fetch_queue_set_keep_csv_dir (OffloadFetchQueue *self,
                                      const char        *dir)
{
  g_return_if_fail (OFFLOAD_IS_FETCH_QUEUE (self));

  g_free (self->keep_csv_dir);
  self->keep_csv_dir = g_strdup (dir);
}

guint64
offload_fetch_queue_get_max_body (OffloadFetchQueue *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_QUEUE (self), 0);

  return self->max_body;
}

void
offload_fetch_queue_set_max_body (OffloadFetchQueue *self,
                                  guint64            max_body)
{
  g_return_if_fail (OFFLOAD_IS_FETCH_QUEUE (self));
  g_return_if_fail (max_body > 0);

  if (self->max_body != max_body)
    {
      self->max_body = max_body;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_BODY]);
    }
}

gboolean
offload_fetch_queue_get_running (OffloadFetchQueue *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_QUEUE (self), FALSE);

  return self->run != NULL;
}

guint
offload_fetch_queue_get_n_requests (OffloadFetchQueue *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_QUEUE (self), 0);

  return self->n_requests;
}

guint
offload_fetch_queue_get_n_finished (OffloadFetchQueue *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_QUEUE (self), 0);

  return self->n_finished;
}

guint
offload_fetch_queue_get_n_failed (OffloadFetchQueue *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_QUEUE (self), 0);

  return self->n_failed;
}

guint
offload_fetch_queue_get_n_cancelled (OffloadFetchQueue *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_QUEUE (self), 0);

  return self->n_cancelled;
}

guint64
offload_fetch_queue_get_bytes_received (OffloadFetchQueue *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_QUEUE (self), 0);

  return self->bytes_received;
}
