/* test-demo-server.c: the demo server's endpoints and the sample dataset
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "offload-demo-server.h"
#include "offload-sample-data.h"

/* If a condition never comes true, fail instead of hanging. */
#define GUARD_SECONDS 30

static const char * const sample_columns[] = {
  "id", "uniform", "normal", "exponential", "lognormal", "integer_count",
  "category", "comment", "score", "flag",
};

/* ------------------------------------------------------------------------
 * A tiny RFC 4180 reader, strict on purpose: quotes only around whole
 * fields, doubled inside them, and every record ends with LF.
 * ------------------------------------------------------------------------ */

static GPtrArray *
parse_csv (const char *text,
           gsize       len)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *record = NULL;
  gsize i = 0;

  while (i < len)
    {
      g_autoptr(GString) field = g_string_new (NULL);

      if (record == NULL)
        record = g_ptr_array_new_with_free_func (g_free);

      if (text[i] == '"')
        {
          i++;
          for (;;)
            {
              g_assert_cmpuint (i, <, len);
              if (text[i] == '"')
                {
                  if (i + 1 < len && text[i + 1] == '"')
                    {
                      g_string_append_c (field, '"');
                      i += 2;
                      continue;
                    }
                  i++;
                  break;
                }
              g_string_append_c (field, text[i++]);
            }
        }
      else
        {
          while (i < len && text[i] != ',' && text[i] != '\n')
            {
              g_assert_cmpint (text[i], !=, '"');
              g_assert_cmpint (text[i], !=, '\r');
              g_string_append_c (field, text[i++]);
            }
        }

      /* After a field: a separator, or the end of the record. */
      g_assert_cmpuint (i, <, len);
      g_ptr_array_add (record, g_string_free (g_steal_pointer (&field), FALSE));

      if (text[i] == '\n')
        g_ptr_array_add (records, g_steal_pointer (&record));
      else
        g_assert_cmpint (text[i], ==, ',');
      i++;
    }

  /* The last record was terminated. */
  g_assert_null (record);

  return records;
}

static const char *
field (GPtrArray *record,
       guint      column)
{
  return g_ptr_array_index (record, column);
}

static double
parse_double_field (const char *text)
{
  char *end = NULL;
  double value;

  g_assert_cmpstr (text, !=, "");
  value = g_ascii_strtod (text, &end);
  g_assert_cmpstr (end, ==, "");

  return value;
}

/* ------------------------------------------------------------------------
 * The sample dataset
 * ------------------------------------------------------------------------ */

static void
test_sample_header (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) records = NULL;
  GPtrArray *header;

  offload_sample_data_append_header (out);
  records = parse_csv (out->str, out->len);

  g_assert_cmpuint (records->len, ==, 1);
  header = g_ptr_array_index (records, 0);
  g_assert_cmpuint (header->len, ==, OFFLOAD_SAMPLE_DATA_N_COLUMNS);
  g_assert_cmpuint (G_N_ELEMENTS (sample_columns), ==, OFFLOAD_SAMPLE_DATA_N_COLUMNS);
  for (guint i = 0; i < header->len; i++)
    g_assert_cmpstr (field (header, i), ==, sample_columns[i]);
}

static void
test_sample_deterministic (void)
{
  static const guint64 seeds[] = { 0, 1, 42, G_MAXUINT64 };

  for (guint s = 0; s < G_N_ELEMENTS (seeds); s++)
    {
      g_autoptr(GString) forward = g_string_new (NULL);
      g_autoptr(GString) backward = g_string_new (NULL);
      g_autoptr(GString) other_seed = g_string_new (NULL);
      guint same = 0;

      for (guint64 row = 0; row < 500; row++)
        offload_sample_data_append_row (forward, row, seeds[s]);

      /* Any order, one row at a time, gives the same bytes. */
      for (guint64 row = 500; row > 0; row--)
        {
          g_autoptr(GString) one = g_string_new (NULL);

          offload_sample_data_append_row (one, row - 1, seeds[s]);
          g_string_prepend (backward, one->str);
        }
      g_assert_cmpstr (forward->str, ==, backward->str);

      /* Another seed is another dataset. */
      for (guint64 row = 0; row < 500; row++)
        {
          g_autoptr(GString) a = g_string_new (NULL);
          g_autoptr(GString) b = g_string_new (NULL);

          offload_sample_data_append_row (a, row, seeds[s]);
          offload_sample_data_append_row (b, row, seeds[s] + 1);
          if (g_str_equal (a->str, b->str))
            same++;
          g_string_append (other_seed, b->str);
        }
      g_assert_cmpuint (same, ==, 0);
      g_assert_cmpstr (forward->str, !=, other_seed->str);
    }
}

