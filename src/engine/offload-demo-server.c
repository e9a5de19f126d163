/* offload-demo-server.c: slow, failing and large HTTP endpoints on loopback
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>

#include <libsoup/soup.h>

#include "offload-demo-server.h"
#include "offload-sample-data.h"

/* The server runs in a thread of its own with its own GMainContext, so it
 * answers even while the thread that made it is blocked: that is the point of
 * the "blocking mode" demo, and what lets tests use libsoup's sync API from
 * the test thread. Everything below the "server thread" line runs only in
 * that thread; the owner thread only starts, stops and reads counters.
 *
 * Nothing in the server thread blocks. Slow endpoints pause their message and
 * resume it from a timer; large bodies are streamed a few chunks at a time
 * (the response body does not accumulate), so memory stays bounded whatever
 * N is.
 *
 * Each request the handler takes on becomes a Request, counted "in flight"
 * until its message says "finished" or "disconnected" (libsoup emits only the
 * latter when a connection is closed under a message, as stop() and a stolen
 * connection do). Its timers and watches die with it, so none of them can
 * touch a message that is gone.
 */

/* Chunks of a streamed body, and how many may wait unsent at once. Text
 * chunks stop short of CHUNK_SIZE by more than a record or row, so their
 * GString never grows past its first allocation. */
#define CHUNK_SIZE        (64 * 1024)
#define CHUNK_FILL        (CHUNK_SIZE - 1024)
/* A /bytes body sent as fast as it can goes in larger slices: each chunk
 * is a write, and on loopback each write wakes the reader (measured, 64 x
 * 16 MiB: a quarter of the server's writes, and a third less of its CPU). */
#define FAST_CHUNK_SIZE   (256 * 1024)
#define WINDOW_CHUNKS     4
/* A paced body is topped up this often: smooth progress, few wake-ups. */
#define PACE_PERIOD_MS    50
#define MAX_DURATION_MS   (10 * 60 * 1000)
#define DEFAULT_RECORDS   100
#define DEFAULT_ROWS      1000
/* /reset promises a mebibyte and breaks off after 64 KiB. */
#define RESET_ANNOUNCED   1048576
#define RESET_SENT        (64 * 1024)
/* More than the fetch engine's top concurrency (64) opens at once. */
#define LISTEN_BACKLOG    256

/* /bytes bodies repeat the same pseudo-random mebibyte: byte @offset is
 * the same in every body, so a client can check what it got, and the data
 * does not compress (the period is far longer than deflate's window). The
 * table is made once, and chunks are slices of it: generating the bytes
 * anew took a third of the server's CPU when it served a gigabyte as fast
 * as it could (perf, 64 x 16 MiB). */
#define PATTERN_PERIOD    (1024 * 1024)

#define GOLDEN_GAMMA      G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)
#define BYTES_SEED        G_GUINT64_CONSTANT (0x6f66666c6f616421)
#define RECORDS_SEED      G_GUINT64_CONSTANT (0x7265636f72647321)

struct _OffloadDemoServer
{
  GObject          parent_instance;

  /* Owner thread: set by start(), cleared by stop(). */
  GThread         *thread;
  GMainContext    *context;
  GMainLoop       *loop;
  char            *base_url;
  guint            port;

  /* The start-up handshake: the server thread reports the port it listens
   * on, or why it could not listen. */
  GMutex           lock;
  GCond            cond;
  guint            requested_port;
  guint            listening_port;
  gboolean         reported;
  GError          *start_error;

  /* Server thread only. */
  SoupServer      *server;
  GCancellable    *cancellable;
  GBytes          *pattern;     /* PATTERN_PERIOD + FAST_CHUNK_SIZE bytes, made on first use */

