/* test-fetch-queue.c: the fetch engine against servers on loopback
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "offload-printable.h"
#include "offload-body-preview.h"
#include "offload-demo-server.h"
#include "offload-fetch-queue.h"
#include "offload-proxy.h"
#include "offload-sample-data.h"
#include "offload-test-utils.h"

static OffloadDemoServer *server;

static char *
demo_url (const char *path)
{
  return g_strconcat (offload_demo_server_get_base_url (server), path, NULL);
}

static GListStore *
make_requests (const char *first_url,
               ...)
{
  GListStore *store = g_list_store_new (OFFLOAD_TYPE_FETCH_REQUEST);
  va_list args;

  va_start (args, first_url);
  for (const char *url = first_url; url != NULL; url = va_arg (args, const char *))
    {
      g_autoptr(OffloadFetchRequest) request = offload_fetch_request_new (url);
      g_list_store_append (store, request);
    }
  va_end (args);

  return store;
}

static GListStore *
make_repeated (const char *path,
               guint       n)
{
  GListStore *store = g_list_store_new (OFFLOAD_TYPE_FETCH_REQUEST);
  g_autofree char *url = demo_url (path);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(OffloadFetchRequest) request = offload_fetch_request_new (url);
      g_list_store_append (store, request);
    }

  return store;
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} RunResult;

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  RunResult *run = user_data;

  run->ok = offload_fetch_queue_run_finish (OFFLOAD_FETCH_QUEUE (object), result, &run->error);
  run->done = TRUE;
}

static gboolean
run_done (gpointer data)
{
  return ((RunResult *) data)->done;
}

/* Runs @requests to the end and checks that the run itself succeeded. */
static void
run_all (OffloadFetchQueue *queue,
         GListStore        *requests)
{
  RunResult run = { 0 };

  offload_fetch_queue_run_async (queue, G_LIST_MODEL (requests), NULL, run_cb, &run);
  g_assert_true (offload_fetch_queue_get_running (queue));
  offload_test_wait_for (run_done, &run, "the run to end");
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  g_assert_false (offload_fetch_queue_get_running (queue));
}

static OffloadFetchRequest *
nth (GListStore *store,
     guint       i)
{
  OffloadFetchRequest *request = g_list_model_get_item (G_LIST_MODEL (store), i);

  /* The store keeps it alive. */
  g_object_unref (request);
  return request;
}

static void
assert_failed_with (OffloadFetchRequest *request,
                    OffloadFetchError    code)
{
  const GError *error = offload_fetch_request_get_error (request);

  if (error == NULL || !g_error_matches (error, OFFLOAD_FETCH_ERROR, code))
    g_error ("%s: expected error %d, got %s", offload_fetch_request_get_url (request), code,
             error != NULL ? error->message : "success");
  g_assert_cmpint (offload_fetch_request_get_state (request), ==, OFFLOAD_FETCH_STATE_FAILED);
  g_assert_nonnull (offload_fetch_request_get_error_message (request));
}

static void
test_success (void)
{
  g_autoptr(OffloadFetchQueue) queue = offload_fetch_queue_new ();
  g_autofree char *json = demo_url ("/json/records?n=3");
  g_autofree char *delay = demo_url ("/delay/10");
  g_autofree char *bytes = demo_url ("/bytes/100000?duration_ms=0");
  g_autoptr(GListStore) requests = make_requests (json, delay, bytes, NULL);
  OffloadFetchRequest *request;

  run_all (queue, requests);
  g_assert_cmpuint (offload_fetch_queue_get_n_finished (queue), ==, 3);
  g_assert_cmpuint (offload_fetch_queue_get_n_failed (queue), ==, 0);

  request = nth (requests, 0);
  g_assert_cmpint (offload_fetch_request_get_state (request), ==, OFFLOAD_FETCH_STATE_DONE);
  g_assert_cmpuint (offload_fetch_request_get_status (request), ==, 200);
  g_assert_cmpstr (offload_fetch_request_get_content_type (request), ==, "application/json");
  g_assert_cmpint (offload_fetch_request_get_preview_kind (request), ==, OFFLOAD_PREVIEW_JSON);
  g_assert_nonnull (strstr (offload_fetch_request_get_preview (request), "\n  {"));
  g_assert_null (offload_fetch_request_get_error (request));
  g_assert_cmpfloat (offload_fetch_request_get_fraction (request), ==, 1.0);
  g_assert_nonnull (strstr (offload_fetch_request_get_headers (request), "Content-Type: "));
  g_assert_cmpint (offload_fetch_request_get_started_time (request), >=,
                   offload_fetch_request_get_queued_time (request));
  g_assert_cmpint (offload_fetch_request_get_first_byte_time (request), >=,
                   offload_fetch_request_get_started_time (request));
  g_assert_cmpint (offload_fetch_request_get_finished_time (request), >=,
                   offload_fetch_request_get_first_byte_time (request));
  g_assert_true (g_str_has_prefix (offload_fetch_request_get_thread_name (request), "fetch-"));

  request = nth (requests, 2);
  g_assert_cmpuint (offload_fetch_request_get_bytes_received (request), ==, 100000);
  g_assert_cmpint (offload_fetch_request_get_bytes_expected (request), ==, 100000);
  g_assert_cmpint (offload_fetch_request_get_preview_kind (request), ==, OFFLOAD_PREVIEW_HEX);
  g_assert_cmpuint (offload_fetch_queue_get_bytes_received (queue), >=, 100000);
}

/* Without previews (the command line), bodies are read and counted, and
 * none is kept, nor the headers (the content type still is); a failure
 * still says why. */
static void
test_no_previews (void)
{
  g_autoptr(OffloadFetchQueue) queue = offload_fetch_queue_new ();
  g_autofree char *json = demo_url ("/json/records?n=3");
  g_autofree char *bytes = demo_url ("/bytes/100000?duration_ms=0");
  g_autofree char *missing = demo_url ("/status/404");
  g_autoptr(GListStore) requests = make_requests (json, bytes, missing, NULL);

  offload_fetch_queue_set_previews (queue, FALSE);
  run_all (queue, requests);
  g_assert_cmpuint (offload_fetch_queue_get_n_finished (queue), ==, 3);
  g_assert_cmpuint (offload_fetch_queue_get_n_failed (queue), ==, 1);

  g_assert_cmpint (offload_fetch_request_get_state (nth (requests, 0)), ==,
                   OFFLOAD_FETCH_STATE_DONE);
  g_assert_cmpuint (offload_fetch_request_get_bytes_received (nth (requests, 0)), >, 0);
  g_assert_null (offload_fetch_request_get_preview (nth (requests, 0)));
  g_assert_null (offload_fetch_request_get_headers (nth (requests, 0)));
  g_assert_cmpstr (offload_fetch_request_get_content_type (nth (requests, 0)), ==,
                   "application/json");
  g_assert_cmpuint (offload_fetch_request_get_bytes_received (nth (requests, 1)), ==, 100000);
  g_assert_null (offload_fetch_request_get_preview (nth (requests, 1)));
  assert_failed_with (nth (requests, 2), OFFLOAD_FETCH_ERROR_HTTP_STATUS);
}