static void
test_sample_rfc4180 (void)
{
  const guint n_rows = 20000;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) records = NULL;
  guint comma = 0, quote = 0, newline = 0, empty_score = 0, na = 0;
  double normal_sum = 0;
  g_autoptr(GHashTable) categories = g_hash_table_new (g_str_hash, g_str_equal);

  offload_sample_data_append_header (out);
  for (guint64 row = 0; row < n_rows; row++)
    offload_sample_data_append_row (out, row, OFFLOAD_SAMPLE_DATA_DEFAULT_SEED);

  /* LF only. (A decimal comma would break the field counts below.) */
  g_assert_null (strchr (out->str, '\r'));

  records = parse_csv (out->str, out->len);
  g_assert_cmpuint (records->len, ==, n_rows + 1);

  for (guint r = 1; r < records->len; r++)
    {
      GPtrArray *record = g_ptr_array_index (records, r);
      g_autofree char *id = g_strdup_printf ("%u", r - 1);
      const char *comment, *score, *flag;
      guint64 count;
      double value;

      g_assert_cmpuint (record->len, ==, OFFLOAD_SAMPLE_DATA_N_COLUMNS);
      g_assert_cmpstr (field (record, 0), ==, id);

      value = parse_double_field (field (record, 1));
      g_assert_cmpfloat (value, >=, 0.0);
      g_assert_cmpfloat (value, <=, 1000.0);

      normal_sum += parse_double_field (field (record, 2));

      g_assert_cmpfloat (parse_double_field (field (record, 3)), >=, 0.0);
      g_assert_cmpfloat (parse_double_field (field (record, 4)), >, 0.0);

      g_assert_true (g_ascii_string_to_unsigned (field (record, 5), 10, 0, 99, &count, NULL));

      g_hash_table_add (categories, (gpointer) field (record, 6));

      comment = field (record, 7);
      g_assert_cmpstr (comment, !=, "");
      comma += strchr (comment, ',') != NULL;
      quote += strchr (comment, '"') != NULL;
      newline += strchr (comment, '\n') != NULL;

      score = field (record, 8);
      if (*score == '\0')
        empty_score++;
      else
        {
          value = parse_double_field (score);
          g_assert_cmpfloat (value, >=, 0.0);
          g_assert_cmpfloat (value, <=, 100.0);
        }

      flag = field (record, 9);
      g_assert_true (g_str_equal (flag, "yes") || g_str_equal (flag, "no") ||
                     g_str_equal (flag, "NA"));
      na += g_str_equal (flag, "NA");
    }

  /* Each hard case of the format occurs. */
  g_assert_cmpuint (comma, >, 0);
  g_assert_cmpuint (quote, >, 0);
  g_assert_cmpuint (newline, >, 0);
  g_assert_cmpuint (na, >, 0);

  /* About 5% missing scores, 8 categories, and a normal around 50: fixed
   * numbers for this seed, checked loosely so a new generator may pass. */
  g_assert_cmpuint (empty_score, >, n_rows * 3 / 100);
  g_assert_cmpuint (empty_score, <, n_rows * 7 / 100);
  g_assert_cmpuint (g_hash_table_size (categories), ==, 8);
  g_assert_cmpfloat (normal_sum / n_rows, >, 49.0);
  g_assert_cmpfloat (normal_sum / n_rows, <, 51.0);
}

/* ------------------------------------------------------------------------
 * The server
 * ------------------------------------------------------------------------ */

typedef struct
{
  OffloadDemoServer *server;
  SoupSession       *session;
} Fixture;

static SoupSession *
new_session (void)
{
  /* Both limits are construct-only and default to 10 and 2. Loopback
   * needs no proxy, whatever the environment says. */
  return soup_session_new_with_options ("max-conns", 64,
                                        "max-conns-per-host", 64,
                                        "proxy-resolver", NULL,
                                        NULL);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->server = offload_demo_server_new ();
  g_assert_true (offload_demo_server_start (f->server, 0, &error));
  g_assert_no_error (error);

  f->session = new_session ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->session);

  offload_demo_server_stop (f->server);
  g_assert_cmpuint (offload_demo_server_get_in_flight (f->server), ==, 0);
  g_assert_finalize_object (g_steal_pointer (&f->server));
}