  /* Written by the server thread, read from any thread. */
  gint             in_flight;
  gint             peak_in_flight;
  _Atomic guint64  requests_served;
};

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_PORT,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (OffloadDemoServer, offload_demo_server, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------
 * Server thread
 * ------------------------------------------------------------------------ */

typedef enum
{
  BODY_NONE,
  BODY_BYTES,
  BODY_RECORDS,
  BODY_CSV,
} BodyKind;

typedef struct
{
  /* Not owned: the server thread is joined before the server goes away. */
  OffloadDemoServer *self;

  /* Owned until the request is done. */
  SoupServerMessage *msg;

  GSource           *timer;     /* /delay's timeout, or /bytes' pacing */
  GSource           *watch;     /* the client hanging up while paused */
  GSource           *idle;      /* /reset takes the connection from here */

  GSocket           *socket;    /* /reset: to close it with a reset */
  GIOStream         *stolen;    /* /reset: the connection, now ours */
  GBytes            *raw;       /* /reset: what is written on it */

  BodyKind           body_kind;
  guint64            total;     /* bytes, records or rows */
  guint64            next;      /* the next byte offset, record or row */
  guint64            seed;
  guint              queued;    /* chunks appended but not written yet */
  gboolean           body_complete;
  gint64             started_us;
  guint              duration_ms;
  guint              delay_ms;

  gboolean           counted;   /* still in in_flight */
  gboolean           taken;     /* the connection is ours: done when closed */
} Request;

static inline guint64
mix64 (guint64 z)
{
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* The bytes of a /bytes body, a pure function of their offset. */
static void
fill_pseudo_random (guint8  *buf,
                    guint64  offset,
                    gsize    len)
{
  gsize i = 0;

  while (i < len)
    {
      guint64 pos = offset + i;
      guint64 word = mix64 ((pos >> 3) ^ BYTES_SEED);
      guint shift = pos & 7;

      if (shift == 0 && len - i >= 8)
        {
          guint64 le = GUINT64_TO_LE (word);

          memcpy (buf + i, &le, 8);
          i += 8;
          continue;
        }

      for (; shift < 8 && i < len; shift++, i++)
        buf[i] = (guint8) (word >> (8 * shift));
    }
}

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
request_free (Request *req)
{
  g_assert (req->msg == NULL);
  g_assert (req->timer == NULL);
  g_assert (req->watch == NULL);
  g_assert (req->idle == NULL);

  g_clear_object (&req->socket);
  g_clear_object (&req->stolen);
  g_clear_pointer (&req->raw, g_bytes_unref);
}

static Request *
request_ref (Request *req)
{
  return g_rc_box_acquire (req);
}

static void
request_unref (Request *req)
{
  g_rc_box_release_full (req, (GDestroyNotify) request_free);
}

/* Ends the request's part in the in-flight count. */
static void
request_complete (Request *req)
{
  if (!req->counted)
    return;

  req->counted = FALSE;
  g_atomic_int_add (&req->self->in_flight, -1);
}

#if !SOUP_CHECK_VERSION (3, 3, 0)
/* libsoup 3.2 does not close a kept-alive connection whose client closes
 * it while it waits for the next request (fixed in 3.3): the socket stays
 * open in CLOSE-WAIT, a file descriptor for every connection a client has
 * ever closed, until the server can accept no more. So a connection left
 * waiting is watched here, once: a hang-up closes its socket, and
 * libsoup's own pending read then ends the connection. */
#define IDLE_WATCH_KEY "offload-demo-server-idle-watch"

static gboolean
on_idle_readable (GSocket      *socket,
                  GIOCondition  condition,
                  gpointer      user_data)
{
  char byte;
  gssize n;

  if (g_socket_is_closed (socket))
    return G_SOURCE_REMOVE;

  n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return G_SOURCE_CONTINUE;   /* libsoup read what came first */

  if (n <= 0)
    g_socket_close (socket, NULL);

  /* Or the next request: libsoup's to read, and a watch again once it
   * is answered (watching on while it waits would spin). */
  g_object_set_data (G_OBJECT (socket), IDLE_WATCH_KEY, NULL);
  return G_SOURCE_REMOVE;
}

static void
watch_idle_connection (OffloadDemoServer *self,
                       SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  GSource *source;

  if (socket == NULL || g_socket_is_closed (socket)
      || g_object_get_data (G_OBJECT (socket), IDLE_WATCH_KEY) != NULL)
    return;

  source = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_name (source, "[offload] demo server idle connection");
  g_source_set_callback (source, G_SOURCE_FUNC (on_idle_readable), g_object_ref (socket),
                         g_object_unref);
  g_object_set_data (G_OBJECT (socket), IDLE_WATCH_KEY, GINT_TO_POINTER (1));
  g_source_attach (source, self->context);
  g_source_unref (source);
}
#endif

/* An https:// URL to this plain HTTP server's port: the client sends a TLS
 * handshake record and waits for the server's, while libsoup waits for a
 * request line that never comes, and both sit there until a timeout (30 s
 * for `offload fetch`, longer for curl). As other HTTP servers do, this
 * one answers the handshake with a plain 400 and closes, so the client
 * fails at once, with its TLS library's "unexpected packet". */
#define TLS_CHECKED_KEY "offload-demo-server-tls-checked"
#define TLS_HANDSHAKE_RECORD 0x16

/* TRUE once the connection's first byte has been seen (and a handshake
 * answered); FALSE while nothing has come yet. */
static gboolean
refuse_tls (GSocket *socket)
{
  static const char answer[] =
    "HTTP/1.1 400 Bad Request\r\n"
    "Connection: close\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 50\r\n"
    "\r\n"
    "This is an HTTP server: use http://, not https://\n";
  int fd = g_socket_get_fd (socket);
  guint8 byte;
  gssize n;

  G_STATIC_ASSERT (sizeof "This is an HTTP server: use http://, not https://\n" - 1 == 50);

  n = recv (fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return FALSE;
  if (n != 1 || byte != TLS_HANDSHAKE_RECORD)
    return TRUE;   /* HTTP (or a hang-up): libsoup's */

  /* The handshake is read first: closing a socket with unread bytes
   * resets the connection, and the client would lose the answer. */
  for (;;)
    {
      char discard[4096];

      n = recv (fd, discard, sizeof discard, MSG_DONTWAIT);
      if (n <= 0 && !(n < 0 && errno == EINTR))
        break;
    }
  (void) !send (fd, answer, sizeof answer - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  /* libsoup's own read of the request then ends the connection. */
  g_socket_close (socket, NULL);

  return TRUE;
}

static gboolean
on_first_bytes (GSocket      *socket,
                GIOCondition  condition,
                gpointer      user_data)
{
  if (g_socket_is_closed (socket))
    return G_SOURCE_REMOVE;

  return refuse_tls (socket) ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static void
on_request_started (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  OffloadDemoServer *self = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);
  GSource *source;

  /* Once a connection: later requests on it came after an HTTP one. */
  if (socket == NULL || g_socket_is_closed (socket)
      || g_object_get_data (G_OBJECT (socket), TLS_CHECKED_KEY) != NULL)
    return;
  g_object_set_data (G_OBJECT (socket), TLS_CHECKED_KEY, GINT_TO_POINTER (1));

  if (refuse_tls (socket))
    return;

  /* Ahead of libsoup's read of the same bytes: ready sources of a higher
   * priority are dispatched alone. */
  source = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_name (source, "[offload] demo server first bytes");
  g_source_set_callback (source, G_SOURCE_FUNC (on_first_bytes), g_object_ref (socket),
                         g_object_unref);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static void
on_message_done (SoupServerMessage *msg,
                 Request           *req)
{
  /* "finished" and "disconnected" can both come; the first one counts. */
  if (req->msg == NULL)
    return;

#if !SOUP_CHECK_VERSION (3, 3, 0)
  if (!req->taken)
    watch_idle_connection (req->self, msg);
#endif

  g_signal_handlers_disconnect_by_data (req->msg, req);
  clear_source (&req->timer);
  clear_source (&req->watch);
  clear_source (&req->idle);
  g_clear_object (&req->msg);

  if (!req->taken)
    request_complete (req);

  /* The message's reference. */
  request_unref (req);
}

static Request *
request_new (OffloadDemoServer *self,
             SoupServerMessage *msg)
{
  Request *req = g_rc_box_new0 (Request);
  gint now, peak;

  req->self = self;
  req->msg = g_object_ref (msg);
  req->counted = TRUE;

  now = g_atomic_int_add (&self->in_flight, 1) + 1;
  peak = g_atomic_int_get (&self->peak_in_flight);
  while (now > peak &&
         !g_atomic_int_compare_and_exchange (&self->peak_in_flight, peak, now))
    peak = g_atomic_int_get (&self->peak_in_flight);

  g_signal_connect (msg, "finished", G_CALLBACK (on_message_done), req);
  g_signal_connect (msg, "disconnected", G_CALLBACK (on_message_done), req);

  return req;
}

static void
respond_text (SoupServerMessage *msg,
              guint              status,
              const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, text, strlen (text));
}

static void
respond_bad_request (SoupServerMessage *msg,
                     const char        *why)
{
  g_autofree char *text = g_strdup_printf ("400 Bad Request: %s", why);

  respond_text (msg, SOUP_STATUS_BAD_REQUEST, text);
}

/* Digits only: no sign, no spaces, nothing after the number. */
static gboolean
parse_number (const char *text,
              guint64     max,
              guint64    *out)
{
  return text != NULL && g_ascii_string_to_unsigned (text, 10, 0, max, out, NULL);
}

/* Takes the connection away from libsoup and closes it: the client sees the
 * connection end, and the message is "disconnected". */
static void
request_drop_connection (Request *req)
{
  g_autoptr(GIOStream) stream = NULL;
  Request *hold = request_ref (req);

  stream = soup_server_message_steal_connection (req->msg);
  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);

  /* In case libsoup did not say "disconnected". */
  if (req->msg != NULL)
    on_message_done (req->msg, req);

  request_unref (hold);
}

static gboolean
on_client_readable (GSocket      *socket,
                    GIOCondition  condition,
                    gpointer      user_data)
{
  Request *req = user_data;
  char byte;
  gssize n;

  /* A paused message has no I/O of its own, so nothing else notices that
   * the client went away. A peek tells a hang-up (EOF or error) from data
   * without consuming it. Like other servers, this takes a half-close for
   * a hang-up: HTTP clients do not half-close while they wait. */
  n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);

  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return G_SOURCE_CONTINUE;

  if (n > 0)
    {
      /* The client sent more (a pipelined request). That is libsoup's to
       * read once the response is done; watching further would spin. */
      g_clear_pointer (&req->watch, g_source_unref);
      return G_SOURCE_REMOVE;
    }

  request_drop_connection (req);

  return G_SOURCE_REMOVE;
}

static void
request_watch_client (Request *req)
{
  GSocket *socket = soup_server_message_get_socket (req->msg);

  if (socket == NULL)
    return;

  req->watch = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_name (req->watch, "[offload] demo server client watch");
  g_source_set_callback (req->watch, G_SOURCE_FUNC (on_client_readable), req, NULL);
  g_source_attach (req->watch, req->self->context);
}

/* One element of /json/records: made up from its id alone. */
static void
append_record (GString *out,
               guint64  id)
{
  static const char * const tags[] = { "a", "b", "c", "d", "e" };
  guint64 h = mix64 (id ^ RECORDS_SEED);
  guint value = (guint) ((h >> 8) % 100000);
  guint n_tags = 1 + (guint) ((h >> 48) % 3);

  g_string_append_printf (out,
                          "{\"id\": %" G_GUINT64_FORMAT ", "
                          "\"name\": \"record-%" G_GUINT64_FORMAT "\", "
                          "\"value\": %u.%02u, \"tags\": [",
                          id, id, value / 100, value % 100);
  for (guint i = 0; i < n_tags; i++)
    g_string_append_printf (out, "%s\"%s\"",
                            i > 0 ? ", " : "",
                            tags[((h >> 32) + i) % G_N_ELEMENTS (tags)]);
  g_string_append_printf (out, "], \"active\": %s}", (h >> 60) & 1 ? "true" : "false");
}

static GBytes *
get_pattern (OffloadDemoServer *self)
{
  if (self->pattern == NULL)
    {
      /* A chunk never wraps: the table runs on past the period. */
      gsize size = PATTERN_PERIOD + FAST_CHUNK_SIZE;
      guint8 *data = g_malloc (size);

      for (gsize i = 0; i < size; i += PATTERN_PERIOD)
        fill_pseudo_random (data + i, 0, MIN (size - i, (gsize) PATTERN_PERIOD));
      self->pattern = g_bytes_new_take (data, size);
    }

  return self->pattern;
}

/* Appends the next chunk of /bytes, up to byte @limit. */
static gboolean
append_bytes_chunk (Request         *req,
                    SoupMessageBody *body,
                    guint64          limit)
{
  guint64 end = MIN (limit, req->total);
  g_autoptr(GBytes) chunk = NULL;
  gsize size;

  if (req->next >= end)
    return FALSE;

  size = (gsize) MIN ((guint64) (req->duration_ms == 0 ? FAST_CHUNK_SIZE : CHUNK_SIZE),
                      end - req->next);
  chunk = g_bytes_new_from_bytes (get_pattern (req->self), req->next % PATTERN_PERIOD, size);
  soup_message_body_append_bytes (body, chunk);
  req->next += size;

  /* Content-Length ends this body: no terminator. */
  if (req->next == req->total)
    req->body_complete = TRUE;

  return TRUE;
}

/* Appends the next chunk of /json/records or /csv. */
static void
append_text_chunk (Request         *req,
                   SoupMessageBody *body)
{
  g_autoptr(GString) text = g_string_sized_new (CHUNK_SIZE - 1);

  /* The first chunk always gets past the first element, or completes the
   * body: next == 0 means nothing was sent yet. */
  if (req->body_kind == BODY_RECORDS)
    {
      if (req->next == 0)
        g_string_append_c (text, '[');
      while (text->len < CHUNK_FILL && req->next < req->total)
        {
          g_string_append (text, req->next > 0 ? ",\n  " : "\n  ");
          append_record (text, ++req->next);
        }
      if (req->next == req->total)
        g_string_append (text, req->total > 0 ? "\n]\n" : "]\n");
    }
  else
    {
      if (req->next == 0)
        offload_sample_data_append_header (text);
      while (text->len < CHUNK_FILL && req->next < req->total)
        offload_sample_data_append_row (text, req->next++, req->seed);
    }

  if (text->len > 0)
    {
      g_autoptr(GBytes) bytes = g_string_free_to_bytes (g_steal_pointer (&text));

      soup_message_body_append_bytes (body, bytes);
    }

  if (req->next == req->total)
    {
      /* The empty chunk that ends a chunked or EOF-terminated body. */
      soup_message_body_complete (body);
      req->body_complete = TRUE;
    }
}

/* Appends chunks while fewer than WINDOW_CHUNKS wait unsent and the body is
 * not complete; for /bytes, only up to byte @limit. Returns whether anything
 * was appended. */
static gboolean
request_fill (Request *req,
              guint64  limit)
{
  SoupMessageBody *body = soup_server_message_get_response_body (req->msg);
  gboolean appended = FALSE;

  while (req->queued < WINDOW_CHUNKS && !req->body_complete)
    {
      if (req->body_kind == BODY_BYTES)
        {
          if (!append_bytes_chunk (req, body, limit))
            break;
        }
      else
        append_text_chunk (req, body);

      req->queued++;
      appended = TRUE;
    }

  return appended;
}

/* For a paced body: how far it should be by now. It ends at duration_ms. */
static guint64
paced_limit (Request *req)
{
  guint64 elapsed_ms = (guint64) (g_get_monotonic_time () - req->started_us) / 1000;

  if (req->duration_ms == 0 || elapsed_ms >= req->duration_ms)
    return req->total;

  return req->total * elapsed_ms / req->duration_ms;
}

static void
on_wrote_chunk (SoupServerMessage *msg,
                Request           *req)
{
  if (req->queued > 0)
    req->queued--;

  /* Refill as the body drains (a paced one up to where the clock says).
   * This runs inside libsoup's write loop, which goes on to the new chunk
   * by itself: no unpause. */
  if (req->body_kind == BODY_BYTES)
    request_fill (req, paced_limit (req));
  else
    request_fill (req, G_MAXUINT64);
}

static gboolean
on_pace_tick (gpointer user_data)
{
  Request *req = user_data;

  /* When the body caught up with the clock, libsoup paused the message. */
  if (request_fill (req, paced_limit (req)))
    soup_server_message_unpause (req->msg);

  if (req->body_complete)
    {
      g_clear_pointer (&req->timer, g_source_unref);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static void
request_stream (Request  *req,
                BodyKind  kind)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);

  req->body_kind = kind;

  /* Chunks are dropped once written: memory is bounded by the window. */
  soup_message_body_set_accumulate (soup_server_message_get_response_body (req->msg), FALSE);
  soup_server_message_set_status (req->msg, SOUP_STATUS_OK, NULL);

  switch (kind)
    {
    case BODY_BYTES:
      soup_message_headers_set_content_type (headers, "application/octet-stream", NULL);
      soup_message_headers_set_content_length (headers, (goffset) req->total);
      if (req->total == 0)
        return;
      break;

    case BODY_RECORDS:
    case BODY_CSV:
      soup_message_headers_set_content_type (headers,
                                             kind == BODY_CSV ? "text/csv" : "application/json",
                                             NULL);
      /* The length is not known up front. HTTP/1.0 has no chunked
       * encoding: there, closing the connection ends the body. */
      if (soup_server_message_get_http_version (req->msg) == SOUP_HTTP_1_0)
        soup_message_headers_set_encoding (headers, SOUP_ENCODING_EOF);
      else
        soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      break;

    case BODY_NONE:
    default:
      g_assert_not_reached ();
    }

  g_signal_connect (req->msg, "wrote-chunk", G_CALLBACK (on_wrote_chunk), req);

  if (kind == BODY_BYTES && req->duration_ms > 0)
    {
      /* The headers go out now; the body follows the clock. */
      req->started_us = g_get_monotonic_time ();
      req->timer = g_timeout_source_new (PACE_PERIOD_MS);
      g_source_set_name (req->timer, "[offload] demo server pacing");
      g_source_set_callback (req->timer, on_pace_tick, req, NULL);
      g_source_attach (req->timer, req->self->context);
      return;
    }

  /* The handler runs before libsoup writes anything: no unpause needed. */
  request_fill (req, G_MAXUINT64);
}

static gboolean
on_delay_elapsed (gpointer user_data)
{
  Request *req = user_data;
  g_autofree char *json = g_strdup_printf ("{\"delay_ms\": %u}", req->delay_ms);

  g_clear_pointer (&req->timer, g_source_unref);
  /* From here on libsoup's own I/O notices a hang-up. */
  clear_source (&req->watch);

  soup_server_message_set_status (req->msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (req->msg, "application/json",
                                    SOUP_MEMORY_COPY, json, strlen (json));
  soup_server_message_unpause (req->msg);

  return G_SOURCE_REMOVE;
}

static void
handle_delay (Request    *req,
              const char *arg)
{
  guint64 ms;

  if (!parse_number (arg, G_MAXUINT64, &ms))
    {
      respond_bad_request (req->msg, "the delay must be a number of milliseconds");
      return;
    }

  req->delay_ms = (guint) MIN (ms, OFFLOAD_DEMO_SERVER_MAX_DELAY_MS);

  soup_server_message_pause (req->msg);
  request_watch_client (req);

  req->timer = g_timeout_source_new (req->delay_ms);
  g_source_set_name (req->timer, "[offload] demo server delay");
  g_source_set_callback (req->timer, on_delay_elapsed, req, NULL);
  g_source_attach (req->timer, req->self->context);
}

static void
handle_bytes (Request    *req,
              const char *arg,
              GHashTable *query)
{
  const char *duration = query ? g_hash_table_lookup (query, "duration_ms") : NULL;
  guint64 value;

  if (!parse_number (arg, OFFLOAD_DEMO_SERVER_MAX_BYTES, &req->total))
    {
      respond_bad_request (req->msg, "the size must be a number of bytes, at most 4 GiB");
      return;
    }

  req->duration_ms = OFFLOAD_DEMO_SERVER_BYTES_DURATION_MS;
  if (duration != NULL)
    {
      if (!parse_number (duration, MAX_DURATION_MS, &value))
        {
          respond_bad_request (req->msg, "duration_ms must be 0 to 600000");
          return;
        }
      req->duration_ms = (guint) value;
    }

  request_stream (req, BODY_BYTES);
}

static void
handle_status (Request    *req,
               const char *arg)
{
  g_autofree char *text = NULL;
  guint64 code;

  /* A 1xx is not a final answer: the client would wait for another. */
  if (!parse_number (arg, 599, &code) || code < 200)
    {
      respond_bad_request (req->msg, "the status must be 200 to 599");
      return;
    }

  soup_server_message_set_status (req->msg, (guint) code, NULL);

  /* These have no body; libsoup would still announce Content-Length: 0. */
  if (code == SOUP_STATUS_NO_CONTENT || code == SOUP_STATUS_NOT_MODIFIED)
    {
      soup_message_headers_set_encoding (soup_server_message_get_response_headers (req->msg),
                                         SOUP_ENCODING_NONE);
      return;
    }

  if (code == SOUP_STATUS_RESET_CONTENT)
    return;

  text = g_strdup_printf ("%u %s", (guint) code, soup_status_get_phrase ((guint) code));
  soup_server_message_set_response (req->msg, "text/plain", SOUP_MEMORY_COPY,
                                    text, strlen (text));
}

static void
on_reset_written (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Request *req = user_data;
  struct linger linger = { 1, 0 };

  /* A failed write (client gone, server stopping) ends the same way. */
  g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, NULL);

  /* Closing with a zero linger sends a reset, not an orderly end. */
  if (req->socket != NULL)
    setsockopt (g_socket_get_fd (req->socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
  g_io_stream_close (req->stolen, NULL, NULL);
  g_clear_object (&req->stolen);

  request_complete (req);
  request_unref (req);
}

static gboolean
on_reset_idle (gpointer user_data)
{
  Request *req = user_data;
  Request *hold = request_ref (req);
  g_autoptr(GString) raw = NULL;
  GSocket *socket;

  g_clear_pointer (&req->idle, g_source_unref);

  /* Taken here, outside libsoup's I/O loop, since stealing the connection
   * frees that loop's state. The request stays in flight until the
   * connection is closed. */
  socket = soup_server_message_get_socket (req->msg);
  req->socket = socket ? g_object_ref (socket) : NULL;
  req->taken = TRUE;
  req->stolen = soup_server_message_steal_connection (req->msg);

  if (req->msg != NULL)
    on_message_done (req->msg, req);

  if (req->stolen == NULL)
    {
      request_complete (req);
      request_unref (hold);
      return G_SOURCE_REMOVE;
    }

  raw = g_string_sized_new (RESET_SENT + 256);
  g_string_append_printf (raw,
                          "HTTP/1.1 200 OK\r\n"
                          "Content-Type: application/octet-stream\r\n"
                          "Content-Length: %u\r\n"
                          "\r\n",
                          (guint) RESET_ANNOUNCED);
  g_string_set_size (raw, raw->len + RESET_SENT);
  fill_pseudo_random ((guint8 *) raw->str + raw->len - RESET_SENT, 0, RESET_SENT);
  req->raw = g_string_free_to_bytes (g_steal_pointer (&raw));

  /* hold goes to the callback. */
  g_output_stream_write_all_async (g_io_stream_get_output_stream (req->stolen),
                                   g_bytes_get_data (req->raw, NULL),
                                   g_bytes_get_size (req->raw),
                                   G_PRIORITY_DEFAULT,
                                   req->self->cancellable,
                                   on_reset_written,
                                   hold);

  return G_SOURCE_REMOVE;
}

static void
handle_reset (Request *req)
{
  soup_server_message_pause (req->msg);

  req->idle = g_idle_source_new ();
  g_source_set_name (req->idle, "[offload] demo server reset");
  g_source_set_callback (req->idle, on_reset_idle, req, NULL);
  g_source_attach (req->idle, req->self->context);
}

static void
handle_redirect (Request    *req,
                 const char *arg)
{
  g_autofree char *location = NULL;
  guint64 hops;

  if (!parse_number (arg, G_MAXUINT, &hops))
    {
      respond_bad_request (req->msg, "the number of redirects must be a number");
      return;
    }

  if (hops == 0)
    {
      respond_text (req->msg, SOUP_STATUS_OK, "done");
      return;
    }

  location = g_strdup_printf ("/redirect/%" G_GUINT64_FORMAT, hops - 1);
  soup_server_message_set_redirect (req->msg, SOUP_STATUS_FOUND, location);
}

static void
handle_records (Request    *req,
                GHashTable *query)
{
  const char *n = query ? g_hash_table_lookup (query, "n") : NULL;

  req->total = DEFAULT_RECORDS;
  if (n != NULL && !parse_number (n, G_MAXUINT64, &req->total))
    {
      respond_bad_request (req->msg, "n must be a number of records");
      return;
    }
  req->total = MIN (req->total, OFFLOAD_DEMO_SERVER_MAX_RECORDS);

  request_stream (req, BODY_RECORDS);
}

static void
handle_csv (Request    *req,
            GHashTable *query)
{
  const char *rows = query ? g_hash_table_lookup (query, "rows") : NULL;
  const char *seed = query ? g_hash_table_lookup (query, "seed") : NULL;

  req->total = DEFAULT_ROWS;
  if (rows != NULL && !parse_number (rows, G_MAXUINT64, &req->total))
    {
      respond_bad_request (req->msg, "rows must be a number of rows");
      return;
    }
  req->total = MIN (req->total, OFFLOAD_DEMO_SERVER_MAX_ROWS);

  req->seed = OFFLOAD_SAMPLE_DATA_DEFAULT_SEED;
  if (seed != NULL && !parse_number (seed, G_MAXUINT64, &req->seed))
    {
      respond_bad_request (req->msg, "seed must be a number");
      return;
    }

  request_stream (req, BODY_CSV);
}

static const char index_text[] =
  "Offload demo server\n"
  "\n"
  "GET /delay/MS              answers after MS milliseconds (at most 60000)\n"
  "GET /bytes/N               N bytes of pseudo-random data (at most 4 GiB), sent over 2 s\n"
  "GET /bytes/N?duration_ms=D the same over D ms; 0 sends as fast as possible\n"
  "GET /status/CODE           answers with that status (200 to 599)\n"
  "GET /stall                 never answers\n"
  "GET /reset                 breaks the connection in the middle of the body\n"
  "GET /redirect/N            N redirects, then 200\n"
  "GET /redirect-loop         redirects to itself forever\n"
  "GET /json/records?n=N      a JSON array of N records (default 100, at most 1000000)\n"
  "GET /csv?rows=N&seed=S     the sample CSV dataset (default 1000 rows, at most 100000000)\n";

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  OffloadDemoServer *self = user_data;
  Request *req;

  atomic_fetch_add_explicit (&self->requests_served, 1, memory_order_relaxed);

  /* The message holds this reference until it is done. */
  req = request_new (self, msg);

  if (soup_server_message_get_method (msg) != SOUP_METHOD_GET)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", "GET");
      respond_text (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "405 Method Not Allowed");
    }
  else if (g_str_equal (path, "/"))
    respond_text (msg, SOUP_STATUS_OK, index_text);
  else if (g_str_has_prefix (path, "/delay/"))
    handle_delay (req, path + strlen ("/delay/"));
  else if (g_str_has_prefix (path, "/bytes/"))
    handle_bytes (req, path + strlen ("/bytes/"), query);
  else if (g_str_has_prefix (path, "/status/"))
    handle_status (req, path + strlen ("/status/"));
  else if (g_str_equal (path, "/stall"))
    {
      soup_server_message_pause (msg);
      request_watch_client (req);
    }
  else if (g_str_equal (path, "/reset"))
    handle_reset (req);
  else if (g_str_has_prefix (path, "/redirect/"))
    handle_redirect (req, path + strlen ("/redirect/"));
  else if (g_str_equal (path, "/redirect-loop"))
    soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, "/redirect-loop");
  else if (g_str_equal (path, "/json/records"))
    handle_records (req, query);
  else if (g_str_equal (path, "/csv"))
    handle_csv (req, query);
  else
    respond_text (msg, SOUP_STATUS_NOT_FOUND, "404 Not Found (see / for the endpoints)");
}

static gboolean
on_shutdown (gpointer user_data)
{
  OffloadDemoServer *self = user_data;

  /* Closing every connection ends every message ("disconnected"), which
   * removes their timers and watches; /reset's writes are cancelled. */
  g_cancellable_cancel (self->cancellable);
  soup_server_disconnect (self->server);
  g_main_loop_quit (self->loop);

  return G_SOURCE_REMOVE;
}

/* Loopback only: the demo endpoints are nobody else's business. */
static GSocket *
listen_on_loopback (guint    port,
                    GError **error)
{
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", port);
  g_autoptr(GSocket) socket = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_DEFAULT, error);
  if (socket == NULL)
    return NULL;

  /* With GSocket's default backlog of 10, a client that opens dozens of
   * connections at once has some of them dropped; they come back a second
   * later, and "N requests at once" is not what the server sees. */
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);

  if (!g_socket_bind (socket, address, TRUE, error) ||
      !g_socket_listen (socket, error))
    return NULL;

  return g_steal_pointer (&socket);
}