/* Through a proxy (the demo server takes absolute request targets): the
 * host of the URL is never looked up here, the proxy has it. */
static void
test_proxy (void)
{
  g_autoptr(OffloadFetchQueue) queue = offload_fetch_queue_new ();
  g_autoptr(GProxyResolver) proxies =
    g_simple_proxy_resolver_new (offload_demo_server_get_base_url (server), NULL);
  g_autoptr(GListStore) requests = make_requests ("http://offload.invalid/delay/0", NULL);

  offload_fetch_queue_set_proxy_resolver (queue, proxies);
  run_all (queue, requests);
  g_assert_cmpint (offload_fetch_request_get_state (nth (requests, 0)), ==,
                   OFFLOAD_FETCH_STATE_DONE);
  g_assert_cmpuint (offload_fetch_request_get_status (nth (requests, 0)), ==, 200);
}

/* A proxy that refuses is named as the culprit, not the server. */
static void
test_proxy_refused (void)
{
  g_autoptr(OffloadFetchQueue) queue = offload_fetch_queue_new ();
  g_autoptr(GProxyResolver) proxies = g_simple_proxy_resolver_new ("http://127.0.0.1:1", NULL);
  g_autofree char *direct = demo_url ("/delay/0");
  g_autoptr(GListStore) requests = make_requests (direct, NULL);

  offload_fetch_queue_set_proxy_resolver (queue, proxies);
  run_all (queue, requests);
  assert_failed_with (nth (requests, 0), OFFLOAD_FETCH_ERROR_CONNECTION_REFUSED);
  g_assert_true (g_str_has_prefix (offload_fetch_request_get_error_message (nth (requests, 0)),
                                   "The proxy http://127.0.0.1:1 could not be reached"));
}

static char *
proxy_for (GProxyResolver *resolver,
           const char     *uri)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) proxies = g_proxy_resolver_lookup (resolver, uri, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (proxies);
  return g_strdup (proxies[0]);
}

#define ASSERT_PROXY(resolver, uri, expected) \
  G_STMT_START { \
    g_autofree char *found = proxy_for ((resolver), (uri)); \
    g_assert_cmpstr (found, ==, (expected)); \
  } G_STMT_END

/* The command line's proxies, read from the environment as curl reads it. */
static void
test_proxy_environment (void)
{
  const char *none[] = { "PATH=/usr/bin", NULL };
  const char *upper_http[] = { "HTTP_PROXY=http://p:1", NULL };
  const char *everything_direct[] = { "http_proxy=p:1", "no_proxy=*", NULL };
  const char *mixed[] = {
    "http_proxy=p:1", "HTTPS_PROXY=https://s:2", "ALL_PROXY=socks5://a:3",
    "NO_PROXY=example.com, .internal,10.0.0.0/8", NULL
  };
  const char *all_only[] = { "all_proxy=a:3", NULL };
  g_autoptr(GProxyResolver) resolver = NULL;

  g_assert_null (offload_proxy_resolver_from_environment (none));
  /* Upper case HTTP_PROXY is not one (CGI sets it from a request). */
  g_assert_null (offload_proxy_resolver_from_environment (upper_http));
  g_assert_null (offload_proxy_resolver_from_environment (everything_direct));

  resolver = offload_proxy_resolver_from_environment (mixed);
  g_assert_nonnull (resolver);
  ASSERT_PROXY (resolver, "http://other.org/", "http://p:1");
  ASSERT_PROXY (resolver, "https://other.org/", "https://s:2");
  ASSERT_PROXY (resolver, "ftp://other.org/", "socks5://a:3");
  ASSERT_PROXY (resolver, "http://example.com/", "direct://");
  ASSERT_PROXY (resolver, "http://www.example.com/", "direct://");
  ASSERT_PROXY (resolver, "https://a.internal/", "direct://");
  ASSERT_PROXY (resolver, "http://10.1.2.3/", "direct://");
  ASSERT_PROXY (resolver, "http://notexample.com/", "http://p:1");
  g_clear_object (&resolver);

  resolver = offload_proxy_resolver_from_environment (all_only);
  ASSERT_PROXY (resolver, "https://other.org/", "http://a:3");
}

/* CSV bodies are kept whole, for the Crunch page; nothing else is, and
 * nothing half-written stays. */
static void
test_keep_csv (void)
{
  g_autoptr(OffloadFetchQueue) queue = offload_fetch_queue_new ();
  g_autofree char *dir = g_dir_make_tmp ("offload-keep-XXXXXX", NULL);
  g_autofree char *csv = demo_url ("/csv?rows=500");
  g_autofree char *json = demo_url ("/json/records?n=3");
  g_autoptr(GListStore) requests = make_requests (csv, json, NULL);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GError) error = NULL;
  const char *kept, *name;
  guint files = 0;

  offload_fetch_queue_set_keep_csv_dir (queue, dir);
  run_all (queue, requests);

  kept = offload_fetch_request_get_kept_path (nth (requests, 0));
  g_assert_nonnull (kept);
  g_assert_true (g_str_has_prefix (kept, dir));
  g_assert_true (g_str_has_suffix (kept, ".csv"));
  g_file_get_contents (kept, &contents, NULL, &error);
  g_assert_no_error (error);
  offload_sample_data_append_header (expected);
  for (guint64 row = 0; row < 500; row++)
    offload_sample_data_append_row (expected, row, OFFLOAD_SAMPLE_DATA_DEFAULT_SEED);
  g_assert_cmpstr (contents, ==, expected->str);
  g_assert_null (offload_fetch_request_get_keep_error (nth (requests, 0)));
  g_assert_null (offload_fetch_request_get_kept_path (nth (requests, 1)));

  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_false (g_str_has_suffix (name, ".partial"));
      g_unlink (path);
      files++;
    }
  g_assert_cmpuint (files, ==, 1);
  g_rmdir (dir);
}