static char *
make_url (Fixture    *f,
          const char *path)
{
  return g_strconcat (offload_demo_server_get_base_url (f->server), path, NULL);
}

/* A sync GET, as the fetch engine's worker threads do it. */
static GBytes *
fetch (Fixture      *f,
       const char   *path,
       SoupMessage **out_msg,
       GError      **error)
{
  g_autofree char *url = make_url (f, path);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  GBytes *body;

  g_assert_nonnull (msg);
  body = soup_session_send_and_read (f->session, msg, NULL, error);

  if (out_msg != NULL)
    *out_msg = g_steal_pointer (&msg);

  return body;
}

static char *
fetch_text (Fixture    *f,
            const char *path,
            guint       expected_status,
            const char *expected_type)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = fetch (f, path, &msg, &error);
  gsize size;
  const char *data;

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, expected_status);
  if (expected_type != NULL)
    g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg),
                                                            NULL),
                     ==, expected_type);

  /* An empty body has no data at all. */
  data = g_bytes_get_data (body, &size);
  return size > 0 ? g_strndup (data, size) : g_strdup ("");
}

static void
wait_for_in_flight (OffloadDemoServer *server,
                    guint              n)
{
  gint64 deadline = g_get_monotonic_time () + GUARD_SECONDS * G_USEC_PER_SEC;

  /* The server's counters change in its own thread, a moment after the
   * client has its answer. */
  while (offload_demo_server_get_in_flight (server) != n)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for %u requests in flight (have %u)",
                 n, offload_demo_server_get_in_flight (server));
      g_usleep (1000);
    }
}

static void
test_start_stop (void)
{
  g_autoptr(OffloadDemoServer) server = offload_demo_server_new ();
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected_url = NULL;
  guint port;

  g_assert_null (offload_demo_server_get_base_url (server));
  g_assert_cmpuint (offload_demo_server_get_port (server), ==, 0);

  g_assert_true (offload_demo_server_start (server, 0, &error));
  g_assert_no_error (error);

  port = offload_demo_server_get_port (server);
  g_assert_cmpuint (port, >, 0);
  expected_url = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_assert_cmpstr (offload_demo_server_get_base_url (server), ==, expected_url);

  offload_demo_server_stop (server);
  g_assert_null (offload_demo_server_get_base_url (server));
  g_assert_cmpuint (offload_demo_server_get_port (server), ==, 0);

  /* Idempotent. */
  offload_demo_server_stop (server);
  g_assert_null (offload_demo_server_get_base_url (server));

  /* Nothing listens any more. */
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_null (connection);
  g_clear_error (&error);

  /* It can start again; dispose stops it. */
  g_assert_true (offload_demo_server_start (server, 0, &error));
  g_assert_no_error (error);
  g_assert_nonnull (offload_demo_server_get_base_url (server));
  g_assert_finalize_object (g_steal_pointer (&server));
}

static void
test_port_in_use (void)
{
  g_autoptr(OffloadDemoServer) first = offload_demo_server_new ();
  g_autoptr(OffloadDemoServer) second = offload_demo_server_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (offload_demo_server_start (first, 0, &error));
  g_assert_no_error (error);

  g_assert_false (offload_demo_server_start (second, offload_demo_server_get_port (first), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_assert_null (offload_demo_server_get_base_url (second));
  g_assert_cmpuint (offload_demo_server_get_port (second), ==, 0);
  g_clear_error (&error);

  /* Stopping a server that never started is fine. */
  offload_demo_server_stop (second);

  offload_demo_server_stop (first);
}

static void
test_index (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *text = fetch_text (f, "/", SOUP_STATUS_OK, "text/plain");

  g_assert_nonnull (strstr (text, "/delay/"));
  g_assert_nonnull (strstr (text, "/bytes/"));
  g_assert_nonnull (strstr (text, "/csv"));
}

static void
test_not_found (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *text = fetch_text (f, "/nope", SOUP_STATUS_NOT_FOUND, "text/plain");
  g_autofree char *url = make_url (f, "/");
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_str_has_prefix (text, "404"));

  g_clear_pointer (&text, g_free);
  text = fetch_text (f, "/delay/10/", SOUP_STATUS_BAD_REQUEST, "text/plain");

  /* Everything is GET. */
  body = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Allow"),
                   ==, "GET");
}