static gpointer
server_thread_main (gpointer data)
{
  OffloadDemoServer *self = data;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;
  guint port = 0;

  g_main_context_push_thread_default (self->context);

  self->cancellable = g_cancellable_new ();
  self->server = soup_server_new ("server-header", "offload-demo-server ", NULL);
  soup_server_add_handler (self->server, NULL, handle_request, self, NULL);
  g_signal_connect (self->server, "request-started", G_CALLBACK (on_request_started), self);

  socket = listen_on_loopback (self->requested_port, &error);
  if (socket != NULL && soup_server_listen_socket (self->server, socket, 0, &error))
    {
      g_autoptr(GSocketAddress) local = g_socket_get_local_address (socket, &error);

      if (local != NULL)
        port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
    }

  if (error != NULL)
    g_prefix_error (&error, "Could not listen on 127.0.0.1:%u: ", self->requested_port);

  /* `reported` is also an atomic, so ThreadSanitizer (which cannot see
   * GLib's futex-based GMutex) sees the hand-off of the two fields. */
  g_mutex_lock (&self->lock);
  self->listening_port = port;
  self->start_error = g_steal_pointer (&error);
  g_atomic_int_set (&self->reported, TRUE);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);

  if (port != 0)
    {
      g_main_loop_run (self->loop);

      /* Only /reset's cancelled writes can still be finishing. */
      while (g_atomic_int_get (&self->in_flight) > 0)
        g_main_context_iteration (self->context, TRUE);
    }

  g_clear_object (&self->server);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pattern, g_bytes_unref);
  g_clear_object (&socket);

  while (g_main_context_iteration (self->context, FALSE))
    ;

  g_main_context_pop_thread_default (self->context);

  return NULL;
}