static guint
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  /* Bound, never listening, closed: connecting there is refused. */
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
test_errors (void)
{
  g_autoptr(OffloadFetchQueue) queue = offload_fetch_queue_new ();
  g_autofree char *refused = g_strdup_printf ("http://127.0.0.1:%u/", closed_port ());
  g_autofree char *not_found = demo_url ("/status/404");
  g_autofree char *unavailable = demo_url ("/status/503");
  g_autofree char *reset = demo_url ("/reset");
  g_autofree char *loop = demo_url ("/redirect-loop");
  g_autofree char *redirect = demo_url ("/redirect/3");
  g_autoptr(GListStore) requests =
    make_requests ("not a url at all",
                   "ftp://127.0.0.1/file",
                   "http://does-not-exist.invalid/",
                   refused, not_found, unavailable, reset, loop, redirect,
                   "http:///no-host",
                   NULL);
  const GError *error;

  run_all (queue, requests);
  g_assert_cmpuint (offload_fetch_queue_get_n_finished (queue), ==, 10);
  g_assert_cmpuint (offload_fetch_queue_get_n_failed (queue), ==, 9);

  assert_failed_with (nth (requests, 0), OFFLOAD_FETCH_ERROR_INVALID_URL);
  assert_failed_with (nth (requests, 1), OFFLOAD_FETCH_ERROR_UNSUPPORTED_SCHEME);
  assert_failed_with (nth (requests, 2), OFFLOAD_FETCH_ERROR_HOST_NOT_FOUND);
  assert_failed_with (nth (requests, 3), OFFLOAD_FETCH_ERROR_CONNECTION_REFUSED);
  assert_failed_with (nth (requests, 4), OFFLOAD_FETCH_ERROR_HTTP_STATUS);
  g_assert_cmpuint (offload_fetch_request_get_status (nth (requests, 4)), ==, 404);
  g_assert_nonnull (strstr (offload_fetch_request_get_error_message (nth (requests, 4)),
                            "404 Not Found"));
  assert_failed_with (nth (requests, 5), OFFLOAD_FETCH_ERROR_HTTP_STATUS);
  g_assert_cmpuint (offload_fetch_request_get_status (nth (requests, 5)), ==, 503);

  /* A dropped connection mid-body: reset or truncated, as the socket tells. */
  error = offload_fetch_request_get_error (nth (requests, 6));
  g_assert_nonnull (error);
  g_assert_true (g_error_matches (error, OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_CONNECTION_RESET)
                 || g_error_matches (error, OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_TRUNCATED));
  g_assert_cmpuint (offload_fetch_request_get_bytes_received (nth (requests, 6)), <, 1048576);

  assert_failed_with (nth (requests, 7), OFFLOAD_FETCH_ERROR_TOO_MANY_REDIRECTS);
  g_assert_cmpint (offload_fetch_request_get_state (nth (requests, 8)), ==,
                   OFFLOAD_FETCH_STATE_DONE);
  assert_failed_with (nth (requests, 9), OFFLOAD_FETCH_ERROR_INVALID_URL);
}

static void
test_body_cap (void)
{
  g_autoptr(OffloadFetchQueue) queue = offload_fetch_queue_new ();
  g_autofree char *big = demo_url ("/bytes/100000000?duration_ms=0");
  g_autoptr(GListStore) requests = make_requests (big, NULL);
  OffloadFetchRequest *request;

  offload_fetch_queue_set_max_body (queue, 1024 * 1024);
  run_all (queue, requests);

  request = nth (requests, 0);
  assert_failed_with (request, OFFLOAD_FETCH_ERROR_TOO_LARGE);
  /* It stopped reading one byte past the cap, not at the end of the
   * 100 MB body: memory stays bounded. The size shown is the cap's (it
   * said 1 byte more than the limit it was over). */
  g_assert_cmpuint (offload_fetch_request_get_bytes_received (request), ==, 1024 * 1024);
  g_assert_true (offload_fetch_request_get_preview_partial (request));
  g_assert_nonnull (strstr (offload_fetch_request_get_error_message (request),
                            "MiB) limit, so reading stopped there"));

  /* Any other limit (--max-body's bytes) in the sizes' units. */
  g_clear_object (&requests);
  requests = make_requests (big, NULL);
  offload_fetch_queue_set_max_body (queue, 1000000);
  run_all (queue, requests);
  request = nth (requests, 0);
  g_assert_cmpuint (offload_fetch_request_get_bytes_received (request), ==, 1000000);
  g_assert_nonnull (strstr (offload_fetch_request_get_error_message (request),
                            "larger than the 1.0"));
  g_assert_nonnull (strstr (offload_fetch_request_get_error_message (request), "MB limit"));
}

static void
test_timeouts (void)
{
  g_autoptr(OffloadFetchQueue) queue = offload_fetch_queue_new ();
  g_autofree char *stall = demo_url ("/stall");
  g_autofree char *slow = demo_url ("/bytes/1000000?duration_ms=8000");
  g_autoptr(GListStore) requests = make_requests (stall, slow, NULL);
  const GError *error;

  offload_fetch_queue_set_timeout (queue, 1);
  run_all (queue, requests);

  /* A silent server: the socket timeout or the deadline, whichever first. */
  error = offload_fetch_request_get_error (nth (requests, 0));
  g_assert_nonnull (error);
  g_assert_true (g_error_matches (error, OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_TIMEOUT)
                 || g_error_matches (error, OFFLOAD_FETCH_ERROR, OFFLOAD_FETCH_ERROR_DEADLINE));

  /* A server that keeps sending, slowly: only the deadline catches it. */
  assert_failed_with (nth (requests, 1), OFFLOAD_FETCH_ERROR_DEADLINE);
  g_assert_cmpuint (offload_fetch_request_get_bytes_received (nth (requests, 1)), <, 1000000);
}

static gboolean
bytes_arriving (gpointer data)
{
  OffloadFetchQueue *queue = data;

  offload_fetch_queue_update (queue);
  return offload_fetch_queue_get_bytes_received (queue) > 0;
}

static gboolean
server_idle (gpointer data)
{
  return offload_demo_server_get_in_flight (server) == 0;
}