static void
test_status (Fixture       *f,
             gconstpointer  data)
{
  static const guint codes[] = { 200, 201, 299, 400, 404, 418, 429, 500, 502, 503, 599 };
  static const guint empty_codes[] = { 204, 205, 304 };
  static const char * const invalid[] = { "/status/100", "/status/199", "/status/600",
                                          "/status/abc", "/status/", "/status/-1" };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autofree char *path = g_strdup_printf ("/status/%u", codes[i]);
      g_autofree char *text = fetch_text (f, path, codes[i], "text/plain");
      g_autofree char *expected = g_strdup_printf ("%u %s", codes[i],
                                                   soup_status_get_phrase (codes[i]));

      g_assert_cmpstr (text, ==, expected);
    }

  /* No body where HTTP allows none. */
  for (guint i = 0; i < G_N_ELEMENTS (empty_codes); i++)
    {
      g_autofree char *path = g_strdup_printf ("/status/%u", empty_codes[i]);
      g_autofree char *text = fetch_text (f, path, empty_codes[i], NULL);

      g_assert_cmpstr (text, ==, "");
    }

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autofree char *text = fetch_text (f, invalid[i], SOUP_STATUS_BAD_REQUEST, "text/plain");

      g_assert_true (g_str_has_prefix (text, "400"));
    }
}

static void
test_delay (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *text = fetch_text (f, "/delay/50", SOUP_STATUS_OK, "application/json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (object, "delay_ms"), ==, 50);

  g_clear_pointer (&text, g_free);
  text = fetch_text (f, "/delay/0", SOUP_STATUS_OK, "application/json");
  g_assert_cmpstr (text, ==, "{\"delay_ms\": 0}");

  g_clear_pointer (&text, g_free);
  text = fetch_text (f, "/delay/abc", SOUP_STATUS_BAD_REQUEST, "text/plain");
  g_clear_pointer (&text, g_free);
  text = fetch_text (f, "/delay/-5", SOUP_STATUS_BAD_REQUEST, "text/plain");
}

static void
check_bytes (Fixture    *f,
             const char *path,
             guint64     expected)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = fetch (f, path, &msg, &error);
  g_autoptr(GBytes) again = NULL;
  SoupMessageHeaders *headers;

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  headers = soup_message_get_response_headers (msg);
  g_assert_cmpstr (soup_message_headers_get_content_type (headers, NULL),
                   ==, "application/octet-stream");
  g_assert_cmpint (soup_message_headers_get_content_length (headers), ==, (goffset) expected);
  g_assert_cmpuint (g_bytes_get_size (body), ==, expected);

  /* The same every time. */
  again = fetch (f, path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (body, again));
}

static void
test_bytes (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GBytes) small = NULL;
  g_autoptr(GBytes) large = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  check_bytes (f, "/bytes/0?duration_ms=0", 0);
  check_bytes (f, "/bytes/1?duration_ms=0", 1);
  check_bytes (f, "/bytes/65536?duration_ms=0", 65536);
  check_bytes (f, "/bytes/65537?duration_ms=0", 65537);
  check_bytes (f, "/bytes/1000000?duration_ms=0", 1000000);

  /* Byte i is the same in every body, whatever its size. */
  small = fetch (f, "/bytes/1000?duration_ms=0", NULL, &error);
  g_assert_no_error (error);
  large = fetch (f, "/bytes/1000000?duration_ms=0", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (small, NULL), 1000, g_bytes_get_data (large, NULL), 1000);

  /* Past the server's table of bytes, and cut in other chunks when paced:
   * still the same bytes at the same offsets. */
  {
    g_autoptr(GBytes) fast = NULL;
    g_autoptr(GBytes) paced = NULL;

    check_bytes (f, "/bytes/2500000?duration_ms=0", 2500000);
    fast = fetch (f, "/bytes/2500000?duration_ms=0", NULL, &error);
    g_assert_no_error (error);
    paced = fetch (f, "/bytes/2500000?duration_ms=50", NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (fast, paced));
    g_assert_cmpmem (g_bytes_get_data (large, NULL), 1000000,
                     g_bytes_get_data (fast, NULL), 1000000);
  }

  text = fetch_text (f, "/bytes/abc", SOUP_STATUS_BAD_REQUEST, "text/plain");
  g_clear_pointer (&text, g_free);
  text = fetch_text (f, "/bytes/4294967297", SOUP_STATUS_BAD_REQUEST, "text/plain");
  g_clear_pointer (&text, g_free);
  text = fetch_text (f, "/bytes/10?duration_ms=soon", SOUP_STATUS_BAD_REQUEST, "text/plain");
}