/* ------------------------------------------------------------------------
 * Owner thread
 * ------------------------------------------------------------------------ */

static void
offload_demo_server_dispose (GObject *object)
{
  OffloadDemoServer *self = (OffloadDemoServer *)object;

  offload_demo_server_stop (self);

  G_OBJECT_CLASS (offload_demo_server_parent_class)->dispose (object);
}

static void
offload_demo_server_finalize (GObject *object)
{
  OffloadDemoServer *self = (OffloadDemoServer *)object;

  g_clear_error (&self->start_error);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (offload_demo_server_parent_class)->finalize (object);
}

static void
offload_demo_server_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  OffloadDemoServer *self = OFFLOAD_DEMO_SERVER (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;

    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
offload_demo_server_class_init (OffloadDemoServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = offload_demo_server_dispose;
  object_class->finalize = offload_demo_server_finalize;
  object_class->get_property = offload_demo_server_get_property;

  /**
   * OffloadDemoServer:base-url:
   *
   * "http://127.0.0.1:PORT" while the server runs, %NULL otherwise.
   */
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OffloadDemoServer:port:
   *
   * The port the server listens on, or 0 when it is not running.
   */
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL,
                       0, G_MAXUINT16, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
offload_demo_server_init (OffloadDemoServer *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
}

/**
 * offload_demo_server_new:
 *
 * Returns: (transfer full): a server, not yet listening
 */
OffloadDemoServer *
offload_demo_server_new (void)
{
  return g_object_new (OFFLOAD_TYPE_DEMO_SERVER, NULL);
}

/**
 * offload_demo_server_start:
 * @self: a server that is not running
 * @port: the port on 127.0.0.1, or 0 for any free one
 * @error: return location for a #GError
 *
 * Starts the server thread and returns once it listens. The counters start
 * from zero.
 *
 * Returns: %TRUE if the server listens, %FALSE with @error set otherwise
 *   (for instance %G_IO_ERROR_ADDRESS_IN_USE)
 */
gboolean
offload_demo_server_start (OffloadDemoServer  *self,
                           guint               port,
                           GError            **error)
{
  GThread *thread;

  g_return_val_if_fail (OFFLOAD_IS_DEMO_SERVER (self), FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (self->thread == NULL, FALSE);

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->requested_port = port;
  self->listening_port = 0;
  g_atomic_int_set (&self->reported, FALSE);
  g_atomic_int_set (&self->in_flight, 0);
  g_atomic_int_set (&self->peak_in_flight, 0);
  atomic_store (&self->requests_served, 0);

  thread = g_thread_try_new ("offload-demo", server_thread_main, self, error);
  if (thread == NULL)
    {
      g_clear_pointer (&self->loop, g_main_loop_unref);
      g_clear_pointer (&self->context, g_main_context_unref);
      return FALSE;
    }

  g_mutex_lock (&self->lock);
  while (!g_atomic_int_get (&self->reported))
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);

  if (self->start_error != NULL)
    {
      g_thread_join (thread);
      g_clear_pointer (&self->loop, g_main_loop_unref);
      g_clear_pointer (&self->context, g_main_context_unref);
      g_propagate_error (error, g_steal_pointer (&self->start_error));
      return FALSE;
    }

  self->thread = thread;
  self->port = self->listening_port;
  self->base_url = g_strdup_printf ("http://127.0.0.1:%u", self->port);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);

  return TRUE;
}

/**
 * offload_demo_server_stop:
 * @self: a server
 *
 * Closes every connection (requests still running end there), stops
 * listening and joins the server thread. Does nothing if the server is not
 * running.
 */
void
offload_demo_server_stop (OffloadDemoServer *self)
{
  GSource *source;

  g_return_if_fail (OFFLOAD_IS_DEMO_SERVER (self));

  if (self->thread == NULL)
    return;

  /* The server thread cannot join itself. */
  g_return_if_fail (g_thread_self () != self->thread);

  source = g_idle_source_new ();
  g_source_set_name (source, "[offload] demo server shutdown");
  g_source_set_callback (source, on_shutdown, self, NULL);
  g_source_attach (source, self->context);
  g_source_unref (source);

  g_thread_join (g_steal_pointer (&self->thread));

  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->base_url, g_free);
  self->port = 0;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);
}