static void
test_cancel_mid_body (void)
{
  g_autoptr(OffloadFetchQueue) queue = offload_fetch_queue_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *slow = demo_url ("/bytes/100000000?duration_ms=20000");
  g_autofree char *queued = demo_url ("/delay/0");
  g_autoptr(GListStore) requests = make_requests (slow, slow, queued, NULL);
  RunResult run = { 0 };

  offload_test_wait_for (server_idle, NULL, "the server to be idle");

  offload_fetch_queue_set_concurrency (queue, 2);
  offload_fetch_queue_run_async (queue, G_LIST_MODEL (requests), cancellable, run_cb, &run);
  offload_test_wait_for (bytes_arriving, queue, "the body to start arriving");
  g_assert_cmpint (offload_fetch_request_get_state (nth (requests, 0)), ==,
                   OFFLOAD_FETCH_STATE_RECEIVING);

  g_cancellable_cancel (cancellable);
  offload_test_wait_for (run_done, &run, "the cancelled run to end");
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&run.error);

  for (guint i = 0; i < 3; i++)
    {
      const GError *request_error = offload_fetch_request_get_error (nth (requests, i));

      g_assert_nonnull (request_error);
      if (!g_error_matches (request_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_error ("request %u: %s", i, request_error->message);
      g_assert_cmpint (offload_fetch_request_get_state (nth (requests, i)), ==,
                       OFFLOAD_FETCH_STATE_CANCELLED);
    }
  g_assert_cmpuint (offload_fetch_queue_get_n_cancelled (queue), ==, 3);
  g_assert_cmpuint (offload_fetch_request_get_bytes_received (nth (requests, 0)), <, 100000000);

  /* The connections were closed: the server sees nobody left. */
  offload_test_wait_for (server_idle, NULL, "the server to see the connections close");
}

static void
test_cancel_one (void)
{
  g_autoptr(OffloadFetchQueue) queue = offload_fetch_queue_new ();
  g_autofree char *stall = demo_url ("/stall");
  g_autofree char *quick = demo_url ("/delay/0");
  g_autoptr(GListStore) requests = make_requests (stall, quick, NULL);
  RunResult run = { 0 };

  offload_fetch_queue_run_async (queue, G_LIST_MODEL (requests), NULL, run_cb, &run);
  offload_fetch_request_cancel (nth (requests, 0));
  offload_test_wait_for (run_done, &run, "the run to end");

  /* Cancelling one request is not cancelling the run. */
  g_assert_no_error (run.error);
  g_assert_cmpint (offload_fetch_request_get_state (nth (requests, 0)), ==,
                   OFFLOAD_FETCH_STATE_CANCELLED);
  g_assert_cmpint (offload_fetch_request_get_state (nth (requests, 1)), ==,
                   OFFLOAD_FETCH_STATE_DONE);
}

static void
test_thousand (void)
{
  g_autoptr(OffloadFetchQueue) queue = offload_fetch_queue_new ();
  g_autoptr(GListStore) requests = make_repeated ("/delay/0", 1000);

  offload_fetch_queue_set_concurrency (queue, 16);
  run_all (queue, requests);

  g_assert_cmpuint (offload_fetch_queue_get_n_finished (queue), ==, 1000);
  g_assert_cmpuint (offload_fetch_queue_get_n_failed (queue), ==, 0);
  for (guint i = 0; i < 1000; i++)
    g_assert_cmpint (offload_fetch_request_get_state (nth (requests, i)), ==,
                     OFFLOAD_FETCH_STATE_DONE);
}

static void
test_concurrency_reached (gconstpointer data)
{
  guint n = GPOINTER_TO_UINT (data);
  g_autoptr(OffloadFetchQueue) queue = offload_fetch_queue_new ();
  /* 2 s each, so that all N are surely in flight together even on a slow
   * (sanitized, loaded) machine; twice N, so that "never more" is tested. */
  g_autoptr(GListStore) requests = make_repeated ("/delay/2000", 2 * n);

  offload_test_wait_for (server_idle, NULL, "the server to be idle");
  offload_demo_server_reset_peak (server);

  offload_fetch_queue_set_concurrency (queue, n);
  run_all (queue, requests);

  /* Exactly N at once: never more, and really that many. */
  g_assert_cmpuint (offload_fetch_queue_get_n_failed (queue), ==, 0);
  g_assert_cmpuint (offload_demo_server_get_peak_in_flight (server), ==, n);
}

static void
test_blocking_mode (void)
{
  g_autoptr(OffloadFetchQueue) queue = offload_fetch_queue_new ();
  g_autofree char *quick = demo_url ("/delay/0");
  g_autofree char *slow = demo_url ("/delay/2000");
  g_autoptr(GListStore) requests = make_requests (quick, slow, quick, NULL);
  g_autoptr(GError) error = NULL;
  const GError *stopped, *skipped;

  /* A 500 ms budget: the first request fits, the slow one is stopped when
   * the budget runs out (not when it ends), the last is not run at all. */
  g_assert_true (offload_fetch_queue_run_blocking (queue, G_LIST_MODEL (requests),
                                                   500 * 1000, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpint (offload_fetch_request_get_state (nth (requests, 0)), ==,
                   OFFLOAD_FETCH_STATE_DONE);
  g_assert_cmpstr (offload_fetch_request_get_thread_name (nth (requests, 0)), ==, "main");

  stopped = offload_fetch_request_get_error (nth (requests, 1));
  g_assert_error (stopped, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (stopped->message, "time limit"));

  skipped = offload_fetch_request_get_error (nth (requests, 2));
  g_assert_error (skipped, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (skipped->message, "blocking mode"));

  g_assert_cmpuint (offload_fetch_queue_get_n_cancelled (queue), ==, 2);
  g_assert_cmpuint (offload_fetch_queue_get_n_finished (queue), ==, 3);
}

/* A TLS server with a self-signed certificate: never trusted. */
static void
test_tls_untrusted (void)
{
  g_autofree char *cert = g_test_build_filename (G_TEST_DIST, "data", "self-signed-cert.pem", NULL);
  g_autofree char *key = g_test_build_filename (G_TEST_DIST, "data", "self-signed-key.pem", NULL);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(SoupServer) tls_server = NULL;
  g_autoptr(OffloadFetchQueue) queue = offload_fetch_queue_new ();
  g_autoptr(GListStore) requests = NULL;
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;
  g_autofree char *url = NULL;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend (glib-networking)");
      return;
    }

  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);
  tls_server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_listen_local (tls_server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS,
                            &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (tls_server);
  url = g_strdup_printf ("https://127.0.0.1:%d/", g_uri_get_port (uris->data));

  requests = make_requests (url, NULL);
  run_all (queue, requests);

  assert_failed_with (nth (requests, 0), OFFLOAD_FETCH_ERROR_TLS);
  g_assert_nonnull (strstr (offload_fetch_request_get_error_message (nth (requests, 0)),
                            "certificate of 127.0.0.1"));
  g_assert_nonnull (strstr (offload_fetch_request_get_error_message (nth (requests, 0)),
                            "is not trusted"));

  /* The other way round, http:// for the TLS port: the server hangs up
   * without a word of HTTP, and the message says what most likely
   * happened. */
  g_free (url);
  url = g_strdup_printf ("http://127.0.0.1:%d/", g_uri_get_port (uris->data));
  g_clear_object (&requests);
  requests = make_requests (url, NULL);
  run_all (queue, requests);
  g_assert_cmpint (offload_fetch_request_get_state (nth (requests, 0)), ==,
                   OFFLOAD_FETCH_STATE_FAILED);
  g_assert_nonnull (strstr (offload_fetch_request_get_error_message (nth (requests, 0)),
                            "If it serves HTTPS on this port, use an https:// address."));
}

/* What the window and the readable table show of a URL: no password. */
static void
test_hide_password (void)
{
  static const struct { const char *url, *shown; } cases[] = {
    { "http://user:secret@example.com/a?b#c", "http://user:•••@example.com/a?b#c" },
    { "https://user:p%40ss@example.com:8443", "https://user:•••@example.com:8443" },
    { "http://user@example.com/", "http://user@example.com/" },
    { "http://user:@example.com/", "http://user:@example.com/" },
    { "http://:secret@example.com/", "http://:•••@example.com/" },
    { "http://us:er:p@ss@example.com/x@y", "http://us:•••@example.com/x@y" },
    { "http://example.com/path?mail=a:b@c", "http://example.com/path?mail=a:b@c" },
    { "http://example.com:8080/", "http://example.com:8080/" },
    { "not a url: a:b@c", "not a url: a:b@c" },
    { "", "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *shown = offload_url_hide_password (cases[i].url);

      g_assert_cmpstr (shown, ==, cases[i].shown);
    }
}

/* A URL typed without http://: what it most likely meant, or nothing. */
static void
test_url_suggest (void)
{
  static const struct { const char *text, *suggested; } cases[] = {
    { "localhost:8080/x", "http://localhost:8080/x" },
    { "localhost:8080", "http://localhost:8080" },
    { "127.0.0.1:18080/delay/1", "http://127.0.0.1:18080/delay/1" },
    { "example.org/api?q=1", "https://example.org/api?q=1" },
    { "example.org", "https://example.org" },
    { "printer.local/status", "http://printer.local/status" },
    { "app.localhost/x", "http://app.localhost/x" },
    { "192.168.1.2/x", "http://192.168.1.2/x" },
    { "myhost:8080", "http://myhost:8080" },
    { "[::1]:8080/", "http://[::1]:8080/" },
    { "localhost/x", "http://localhost/x" },
    { "LOCALHOST", "http://LOCALHOST" },
    { "example.org:443/a", "https://example.org:443/a" },
    { "example.org:4430/a", "http://example.org:4430/a" },
    { "localhostx/y", NULL },
    { "hello", NULL },
    { "hello world", NULL },
    { "localhost:", NULL },
    { "localhost:abc/x", NULL },
    { "ftp://example.org/x", NULL },
    { "mailto:a@example.org", NULL },
    { "id,name", NULL },
    { "", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *suggested = offload_url_suggest (cases[i].text);

      g_assert_cmpstr (suggested, ==, cases[i].suggested);
    }

  /* A line of a list: words when each has a scheme, else the line. */
  {
    g_auto(GStrv) two = offload_url_line_split ("https://a/1 \thttp://b/2");
    g_auto(GStrv) one = offload_url_line_split ("http://exa mple.com/a b");
    g_auto(GStrv) none = offload_url_line_split ("");
    g_auto(GStrv) latin1 = offload_url_line_split ("http://a/caf\xe9");

    g_assert_cmpstrv (two, ((const char *[]) { "https://a/1", "http://b/2", NULL }));
    g_assert_cmpstrv (one, ((const char *[]) { "http://exa mple.com/a b", NULL }));
    g_assert_cmpstrv (none, ((const char *[]) { NULL }));
    g_assert_cmpstrv (latin1, ((const char *[]) { "http://a/caf\xef\xbf\xbd", NULL }));
  }

  g_assert_true (offload_url_is_web ("HTTPS://example.org/"));
  g_assert_true (offload_url_is_web ("http://x"));
  g_assert_false (offload_url_is_web ("localhost:8080/x"));
  g_assert_false (offload_url_is_web ("httpx://x"));
}

/* An https:// address for the demo server's plain HTTP port fails at once
 * as a TLS error that says so, not after the time limit: the server answers
 * the handshake with a plain 400, as other HTTP servers do. */
static void
test_https_to_http_port (void)
{
  g_autoptr(OffloadFetchQueue) queue = offload_fetch_queue_new ();
  g_autoptr(GListStore) requests = NULL;
  g_autofree char *url = NULL;
  g_autofree char *plain = demo_url ("/delay/0");
  const char *message;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend (glib-networking)");
      return;
    }

  url = g_strdup_printf ("https://127.0.0.1:%u/delay/0", offload_demo_server_get_port (server));
  requests = make_requests (url, plain, NULL);
  offload_fetch_queue_set_timeout (queue, 20);
  run_all (queue, requests);

  assert_failed_with (nth (requests, 0), OFFLOAD_FETCH_ERROR_TLS);
  message = offload_fetch_request_get_error_message (nth (requests, 0));
  g_assert_nonnull (strstr (message, "did not set up TLS"));
  g_assert_nonnull (strstr (message, "http://"));
  g_assert_null (strstr (message, "certificate"));
  /* The same connection pool serves the next request as before. */
  g_assert_cmpint (offload_fetch_request_get_state (nth (requests, 1)), ==,
                   OFFLOAD_FETCH_STATE_DONE);
}

/* A server's error page sent as CSV, its reason phrase and a header in
 * bytes that are not UTF-8. */
static void
raw_error_handler (SoupServer        *soup_server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  static const char body[] = "error,code\nno such table,404\n";

  soup_server_message_set_status (msg, 500, "Fehler \xff\xfe \xe2\x80\xae" "evil");
  soup_message_headers_append (soup_server_message_get_response_headers (msg), "X-Raw",
                               "caf\xe9");
  soup_message_headers_append (soup_server_message_get_response_headers (msg), "X-Evil",
                               "a\x1b[2Jb");
  soup_server_message_set_response (msg, "text/csv", SOUP_MEMORY_STATIC, body, strlen (body));
}

/* What a server says reaches the window and the JSON lines as valid UTF-8,
 * and its error page is not offered to Crunch as data. */
static void
test_server_bytes (void)
{
  g_autoptr(SoupServer) raw_server = soup_server_new (NULL, NULL);
  g_autoptr(OffloadFetchQueue) queue = offload_fetch_queue_new ();
  g_autofree char *dir = g_dir_make_tmp ("offload-keep-XXXXXX", NULL);
  g_autoptr(GListStore) requests = NULL;
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;
  g_autofree char *url = NULL;
  OffloadFetchRequest *request;
  const char *message, *headers;

  soup_server_add_handler (raw_server, NULL, raw_error_handler, NULL, NULL);
  soup_server_listen_local (raw_server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (raw_server);
  url = g_strdup_printf ("http://127.0.0.1:%d/table.csv", g_uri_get_port (uris->data));

  offload_fetch_queue_set_keep_csv_dir (queue, dir);
  requests = make_requests (url, NULL);
  run_all (queue, requests);

  request = nth (requests, 0);
  assert_failed_with (request, OFFLOAD_FETCH_ERROR_HTTP_STATUS);
  message = offload_fetch_request_get_error_message (request);
  g_assert_true (g_utf8_validate (message, -1, NULL));
  g_assert_true (g_str_has_prefix (message, "The server answered 500 Fehler "));
  g_assert_true (g_utf8_validate (offload_fetch_request_get_reason (request), -1, NULL));
  headers = offload_fetch_request_get_headers (request);
  g_assert_true (g_utf8_validate (headers, -1, NULL));
  g_assert_nonnull (strstr (headers, "X-Raw: caf"));
  /* Control characters and the marks that reorder text are written out,
   * not obeyed (the window showed "\u202eevil" as "live"). */
  g_assert_nonnull (strstr (headers, "X-Evil: a\\x1b[2Jb\n"));
  g_assert_nonnull (strstr (offload_fetch_request_get_reason (request), "\\u202eevil"));
  g_assert_nonnull (strstr (message, "\\u202eevil"));
  /* The body is still there to read, in the details. */
  g_assert_nonnull (strstr (offload_fetch_request_get_preview (request), "no such table"));
  g_assert_null (offload_fetch_request_get_kept_path (request));
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A gzip body: Content-Length counts compressed bytes, we count decoded
 * ones; that is no truncation. */
static void
gzip_handler (SoupServer        *soup_server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  static const char body[] = "{\"ok\": 1, \"text\": \"a body that compresses well, well, well\"}";
  guint8 out[512];
  gsize read = 0, written = 0;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  g_converter_convert (G_CONVERTER (compressor), body, strlen (body), out, sizeof out,
                       G_CONVERTER_INPUT_AT_END, &read, &written, NULL);
  soup_message_headers_replace (headers, "Content-Encoding", "gzip");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    (const char *) out, written);
}

static void
test_gzip (void)
{
  g_autoptr(SoupServer) gzip_server = soup_server_new (NULL, NULL);
  g_autoptr(OffloadFetchQueue) queue = offload_fetch_queue_new ();
  g_autoptr(GListStore) requests = NULL;
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;
  g_autofree char *url = NULL;
  OffloadFetchRequest *request;

  soup_server_add_handler (gzip_server, NULL, gzip_handler, NULL, NULL);
  soup_server_listen_local (gzip_server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (gzip_server);
  url = g_strdup_printf ("http://127.0.0.1:%d/", g_uri_get_port (uris->data));

  requests = make_requests (url, NULL);
  run_all (queue, requests);

  request = nth (requests, 0);
  g_assert_null (offload_fetch_request_get_error (request));
  g_assert_cmpint (offload_fetch_request_get_state (request), ==, OFFLOAD_FETCH_STATE_DONE);
  g_assert_cmpint (offload_fetch_request_get_preview_kind (request), ==, OFFLOAD_PREVIEW_JSON);
}

static void
private_handler (SoupServer        *soup_server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "secret", 6);
}

static gboolean
check_password (SoupAuthDomain    *domain,
                SoupServerMessage *msg,
                const char        *username,
                const char        *password,
                gpointer           user_data)
{
  return g_str_equal (username, "ada") && g_str_equal (password, "lovelace");
}

/* A URL's user and password answer a server that asks for them (HTTP
 * Basic); without them, or with a wrong one, the request fails with 401. */
static void
test_credentials (void)
{
  g_autoptr(SoupServer) auth_server = soup_server_new (NULL, NULL);
  g_autoptr(SoupAuthDomain) domain = soup_auth_domain_basic_new ("realm", "Offload", NULL);
  g_autoptr(OffloadFetchQueue) queue = offload_fetch_queue_new ();
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;
  g_autofree char *with = NULL, *without = NULL, *wrong = NULL;
  guint port;

  soup_auth_domain_add_path (domain, "/private");
  soup_auth_domain_basic_set_auth_callback (domain, check_password, NULL, NULL);
  soup_server_add_auth_domain (auth_server, domain);
  soup_server_add_handler (auth_server, "/private", private_handler, NULL, NULL);
  soup_server_listen_local (auth_server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (auth_server);
  port = (guint) g_uri_get_port (uris->data);
  with = g_strdup_printf ("http://ada:lovelace@127.0.0.1:%u/private", port);
  without = g_strdup_printf ("http://127.0.0.1:%u/private", port);
  wrong = g_strdup_printf ("http://ada:babbage@127.0.0.1:%u/private", port);

  /* Each in a run of its own: a session keeps what authenticated, and
   * sends it again to the same place. */
  {
    g_autoptr(GListStore) requests = make_requests (with, NULL);

    run_all (queue, requests);
    g_assert_null (offload_fetch_request_get_error (nth (requests, 0)));
    g_assert_cmpuint (offload_fetch_request_get_status (nth (requests, 0)), ==, 200);
  }
  {
    g_autoptr(GListStore) requests = make_requests (wrong, NULL);

    run_all (queue, requests);
    assert_failed_with (nth (requests, 0), OFFLOAD_FETCH_ERROR_HTTP_STATUS);
    g_assert_cmpuint (offload_fetch_request_get_status (nth (requests, 0)), ==, 401);
  }
  {
    g_autoptr(GListStore) requests = make_requests (without, NULL);

    run_all (queue, requests);
    assert_failed_with (nth (requests, 0), OFFLOAD_FETCH_ERROR_HTTP_STATUS);
    g_assert_cmpuint (offload_fetch_request_get_status (nth (requests, 0)), ==, 401);
  }
}

static guint
count_threads (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static gboolean
threads_back_to (gpointer data)
{
  return count_threads () <= GPOINTER_TO_UINT (data);
}

/* Nothing keeps running in the background: quick blocking runs used to
 * leave their deadline thread behind when it was told to stop before it
 * had started its loop. */
static void
test_no_threads_left (void)
{
  g_autoptr(OffloadFetchQueue) queue = offload_fetch_queue_new ();
  guint before = count_threads ();

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(GListStore) requests = make_requests ("not a url", NULL);
      g_autoptr(GError) error = NULL;

      offload_fetch_queue_run_blocking (queue, G_LIST_MODEL (requests), 0, NULL, &error);
      g_assert_no_error (error);
    }

  offload_test_wait_for (threads_back_to, GUINT_TO_POINTER (before), "the deadline threads to end");
}

static void
test_preview (void)
{
  static const guint8 binary[] = { 0x00, 0x01, 0xff, 'A', 'B' };
  static const guint8 two_lines[] = {
    0x00, 0x01, 0xff, 'A', 'B', 0x10, 0x11, 0x12, 0x13, 0x14,
    0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e,
  };
  static const char json[] = "{\"a\":[1,2],\"b\":\"x\"}";
  static const char text[] = "hello, world\n";
  /* "é" cut in half at the end of an incomplete preview is still text. */
  static const char cut[] = "caf\xc3";
  OffloadPreviewKind kind;
  g_autofree char *pretty = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *lines = NULL;
  g_autofree char *partial = NULL;
  g_autofree char *not_json = NULL;

  pretty = offload_body_preview ((const guint8 *) json, strlen (json), TRUE,
                                 "application/json", &kind);
  g_assert_cmpint (kind, ==, OFFLOAD_PREVIEW_JSON);
  g_assert_nonnull (strstr (pretty, "\n  \"a\": [\n"));

  /* Laid out again, every token as it came: 9.83, not 9.8300000000000001;
   * brackets and commas inside strings are text; empty ones stay {}. */
  {
    static const char body[] =
      " {\"v\": 9.83, \"big\":1e20,\"s\":\"a, [b] {\\\"c\\\"}\", \"e\": { }, \"l\":[ ],"
      "\"n\":[[1,-0.0],null,true]}\n";
    g_autofree char *laid_out = offload_body_preview ((const guint8 *) body, strlen (body), TRUE,
                                                      "application/json", &kind);

    g_assert_cmpint (kind, ==, OFFLOAD_PREVIEW_JSON);
    g_assert_cmpstr (laid_out, ==,
                     "{\n"
                     "  \"v\": 9.83,\n"
                     "  \"big\": 1e20,\n"
                     "  \"s\": \"a, [b] {\\\"c\\\"}\",\n"
                     "  \"e\": {},\n"
                     "  \"l\": [],\n"
                     "  \"n\": [\n"
                     "    [\n"
                     "      1,\n"
                     "      -0.0\n"
                     "    ],\n"
                     "    null,\n"
                     "    true\n"
                     "  ]\n"
                     "}");
  }

  plain = offload_body_preview ((const guint8 *) text, strlen (text), TRUE, "text/plain", &kind);
  g_assert_cmpint (kind, ==, OFFLOAD_PREVIEW_TEXT);
  g_assert_cmpstr (plain, ==, text);

  hex = offload_body_preview (binary, sizeof binary, TRUE, NULL, &kind);
  g_assert_cmpint (kind, ==, OFFLOAD_PREVIEW_HEX);
  g_assert_true (g_str_has_prefix (hex, "00000000  00 01 ff 41 42"));
  g_assert_nonnull (strstr (hex, "|...AB|"));

  /* A whole line and a short one, to the byte. */
  lines = offload_body_preview (two_lines, sizeof two_lines, TRUE, NULL, &kind);
  g_assert_cmpint (kind, ==, OFFLOAD_PREVIEW_HEX);
  g_assert_cmpstr (lines, ==,
                   "00000000  00 01 ff 41 42 10 11 12  13 14 15 16 17 18 19 1a  |...AB...........|\n"
                   "00000010  1b 1c 1d 1e                                       |....|\n");

  partial = offload_body_preview ((const guint8 *) cut, strlen (cut), FALSE, "text/plain", &kind);
  g_assert_cmpint (kind, ==, OFFLOAD_PREVIEW_TEXT);
  g_assert_cmpstr (partial, ==, "caf");

  /* Text in the charset it declares: read in it, not shown as hex. */
  {
    static const guint8 latin1[] = "Gr\xfc\xdf" "e caf\xe9";
    g_autofree char *text_latin1 = NULL;
    g_autofree char *cut_latin1 = NULL;
    g_autofree char *unknown = NULL;

    text_latin1 = offload_body_preview (latin1, sizeof latin1 - 1, TRUE,
                                        "text/plain; charset=ISO-8859-1", &kind);
    g_assert_cmpint (kind, ==, OFFLOAD_PREVIEW_TEXT);
    g_assert_cmpstr (text_latin1, ==, "Grüße café");
    cut_latin1 = offload_body_preview (latin1, sizeof latin1 - 1, FALSE,
                                       "text/html;charset=\"windows-1252\"", &kind);
    g_assert_cmpint (kind, ==, OFFLOAD_PREVIEW_TEXT);
    g_assert_cmpstr (cut_latin1, ==, "Grüße café");
    /* Labelled Latin-1, sent as windows-1252, read as browsers do. */
    {
      static const guint8 dash[] = "a \x96 b \x93q\x94";
      g_autofree char *text_dash = offload_body_preview (dash, sizeof dash - 1, TRUE,
                                                         "text/plain; charset=iso-8859-1",
                                                         &kind);

      g_assert_cmpint (kind, ==, OFFLOAD_PREVIEW_TEXT);
      g_assert_cmpstr (text_dash, ==, "a – b “q”");
    }
    /* A charset nobody knows: what the bytes are, as before. */
    unknown = offload_body_preview (latin1, sizeof latin1 - 1, TRUE,
                                    "text/plain; charset=x-no-such-charset", &kind);
    g_assert_cmpint (kind, ==, OFFLOAD_PREVIEW_HEX);
  }

  /* The start of a longer JSON body (minified, past what is kept) is
   * laid out too, to where it was cut, and a character cut in half there
   * is left out; text that only starts like JSON stays text. */
  {
    static const char start[] = "[{\"id\":1,\"name\":\"caf\xc3\xa9\"},{\"id\":2,\"name\":\"caf\xc3";
    g_autofree char *laid_out = offload_body_preview ((const guint8 *) start, strlen (start),
                                                      FALSE, "application/json", &kind);
    g_autofree char *not_shaped = NULL;

    g_assert_cmpint (kind, ==, OFFLOAD_PREVIEW_JSON);
    g_assert_cmpstr (laid_out, ==,
                     "[\n"
                     "  {\n"
                     "    \"id\": 1,\n"
                     "    \"name\": \"café\"\n"
                     "  },\n"
                     "  {\n"
                     "    \"id\": 2,\n"
                     "    \"name\": \"caf");
    not_shaped = offload_body_preview ((const guint8 *) "[see below] more text", 21, FALSE,
                                       NULL, &kind);
    g_assert_cmpint (kind, ==, OFFLOAD_PREVIEW_TEXT);
    g_assert_cmpstr (not_shaped, ==, "[see below] more text");
  }

  /* Broken JSON falls back to text, and says nothing false. */
  not_json = offload_body_preview ((const guint8 *) "{oops", 5, TRUE, "application/json", &kind);
  g_assert_cmpint (kind, ==, OFFLOAD_PREVIEW_TEXT);

  g_assert_null (offload_body_preview (NULL, 0, TRUE, NULL, &kind));
  g_assert_cmpint (kind, ==, OFFLOAD_PREVIEW_NONE);

  /* 200,000 levels of nesting would overflow json-glib's recursion (and
   * 1000 would make a 262 MB preview): shown as the text it is. */
  {
    gsize depth = 200000;
    g_autofree char *deep = g_malloc (depth);
    g_autofree char *shown = NULL;

    memset (deep, '[', depth);
    shown = offload_body_preview ((const guint8 *) deep, depth, TRUE, "application/json", &kind);
    g_assert_cmpint (kind, ==, OFFLOAD_PREVIEW_TEXT);
    g_assert_cmpuint (strlen (shown), ==, depth);
  }

  /* json-glib takes comments and single quotes, which must not hide the
   * nesting from the count: "/" "* \" *" "/" then 100,000 levels parsed as
   * a string's would overflow the fetch thread's stack. */
  {
    gsize depth = 100000;
    g_autoptr(GString) hidden = g_string_new ("/* \" */ ");
    g_autofree char *shown = NULL;
    g_autofree char *quoted = NULL;

    for (gsize i = 0; i < depth; i++)
      g_string_append_c (hidden, '[');
    for (gsize i = 0; i < depth; i++)
      g_string_append_c (hidden, ']');
    g_string_append (hidden, " /* \" */");
    shown = offload_body_preview ((const guint8 *) hidden->str, hidden->len, TRUE,
                                  "application/json", &kind);
    g_assert_cmpint (kind, ==, OFFLOAD_PREVIEW_TEXT);
    g_assert_cmpstr (shown, ==, hidden->str);

    quoted = offload_body_preview ((const guint8 *) "{'a': 1}", 8, TRUE, "application/json",
                                   &kind);
    g_assert_cmpint (kind, ==, OFFLOAD_PREVIEW_TEXT);
  }

  /* 100,000 numbers 60 deep: each on a line indented 120 spaces would be
   * 12 MB from 200 KB, so it is shown as it came, never formatted. */
  {
    g_autoptr(GString) wide = g_string_new (NULL);
    g_autofree char *shown = NULL;

    for (guint i = 0; i < 60; i++)
      g_string_append_c (wide, '[');
    for (guint i = 0; i < 100000; i++)
      g_string_append (wide, "0,");
    g_string_append_c (wide, '0');
    for (guint i = 0; i < 60; i++)
      g_string_append_c (wide, ']');
    shown = offload_body_preview ((const guint8 *) wide->str, wide->len, TRUE,
                                  "application/json", &kind);
    g_assert_cmpint (kind, ==, OFFLOAD_PREVIEW_TEXT);
    g_assert_cmpuint (strlen (shown), ==, wide->len);
  }
}

/* Text from outside, as it may be shown: valid UTF-8, control characters
 * and the marks that reorder text written out; the rest as it was. */
static void
test_printable (void)
{
  static const struct {
    const char *text;
    const char *shown;
  } cases[] = {
    { "", "" },
    { "plain café 日本", "plain café 日本" },
    { "a\nb\r\tc", "a\\nb\\r\\tc" },
    { "\x1b[2J\x7f", "\\x1b[2J\\x7f" },
    { "\xe2\x80\xae" "evil", "\\u202eevil" },
    { "line\xe2\x80\xa8sep", "line\\u2028sep" },
    { "bad \xff byte", "bad \xef\xbf\xbd byte" },
    { "back\\slash", "back\\slash" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *shown = offload_printable (cases[i].text);

      g_assert_cmpstr (shown, ==, cases[i].shown);
    }
}

/* Long lines in pieces for the details view: after a space or a comma
 * near the end of a piece, else at the limit, characters whole; short
 * lines and line breaks as they were. */
static void
test_preview_break_lines (void)
{
  static const struct {
    const char *text;
    const char *broken;
  } cases[] = {
    { "", "" },
    { "short\nlines\n", "short\nlines\n" },
    { "abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrst\nuvwxyz" },
    { "abcdefghijklmnopqrst", "abcdefghijklmnopqrst" },
    { "abcdefghijklmnopqrst\nu", "abcdefghijklmnopqrst\nu" },
    { "abcdefghijklmnopq r,stuvwxyz", "abcdefghijklmnopq r,\nstuvwxyz" },
    { "ab,cdefghijklmnopqrstuvw", "ab,cdefghijklmnopqrs\ntuvw" },
    { "éééééééééééééééééééééé", "éééééééééééééééééééé\néé" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) broken = offload_preview_break_lines (cases[i].text,
                                                               strlen (cases[i].text), 20);

      g_assert_cmpstr (broken->str, ==, cases[i].broken);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = offload_demo_server_new ();
  if (!offload_demo_server_start (server, 0, &error))
    g_error ("could not start the demo server: %s", error->message);

  g_test_add_func ("/offload/fetch/preview", test_preview);
  g_test_add_func ("/offload/fetch/preview-break-lines", test_preview_break_lines);
  g_test_add_func ("/offload/fetch/printable", test_printable);
  g_test_add_func ("/offload/fetch/success", test_success);
  g_test_add_func ("/offload/fetch/keep-csv", test_keep_csv);
  g_test_add_func ("/offload/fetch/server-bytes", test_server_bytes);
  g_test_add_func ("/offload/fetch/no-previews", test_no_previews);
  g_test_add_func ("/offload/fetch/proxy", test_proxy);
  g_test_add_func ("/offload/fetch/proxy-refused", test_proxy_refused);
  g_test_add_func ("/offload/fetch/proxy-environment", test_proxy_environment);
  g_test_add_func ("/offload/fetch/errors", test_errors);
  g_test_add_func ("/offload/fetch/body-cap", test_body_cap);
  g_test_add_func ("/offload/fetch/timeouts", test_timeouts);
  g_test_add_func ("/offload/fetch/tls-untrusted", test_tls_untrusted);
  g_test_add_func ("/offload/fetch/https-to-http-port", test_https_to_http_port);
  g_test_add_func ("/offload/fetch/hide-password", test_hide_password);
  g_test_add_func ("/offload/fetch/url-suggest", test_url_suggest);
  g_test_add_func ("/offload/fetch/cancel-mid-body", test_cancel_mid_body);
  g_test_add_func ("/offload/fetch/cancel-one", test_cancel_one);
  g_test_add_func ("/offload/fetch/thousand", test_thousand);
  g_test_add_data_func ("/offload/fetch/concurrency/1", GUINT_TO_POINTER (1),
                        test_concurrency_reached);
  g_test_add_data_func ("/offload/fetch/concurrency/8", GUINT_TO_POINTER (8),
                        test_concurrency_reached);
  g_test_add_data_func ("/offload/fetch/concurrency/32", GUINT_TO_POINTER (32),
                        test_concurrency_reached);
  g_test_add_func ("/offload/fetch/blocking-mode", test_blocking_mode);
  g_test_add_func ("/offload/fetch/gzip", test_gzip);
  g_test_add_func ("/offload/fetch/credentials", test_credentials);
  g_test_add_func ("/offload/fetch/no-threads-left", test_no_threads_left);

  ret = g_test_run ();

  offload_demo_server_stop (server);
  g_clear_object (&server);

  return ret;
}