static void
test_bytes_paced (Fixture       *f,
                  gconstpointer  data)
{
  /* The default pacing (about 2 s), and a shorter one. */
  check_bytes (f, "/bytes/300000", 300000);
  check_bytes (f, "/bytes/1?duration_ms=100", 1);
}

static void
test_bytes_streamed (Fixture       *f,
                     gconstpointer  data)
{
  const guint64 size = 64 * 1024 * 1024 + 3;
  g_autofree char *path = g_strdup_printf ("/bytes/%" G_GUINT64_FORMAT "?duration_ms=0", size);
  g_autofree char *url = make_url (f, path);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *buffer = g_malloc (256 * 1024);
  SoupMessageHeaders *headers;
  guint64 total = 0;
  gssize n;

  /* Read as a client with bounded memory would. */
  stream = soup_session_send (f->session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  headers = soup_message_get_response_headers (msg);
  g_assert_cmpint (soup_message_headers_get_content_length (headers), ==, (goffset) size);

  while ((n = g_input_stream_read (stream, buffer, 256 * 1024, NULL, &error)) > 0)
    total += (guint64) n;
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);
  g_assert_cmpuint (total, ==, size);
}

typedef struct
{
  SoupSession *session;
  char        *url;
  GMutex      *lock;
  GCond       *cond;
  gboolean    *go;
  guint        status;
  char        *body;
} DelayClient;

static gpointer
delay_client_thread (gpointer data)
{
  DelayClient *client = data;
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, client->url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  /* All at once, as far as threads can be. */
  g_mutex_lock (client->lock);
  while (!g_atomic_int_get (client->go))
    g_cond_wait (client->cond, client->lock);
  g_mutex_unlock (client->lock);

  body = soup_session_send_and_read (client->session, msg, NULL, &error);
  g_assert_no_error (error);
  client->status = soup_message_get_status (msg);
  client->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  return NULL;
}

/* data: how many requests at once. 8 as in the fetch engine's default;
 * 48, more than GSocket's default listen backlog lets through at once. */
static void
test_peak_in_flight (Fixture       *f,
                     gconstpointer  data)
{
  guint n = GPOINTER_TO_UINT (data);
  g_autofree DelayClient *clients = g_new0 (DelayClient, n);
  g_autofree GThread **threads = g_new0 (GThread *, n);
  g_autofree char *expected = g_strdup ("{\"delay_ms\": 2000}");
  GMutex lock;
  GCond cond;
  gboolean go = FALSE;

  g_mutex_init (&lock);
  g_cond_init (&cond);

  g_assert_cmpuint (offload_demo_server_get_peak_in_flight (f->server), ==, 0);

  for (guint i = 0; i < n; i++)
    {
      clients[i] = (DelayClient) {
        .session = f->session,
        .url = make_url (f, "/delay/2000"),
        .lock = &lock,
        .cond = &cond,
        .go = &go,
      };
      threads[i] = g_thread_new ("delay-client", delay_client_thread, &clients[i]);
    }

  /* Atomic as well as locked: ThreadSanitizer cannot see GLib's GMutex. */
  g_mutex_lock (&lock);
  g_atomic_int_set (&go, TRUE);
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);

  for (guint i = 0; i < n; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (clients[i].status, ==, SOUP_STATUS_OK);
      g_assert_cmpstr (clients[i].body, ==, expected);
      g_free (clients[i].url);
      g_free (clients[i].body);
    }

  g_assert_cmpuint (offload_demo_server_get_peak_in_flight (f->server), ==, n);
  g_assert_cmpuint (offload_demo_server_get_requests_served (f->server), ==, n);

  wait_for_in_flight (f->server, 0);
  offload_demo_server_reset_peak (f->server);
  g_assert_cmpuint (offload_demo_server_get_peak_in_flight (f->server), ==, 0);

  g_mutex_clear (&lock);
  g_cond_clear (&cond);
}

static void
test_requests_served_keep_alive (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(SoupMessage) first = NULL;
  g_autoptr(SoupMessage) second = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (offload_demo_server_get_requests_served (f->server), ==, 0);

  body = fetch (f, "/status/404", &first, &error);
  g_assert_no_error (error);
  g_clear_pointer (&body, g_bytes_unref);
  body = fetch (f, "/json/records?n=3", &second, &error);
  g_assert_no_error (error);

  /* Every answer counts, and both came over one connection. */
  g_assert_cmpuint (offload_demo_server_get_requests_served (f->server), ==, 2);
  g_assert_cmpuint (soup_message_get_connection_id (first), !=, 0);
  g_assert_cmpuint (soup_message_get_connection_id (first), ==,
                    soup_message_get_connection_id (second));
}