/**
 * offload_demo_server_get_base_url:
 * @self: a server
 *
 * Returns: (nullable) (transfer none): "http://127.0.0.1:PORT", without a
 *   trailing slash, or %NULL when the server is not running
 */
const char *
offload_demo_server_get_base_url (OffloadDemoServer *self)
{
  g_return_val_if_fail (OFFLOAD_IS_DEMO_SERVER (self), NULL);

  return self->base_url;
}

guint
offload_demo_server_get_port (OffloadDemoServer *self)
{
  g_return_val_if_fail (OFFLOAD_IS_DEMO_SERVER (self), 0);

  return self->port;
}

/**
 * offload_demo_server_get_in_flight:
 * @self: a server
 *
 * How many requests are being handled now: from the handler until the
 * response is finished or the connection is gone. A paused /delay or /stall
 * counts. Safe to call from any thread.
 *
 * Returns: the number of requests in flight
 */
guint
offload_demo_server_get_in_flight (OffloadDemoServer *self)
{
  g_return_val_if_fail (OFFLOAD_IS_DEMO_SERVER (self), 0);

  return (guint) g_atomic_int_get (&self->in_flight);
}

/**
 * offload_demo_server_get_peak_in_flight:
 * @self: a server
 *
 * Safe to call from any thread.
 *
 * Returns: the most requests in flight at once since start or the last
 *   offload_demo_server_reset_peak()
 */