/* The sockets this process has open: the server's and the clients'. */
static guint
count_sockets (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/fd", name, NULL);
      g_autofree char *target = g_file_read_link (path, NULL);

      n += target != NULL && g_str_has_prefix (target, "socket:");
    }

  return n;
}

/* A client that closes its kept-alive connection gets the server's side
 * closed too: no socket is left behind in CLOSE-WAIT (libsoup 3.2 left
 * one a connection, and a long demo ran out of file descriptors). */
static void
test_closed_connections_closed (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *url = make_url (f, "/delay/0");
  guint before = count_sockets ();
  gint64 deadline;

  for (guint i = 0; i < 12; i++)
    {
      g_autoptr(SoupSession) session = new_session ();
      g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GError) error = NULL;

      body = soup_session_send_and_read (session, msg, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
      /* The session goes, and its connection is closed with it. */
    }

  /* The server closes its side on its own thread, soon. */
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (count_sockets () > before && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_assert_cmpuint (count_sockets (), <=, before);

  /* And it still answers. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) body = fetch (f, "/delay/0", NULL, &error);

    g_assert_no_error (error);
  }
}

static void
test_reset (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = fetch (f, "/reset", &msg, &error);

  /* Either the read fails, or what arrived is short of what was announced. */
  if (error != NULL)
    g_test_message ("/reset: %s", error->message);
  else
    g_assert_cmpuint (g_bytes_get_size (body), <, 1048576);

  g_assert_true (error != NULL || body != NULL);

  /* The server goes on serving. */
  wait_for_in_flight (f->server, 0);
  g_free (fetch_text (f, "/", SOUP_STATUS_OK, "text/plain"));
}

/* A request in a thread of its own, for requests that do not end by
 * themselves. */
typedef struct
{
  GThread      *thread;
  SoupSession  *session;
  char         *url;
  GCancellable *cancellable;
  GBytes       *body;
  GError       *error;
} Client;

static gpointer
client_thread (gpointer data)
{
  Client *client = data;
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, client->url);

  client->body = soup_session_send_and_read (client->session, msg, client->cancellable,
                                             &client->error);

  return NULL;
}

static Client *
client_start (Fixture      *f,
              const char   *path,
              GCancellable *cancellable)
{
  Client *client = g_new0 (Client, 1);

  client->session = f->session;
  client->url = make_url (f, path);
  client->cancellable = cancellable;
  client->thread = g_thread_new ("client", client_thread, client);

  return client;
}

/* Returns the error the request ended with; the body must be NULL. */
static GError *
client_join (Client *client)
{
  GError *error;

  g_thread_join (client->thread);
  g_assert_null (client->body);
  g_assert_nonnull (client->error);

  error = g_steal_pointer (&client->error);
  g_free (client->url);
  g_free (client);

  return error;
}

static void
test_stall_cancel (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Client *client = client_start (f, "/stall", cancellable);
  g_autoptr(GError) error = NULL;

  /* The request waits in the server, paused. */
  wait_for_in_flight (f->server, 1);

  g_cancellable_cancel (cancellable);
  error = client_join (client);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* The server notices that the client went away. */
  wait_for_in_flight (f->server, 0);
  g_free (fetch_text (f, "/", SOUP_STATUS_OK, "text/plain"));
}

static void
test_stall_stop (Fixture       *f,
                 gconstpointer  data)
{
  Client *client = client_start (f, "/stall", NULL);
  g_autoptr(GError) error = NULL;

  wait_for_in_flight (f->server, 1);

  /* Stopping closes the connection under the stalled request. */
  offload_demo_server_stop (f->server);
  g_assert_cmpuint (offload_demo_server_get_in_flight (f->server), ==, 0);

  error = client_join (client);
  g_test_message ("/stall after stop: %s", error->message);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  static const char * const paths[] = { "/delay/60000", "/bytes/100000000" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      Client *client = client_start (f, paths[i], cancellable);
      g_autoptr(GError) error = NULL;

      wait_for_in_flight (f->server, 1);

      g_cancellable_cancel (cancellable);
      error = client_join (client);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

      /* Long before the delay or the body would have ended. */
      wait_for_in_flight (f->server, 0);
    }
}

static guint
count_open_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

/* How many server threads run in this process. */
static guint
count_server_threads (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/task", name, "comm", NULL);
      g_autofree char *comm = NULL;

      /* A thread that ended in the meantime has no comm to read. */
      if (g_file_get_contents (path, &comm, NULL, NULL) && g_str_equal (comm, "offload-demo\n"))
        n++;
    }

  return n;
}

static void
test_stop_leaves_nothing (void)
{
  Fixture fixture = { NULL, }, *f = &fixture;
  Client *clients[3];
  guint fds_before;

  if (!g_file_test ("/proc/self/task", G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("needs /proc");
      return;
    }

  /* A first round starts what GLib and libsoup start once per process. */
  fixture_set_up (f, NULL);
  g_free (fetch_text (f, "/", SOUP_STATUS_OK, "text/plain"));
  fixture_tear_down (f, NULL);

  fds_before = count_open_fds ();
  g_assert_cmpuint (count_server_threads (), ==, 0);

  fixture_set_up (f, NULL);
  g_assert_cmpuint (count_server_threads (), ==, 1);
  g_free (fetch_text (f, "/", SOUP_STATUS_OK, "text/plain"));

  /* Stop while requests wait on a timer, on nothing, and mid-body. */
  clients[0] = client_start (f, "/delay/60000", NULL);
  clients[1] = client_start (f, "/stall", NULL);
  clients[2] = client_start (f, "/bytes/1000000", NULL);
  wait_for_in_flight (f->server, 3);

  offload_demo_server_stop (f->server);

  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    {
      g_autoptr(GError) error = client_join (clients[i]);

      g_test_message ("request %u after stop: %s", i, error->message);
    }

  fixture_tear_down (f, NULL);

  /* No thread, no listening socket, no connection. */
  g_assert_cmpuint (count_server_threads (), ==, 0);
  g_assert_cmpuint (count_open_fds (), ==, fds_before);
}

static void
test_redirect (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = fetch (f, "/redirect/3", &msg, &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  g_assert_cmpstr (g_uri_get_path (soup_message_get_uri (msg)), ==, "/redirect/0");
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "done", 4);

  text = fetch_text (f, "/redirect/x", SOUP_STATUS_BAD_REQUEST, "text/plain");
}

static void
test_redirect_loop (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = fetch (f, "/redirect-loop", NULL, &error);

  g_assert_error (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_TOO_MANY_REDIRECTS);
  g_assert_null (body);
}

static JsonArray *
fetch_records (Fixture    *f,
               const char *path,
               JsonParser *parser)
{
  g_autofree char *text = fetch_text (f, path, SOUP_STATUS_OK, "application/json");
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));

  return json_node_get_array (json_parser_get_root (parser));
}

static void
test_json_records (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  JsonArray *array;

  array = fetch_records (f, "/json/records?n=5", parser);
  g_assert_cmpuint (json_array_get_length (array), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      JsonObject *record = json_array_get_object_element (array, i);
      g_autofree char *name = g_strdup_printf ("record-%u", i + 1);

      g_assert_cmpint (json_object_get_int_member (record, "id"), ==, i + 1);
      g_assert_cmpstr (json_object_get_string_member (record, "name"), ==, name);
      g_assert_true (JSON_NODE_HOLDS_VALUE (json_object_get_member (record, "value")));
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (record, "tags")),
                        >, 0);
      g_assert_true (JSON_NODE_HOLDS_VALUE (json_object_get_member (record, "active")));
    }

  array = fetch_records (f, "/json/records", parser);
  g_assert_cmpuint (json_array_get_length (array), ==, 100);

  array = fetch_records (f, "/json/records?n=0", parser);
  g_assert_cmpuint (json_array_get_length (array), ==, 0);

  /* Many chunks. */
  array = fetch_records (f, "/json/records?n=30000", parser);
  g_assert_cmpuint (json_array_get_length (array), ==, 30000);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 29999), "id"),
                   ==, 30000);

  text = fetch_text (f, "/json/records?n=many", SOUP_STATUS_BAD_REQUEST, "text/plain");
}