guint
offload_demo_server_get_peak_in_flight (OffloadDemoServer *self)
{
  g_return_val_if_fail (OFFLOAD_IS_DEMO_SERVER (self), 0);

  return (guint) g_atomic_int_get (&self->peak_in_flight);
}

/**
 * offload_demo_server_reset_peak:
 * @self: a server
 *
 * Starts measuring the peak again, from the requests in flight now.
 */
void
offload_demo_server_reset_peak (OffloadDemoServer *self)
{
  gint now, peak;

  g_return_if_fail (OFFLOAD_IS_DEMO_SERVER (self));

  g_atomic_int_set (&self->peak_in_flight, g_atomic_int_get (&self->in_flight));

  /* A request that arrived between the read and the store would otherwise
   * leave the peak below what is in flight: raise it as a request does. */
  now = g_atomic_int_get (&self->in_flight);
  peak = g_atomic_int_get (&self->peak_in_flight);
  while (now > peak &&
         !g_atomic_int_compare_and_exchange (&self->peak_in_flight, peak, now))
    peak = g_atomic_int_get (&self->peak_in_flight);
}

/**
 * offload_demo_server_get_requests_served:
 * @self: a server
 *
 * Every request counts once, when its handler runs (whatever the answer).
 * Safe to call from any thread.
 *
 * Returns: the number of requests taken on since start
 */
guint64
offload_demo_server_get_requests_served (OffloadDemoServer *self)
{
  g_return_val_if_fail (OFFLOAD_IS_DEMO_SERVER (self), 0);

  return atomic_load (&self->requests_served);
}