static void
test_csv (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *text = NULL;

  /* Exactly the sample dataset, across many chunks. */
  offload_sample_data_append_header (expected);
  for (guint64 row = 0; row < 5000; row++)
    offload_sample_data_append_row (expected, row, 7);
  text = fetch_text (f, "/csv?rows=5000&seed=7", SOUP_STATUS_OK, "text/csv");
  g_assert_cmpstr (text, ==, expected->str);

  /* The default: 1000 rows and the default seed. */
  g_clear_pointer (&text, g_free);
  text = fetch_text (f, "/csv", SOUP_STATUS_OK, "text/csv");
  records = parse_csv (text, strlen (text));
  g_assert_cmpuint (records->len, ==, 1001);
  g_assert_cmpstr (field (g_ptr_array_index (records, 1000), 0), ==, "999");
  g_string_truncate (expected, 0);
  offload_sample_data_append_row (expected, 0, OFFLOAD_SAMPLE_DATA_DEFAULT_SEED);
  g_assert_true (g_str_has_prefix (strchr (text, '\n') + 1, expected->str));

  g_clear_pointer (&text, g_free);
  text = fetch_text (f, "/csv?rows=0", SOUP_STATUS_OK, "text/csv");
  g_string_truncate (expected, 0);
  offload_sample_data_append_header (expected);
  g_assert_cmpstr (text, ==, expected->str);

  g_clear_pointer (&text, g_free);
  text = fetch_text (f, "/csv?rows=ten", SOUP_STATUS_BAD_REQUEST, "text/plain");
  g_clear_pointer (&text, g_free);
  text = fetch_text (f, "/csv?seed=-1", SOUP_STATUS_BAD_REQUEST, "text/plain");
}

/* Raw HTTP/1.0: no chunked encoding there, the body ends with the
 * connection. */
static void
test_http10 (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(GByteArray) received = g_byte_array_new ();
  const char request[] = "GET /csv?rows=3 HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  GOutputStream *out;
  GInputStream *in;
  guint8 buffer[4096];
  g_autofree char *text = NULL;
  const char *body;
  gssize n;

  g_socket_client_set_enable_proxy (socket_client, FALSE);
  connection = g_socket_client_connect_to_host (socket_client, "127.0.0.1",
                                                offload_demo_server_get_port (f->server),
                                                NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));

  g_output_stream_write_all (out, request, strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);

  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, &error)) > 0)
    g_byte_array_append (received, buffer, n);
  g_assert_no_error (error);

  text = g_strndup ((const char *) received->data, received->len);
  g_assert_true (g_str_has_prefix (text, "HTTP/1.0 200 OK\r\n"));
  g_assert_null (strstr (text, "chunked"));

  offload_sample_data_append_header (expected);
  for (guint64 row = 0; row < 3; row++)
    offload_sample_data_append_row (expected, row, OFFLOAD_SAMPLE_DATA_DEFAULT_SEED);
  body = strstr (text, "\r\n\r\n");
  g_assert_nonnull (body);
  g_assert_cmpstr (body + 4, ==, expected->str);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/offload/sample-data/header", test_sample_header);
  g_test_add_func ("/offload/sample-data/deterministic", test_sample_deterministic);
  g_test_add_func ("/offload/sample-data/rfc4180", test_sample_rfc4180);

  g_test_add_func ("/offload/demo-server/start-stop", test_start_stop);
  g_test_add_func ("/offload/demo-server/port-in-use", test_port_in_use);
  g_test_add_func ("/offload/demo-server/stop-leaves-nothing", test_stop_leaves_nothing);

#define ADD_WITH_DATA(path, data, func) \
  g_test_add ("/offload/demo-server/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)
#define ADD(path, func) ADD_WITH_DATA (path, NULL, func)

  ADD ("index", test_index);
  ADD ("not-found", test_not_found);
  ADD ("status", test_status);
  ADD ("delay", test_delay);
  ADD ("bytes", test_bytes);
  ADD ("bytes-paced", test_bytes_paced);
  ADD ("bytes-streamed", test_bytes_streamed);
  ADD_WITH_DATA ("peak-in-flight", GUINT_TO_POINTER (8), test_peak_in_flight);
  ADD_WITH_DATA ("peak-in-flight-many", GUINT_TO_POINTER (48), test_peak_in_flight);
  ADD ("requests-served", test_requests_served_keep_alive);
  ADD ("closed-connections-closed", test_closed_connections_closed);
  ADD ("reset", test_reset);
  ADD ("stall-cancel", test_stall_cancel);
  ADD ("stall-stop", test_stall_stop);
  ADD ("cancel", test_cancel);
  ADD ("redirect", test_redirect);
  ADD ("redirect-loop", test_redirect_loop);
  ADD ("json-records", test_json_records);
  ADD ("csv", test_csv);
  ADD ("http10", test_http10);

#undef ADD
#undef ADD_WITH_DATA

  return g_test_run ();
}
