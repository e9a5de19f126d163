/* offload-fetch-request.c: one HTTP request, its progress and its result
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "offload-fetch-request-private.h"

/* One owner per piece of state: the worker thread that runs the request
 * writes only the small `shared` struct, with atomic stores; everything
 * else, and every notify, belongs to the main thread. The UI pulls the
 * shared values with offload_fetch_request_update() at most once a frame,
 * so a thousand requests or a gigabyte body never flood the main loop.
 *
 * Atomics rather than a GMutex: the values are independent counters (a
 * frame that shows the new state with the old byte count is harmless),
 * and ThreadSanitizer sees compiler atomics, while it cannot see GLib's
 * futex-based GMutex. */

#define SHARED_SET(field, value) __atomic_store_n (&(field), (value), __ATOMIC_RELEASE)
#define SHARED_GET(field)        __atomic_load_n (&(field), __ATOMIC_ACQUIRE)

struct _OffloadFetchRequest
{
  GObject             parent_instance;

  char               *url;
  GCancellable       *cancellable;

  struct {
    OffloadFetchState state;
    guint64           received;
    gint64            expected;
    gint64            started;
    gint64            first_byte;
  } shared;

  /* Main thread only. */
  OffloadFetchState   state;
  guint64             bytes_received;
  gint64              bytes_expected;
  gint64              queued;
  gint64              started;
  gint64              first_byte;
  OffloadFetchResult *result;
};

enum {
  PROP_0,
  PROP_URL,
  PROP_STATE,
  PROP_STATUS,
  PROP_BYTES_RECEIVED,
  PROP_BYTES_EXPECTED,
  PROP_FRACTION,
  PROP_ERROR_MESSAGE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (OffloadFetchRequest, offload_fetch_request, G_TYPE_OBJECT)
G_DEFINE_QUARK (offload-fetch-error-quark, offload_fetch_error)
G_DEFINE_ENUM_TYPE (OffloadFetchState, offload_fetch_state,
                    G_DEFINE_ENUM_VALUE (OFFLOAD_FETCH_STATE_QUEUED, "queued"),
                    G_DEFINE_ENUM_VALUE (OFFLOAD_FETCH_STATE_CONNECTING, "connecting"),
                    G_DEFINE_ENUM_VALUE (OFFLOAD_FETCH_STATE_WAITING, "waiting"),
                    G_DEFINE_ENUM_VALUE (OFFLOAD_FETCH_STATE_RECEIVING, "receiving"),
                    G_DEFINE_ENUM_VALUE (OFFLOAD_FETCH_STATE_DONE, "done"),
                    G_DEFINE_ENUM_VALUE (OFFLOAD_FETCH_STATE_FAILED, "failed"),
                    G_DEFINE_ENUM_VALUE (OFFLOAD_FETCH_STATE_CANCELLED, "cancelled"))

static GParamSpec *properties[N_PROPS];

void
offload_fetch_result_free (OffloadFetchResult *result)
{
  if (result == NULL)
    return;

  g_free (result->reason);
  g_free (result->content_type);
  g_free (result->headers);
  g_free (result->preview);
  g_free (result->thread_name);
  g_free (result->kept_path);
  g_free (result->keep_error);
  g_clear_error (&result->error);
  g_free (result);
}

static void
offload_fetch_request_finalize (GObject *object)
{
  OffloadFetchRequest *self = (OffloadFetchRequest *)object;

  g_clear_pointer (&self->url, g_free);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->result, offload_fetch_result_free);

  G_OBJECT_CLASS (offload_fetch_request_parent_class)->finalize (object);
}

static void
offload_fetch_request_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  OffloadFetchRequest *self = OFFLOAD_FETCH_REQUEST (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_STATUS:
      g_value_set_uint (value, offload_fetch_request_get_status (self));
      break;

    case PROP_BYTES_RECEIVED:
      g_value_set_uint64 (value, self->bytes_received);
      break;

    case PROP_BYTES_EXPECTED:
      g_value_set_int64 (value, self->bytes_expected);
      break;

    case PROP_FRACTION:
      g_value_set_double (value, offload_fetch_request_get_fraction (self));
      break;

    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, offload_fetch_request_get_error_message (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
offload_fetch_request_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  OffloadFetchRequest *self = OFFLOAD_FETCH_REQUEST (object);

  switch (prop_id)
    {
    case PROP_URL:
      self->url = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
offload_fetch_request_class_init (OffloadFetchRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = offload_fetch_request_finalize;
  object_class->get_property = offload_fetch_request_get_property;
  object_class->set_property = offload_fetch_request_set_property;

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       OFFLOAD_TYPE_FETCH_STATE, OFFLOAD_FETCH_STATE_QUEUED,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_STATUS] =
    g_param_spec_uint ("status", NULL, NULL,
                       0, 999, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_BYTES_RECEIVED] =
    g_param_spec_uint64 ("bytes-received", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_BYTES_EXPECTED] =
    g_param_spec_int64 ("bytes-expected", NULL, NULL,
                        -1, G_MAXINT64, -1,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OffloadFetchRequest:fraction:
   *
   * How much of the body has arrived, 0 to 1, or -1 while the size is not
   * known (a progress bar pulses then).
   */
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL,
                         -1, 1, -1,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
offload_fetch_request_init (OffloadFetchRequest *self)
{
  self->bytes_expected = -1;
  self->shared.expected = -1;
}

/**
 * offload_url_hide_password:
 * @url: a URL as the user gave it, valid or not
 *
 * @url to show on screen or in a readable table: a password in it
 * ("http://user:secret@host/") replaced by dots, as browsers keep it off
 * the screen; the user name stays, so the user still knows which
 * credentials the request sends. Everything else is left as it was.
 *
 * Returns: (transfer full): the URL to show
 */
char *
offload_url_hide_password (const char *url)
{
  const char *authority, *at, *colon;
  gsize length;
  GString *shown;

  g_return_val_if_fail (url != NULL, NULL);

  authority = strstr (url, "://");
  if (authority == NULL)
    return g_strdup (url);
  authority += 3;
  length = strcspn (authority, "/?#");

  /* The userinfo ends at the authority's last "@" (an unencoded one in a
   * password is a mistake browsers forgive the same way). */
  at = g_strrstr_len (authority, (gssize) length, "@");
  if (at == NULL)
    return g_strdup (url);
  colon = memchr (authority, ':', (gsize) (at - authority));
  if (colon == NULL || colon + 1 == at)
    return g_strdup (url);

  shown = g_string_new_len (url, colon + 1 - url);
  g_string_append (shown, "•••");
  g_string_append (shown, at);

  return g_string_free (shown, FALSE);
}

/**
 * offload_url_line_strip:
 * @line: a line of a URL list (a file, a paste), changed in place
 *
 * The line without the blanks around it, nor the byte order mark that
 * some editors write at the start of a file: invisible, it would make the
 * first URL invalid with a message quoting what looks like a valid one.
 *
 * Returns: (transfer none): where the line's text starts, inside @line
 */
char *
offload_url_line_strip (char *line)
{
  static const char bom[] = "\xEF\xBB\xBF";

  g_return_val_if_fail (line != NULL, NULL);

  if (g_str_has_prefix (line, bom))
    line += sizeof bom - 1;

  return g_strstrip (line);
}

/**
 * offload_url_line_split:
 * @line: a line of a list of URLs, stripped, not a comment
 *
 * The URLs a line holds, the same in the window and on the command line:
 * each word when every word has a scheme ("https://a/ https://b/" is
 * two), else the line whole ("not a url", or a URL with a blank typed in
 * it), which then fails as one request, in words. In valid UTF-8: a
 * Latin-1 line is a request that fails, not a list refused whole.
 *
 * Returns: (transfer full): the URLs, none for an empty line
 */
char **
offload_url_line_split (const char *line)
{
  g_autofree char *valid = NULL;
  g_auto(GStrv) words = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (line != NULL, NULL);

  valid = g_utf8_make_valid (line, -1);
  words = g_strsplit_set (valid, " \t", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0' && g_uri_peek_scheme (words[i]) == NULL)
      {
        if (*valid != '\0')
          g_strv_builder_add (builder, valid);
        return g_strv_builder_end (builder);
      }
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      g_strv_builder_add (builder, words[i]);

  return g_strv_builder_end (builder);
}

/**
 * offload_url_is_web:
 * @text: a line that may be a URL
 *
 * Returns: whether @text starts with http:// or https:// (in any case):
 *   what Offload fetches. g_uri_peek_scheme() alone took "localhost" for
 *   the scheme of "localhost:8080/x".
 */
gboolean
offload_url_is_web (const char *text)
{
  g_return_val_if_fail (text != NULL, FALSE);

  return g_ascii_strncasecmp (text, "http://", strlen ("http://")) == 0
         || g_ascii_strncasecmp (text, "https://", strlen ("https://")) == 0;
}

static gboolean
has_suffix (const char *name,
            gsize       length,
            const char *suffix)
{
  gsize n = strlen (suffix);

  return length >= n && g_ascii_strncasecmp (name + length - n, suffix, n) == 0;
}

/* Whether a host typed without a scheme is a name on the web: not an
 * address, not localhost, not a name of the local network. */
static gboolean
is_web_name (const char *host,
             gsize       length)
{
  gboolean digits_only = TRUE;

  if (length == 0 || host[0] == '[')
    return FALSE;
  for (gsize i = 0; i < length; i++)
    digits_only &= g_ascii_isdigit (host[i]) || host[i] == '.';
  return !digits_only
         && !(length == strlen ("localhost") && has_suffix (host, length, "localhost"))
         && !has_suffix (host, length, ".localhost") && !has_suffix (host, length, ".local")
         && memchr (host, '.', length) != NULL;
}

/**
 * offload_url_suggest:
 * @text: a line that is no http or https URL
 *
 * What the user most likely meant by a URL typed without its scheme, as
 * in "localhost:8080/x" or "example.org/api": a host name or address, a
 * port maybe, a path maybe. A name on the web without a port gets
 * https://, as a browser's address bar gives it (the entry's own hint
 * says https://); a local one (localhost, an address, a .local name) or
 * a port gets http://, but port 443.
 *
 * Returns: (transfer full) (nullable): "http://" or "https://" and @text,
 *   or %NULL when @text does not look like a host and a path
 */
char *
offload_url_suggest (const char *text)
{
  const char *p = text;
  const char *host;
  const char *scheme = "http://";

  g_return_val_if_fail (text != NULL, NULL);

  if (strstr (text, "://") != NULL)
    return NULL;

  host = p;
  if (*p == '[')
    {
      /* An IPv6 address. */
      p++;
      while (g_ascii_isxdigit (*p) || *p == ':' || *p == '.')
        p++;
      if (*p != ']' || p == host + 1)
        return NULL;
      p++;
    }
  else
    {
      while (g_ascii_isalnum (*p) || *p == '-' || *p == '.' || (guchar) *p >= 0x80)
        p++;
      /* A name with a dot (example.org, 127.0.0.1), one with a port
       * (myhost:8080), or localhost: not a lone word, which is no host to
       * guess. */
      if (p == host
          || (memchr (host, '.', (gsize) (p - host)) == NULL && *p != ':'
              && !(p - host == strlen ("localhost")
                   && g_ascii_strncasecmp (host, "localhost", strlen ("localhost")) == 0)))
        return NULL;
    }
  if (*p == ':')
    {
      const char *port = ++p;

      while (g_ascii_isdigit (*p))
        p++;
      if (p == port)
        return NULL;
      /* The port says which: 443 is HTTPS's. */
      if (p - port == 3 && strncmp (port, "443", 3) == 0)
        scheme = "https://";
    }
  else if (is_web_name (host, (gsize) (p - host)))
    scheme = "https://";
  if (*p != '\0' && *p != '/' && *p != '?')
    return NULL;

  return g_strconcat (scheme, text, NULL);
}

/**
 * offload_fetch_request_new:
 * @url: the URL, as the user typed it (it is checked when the request runs,
 *   so a bad one becomes a failed request with its error, not a crash)
 *
 * Returns: (transfer full): a queued request
 */
OffloadFetchRequest *
offload_fetch_request_new (const char *url)
{
  g_return_val_if_fail (url != NULL, NULL);

  return g_object_new (OFFLOAD_TYPE_FETCH_REQUEST, "url", url, NULL);
}

const char *
offload_fetch_request_get_url (OffloadFetchRequest *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), NULL);

  return self->url;
}

OffloadFetchState
offload_fetch_request_get_state (OffloadFetchRequest *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), OFFLOAD_FETCH_STATE_QUEUED);

  return self->state;
}

gboolean
offload_fetch_request_is_finished (OffloadFetchRequest *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), FALSE);

  return self->result != NULL;
}

guint
offload_fetch_request_get_status (OffloadFetchRequest *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), 0);

  return self->result != NULL ? self->result->status : 0;
}

const char *
offload_fetch_request_get_reason (OffloadFetchRequest *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), NULL);

  return self->result != NULL ? self->result->reason : NULL;
}

guint64
offload_fetch_request_get_bytes_received (OffloadFetchRequest *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), 0);

  return self->bytes_received;
}

/**
 * offload_fetch_request_get_bytes_expected:
 * @self: a request
 *
 * Returns: the Content-Length, or -1 when the server did not say
 */
gint64
offload_fetch_request_get_bytes_expected (OffloadFetchRequest *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), -1);

  return self->bytes_expected;
}

double
offload_fetch_request_get_fraction (OffloadFetchRequest *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), -1);

  if (self->state == OFFLOAD_FETCH_STATE_DONE)
    return 1.0;
  if (self->bytes_expected <= 0)
    return -1.0;

  return CLAMP ((double) self->bytes_received / (double) self->bytes_expected, 0.0, 1.0);
}

const char *
offload_fetch_request_get_content_type (OffloadFetchRequest *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), NULL);

  return self->result != NULL ? self->result->content_type : NULL;
}

/**
 * offload_fetch_request_get_headers:
 * @self: a request
 *
 * Returns: (nullable): the response headers, one "Name: value" a line
 */
const char *
offload_fetch_request_get_headers (OffloadFetchRequest *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), NULL);

  return self->result != NULL ? self->result->headers : NULL;
}

/**
 * offload_fetch_request_get_error:
 * @self: a request
 *
 * Returns: (nullable) (transfer none): why it failed (an %OFFLOAD_FETCH_ERROR)
 *   or %G_IO_ERROR_CANCELLED
 */
const GError *
offload_fetch_request_get_error (OffloadFetchRequest *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), NULL);

  return self->result != NULL ? self->result->error : NULL;
}

const char *
offload_fetch_request_get_error_message (OffloadFetchRequest *self)
{
  const GError *error = offload_fetch_request_get_error (self);

  return error != NULL ? error->message : NULL;
}

/**
 * offload_fetch_request_get_kept_path:
 * @self: a request
 *
 * Returns: (nullable): the file holding its CSV body whole, when the
 *   queue keeps CSV bodies and this one arrived whole
 */
const char *
offload_fetch_request_get_kept_path (OffloadFetchRequest *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), NULL);

  return self->result != NULL ? self->result->kept_path : NULL;
}

/**
 * offload_fetch_request_get_keep_error:
 * @self: a request
 *
 * Returns: (nullable): why its CSV body could not be kept
 */
const char *
offload_fetch_request_get_keep_error (OffloadFetchRequest *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), NULL);

  return self->result != NULL ? self->result->keep_error : NULL;
}

const char *
offload_fetch_request_get_preview (OffloadFetchRequest *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), NULL);

  return self->result != NULL ? self->result->preview : NULL;
}

OffloadPreviewKind
offload_fetch_request_get_preview_kind (OffloadFetchRequest *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), OFFLOAD_PREVIEW_NONE);

  return self->result != NULL ? self->result->preview_kind : OFFLOAD_PREVIEW_NONE;
}

/**
 * offload_fetch_request_get_preview_partial:
 * @self: a request
 *
 * Returns: whether the preview shows only the start of the body
 */
gboolean
offload_fetch_request_get_preview_partial (OffloadFetchRequest *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), FALSE);

  return self->result != NULL && self->result->preview_partial;
}

/* Timings are g_get_monotonic_time() values, 0 until they happen. */
gint64
offload_fetch_request_get_queued_time (OffloadFetchRequest *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), 0);

  return self->queued;
}

gint64
offload_fetch_request_get_started_time (OffloadFetchRequest *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), 0);

  return self->started;
}

gint64
offload_fetch_request_get_first_byte_time (OffloadFetchRequest *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), 0);

  return self->first_byte;
}

gint64
offload_fetch_request_get_finished_time (OffloadFetchRequest *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), 0);

  return self->result != NULL ? self->result->finished : 0;
}

/**
 * offload_fetch_request_get_elapsed:
 * @self: a request
 *
 * Returns: seconds from start to finish (or to now while it runs), 0 before
 *   it started
 */
double
offload_fetch_request_get_elapsed (OffloadFetchRequest *self)
{
  gint64 end;

  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), 0);

  if (self->started == 0)
    return 0;

  end = self->result != NULL ? self->result->finished : g_get_monotonic_time ();
  return (end - self->started) / (double) G_USEC_PER_SEC;
}

/**
 * offload_fetch_request_get_thread_name:
 * @self: a request
 *
 * Returns: (nullable): which thread ran it (for the timeline)
 */
const char *
offload_fetch_request_get_thread_name (OffloadFetchRequest *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), NULL);

  return self->result != NULL ? self->result->thread_name : NULL;
}

/**
 * offload_fetch_request_cancel:
 * @self: a request
 *
 * Stops this request: its connection is closed and it ends as cancelled.
 * Does nothing when it is not running.
 */
void
offload_fetch_request_cancel (OffloadFetchRequest *self)
{
  g_return_if_fail (OFFLOAD_IS_FETCH_REQUEST (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static void
set_state (OffloadFetchRequest *self,
           OffloadFetchState    state,
           gboolean            *changed)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  *changed = TRUE;
}

/**
 * offload_fetch_request_update:
 * @self: a request
 *
 * Brings the properties up to date with the worker thread's progress and
 * notifies what changed. Main thread only.
 *
 * Returns: whether anything changed
 */
gboolean
offload_fetch_request_update (OffloadFetchRequest *self)
{
  OffloadFetchState state;
  guint64 received;
  gint64 expected;
  gboolean changed = FALSE;

  g_return_val_if_fail (OFFLOAD_IS_FETCH_REQUEST (self), FALSE);

  /* Once finished, the result is the truth. */
  if (self->result != NULL)
    return FALSE;

  state = SHARED_GET (self->shared.state);
  received = SHARED_GET (self->shared.received);
  expected = SHARED_GET (self->shared.expected);
  self->started = SHARED_GET (self->shared.started);
  self->first_byte = SHARED_GET (self->shared.first_byte);

  g_object_freeze_notify (G_OBJECT (self));

  set_state (self, state, &changed);

  if (self->bytes_received != received || self->bytes_expected != expected)
    {
      if (self->bytes_received != received)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_RECEIVED]);
      if (self->bytes_expected != expected)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_EXPECTED]);
      self->bytes_received = received;
      self->bytes_expected = expected;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
      changed = TRUE;
    }

  g_object_thaw_notify (G_OBJECT (self));

  return changed;
}

/* Main thread: a fresh start for a run. Returns the request's cancellable. */
GCancellable *
offload_fetch_request_prepare (OffloadFetchRequest *self,
                               gint64               queued_time)
{
  gboolean changed = FALSE;

  g_assert (OFFLOAD_IS_FETCH_REQUEST (self));

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->result, offload_fetch_result_free);

  SHARED_SET (self->shared.state, OFFLOAD_FETCH_STATE_QUEUED);
  SHARED_SET (self->shared.received, 0);
  SHARED_SET (self->shared.expected, -1);
  SHARED_SET (self->shared.started, 0);
  SHARED_SET (self->shared.first_byte, 0);

  self->queued = queued_time;
  self->started = 0;
  self->first_byte = 0;

  g_object_freeze_notify (G_OBJECT (self));
  set_state (self, OFFLOAD_FETCH_STATE_QUEUED, &changed);
  self->bytes_received = 0;
  self->bytes_expected = -1;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_RECEIVED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_EXPECTED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
  g_object_thaw_notify (G_OBJECT (self));

  return self->cancellable;
}

/* Any thread. */
void
offload_fetch_request_report_state (OffloadFetchRequest *self,
                                    OffloadFetchState    state,
                                    gint64               when)
{
  /* The time first, so whoever sees the new state sees its time. */
  if (state == OFFLOAD_FETCH_STATE_CONNECTING)
    SHARED_SET (self->shared.started, when);
  else if (state == OFFLOAD_FETCH_STATE_RECEIVING)
    SHARED_SET (self->shared.first_byte, when);
  SHARED_SET (self->shared.state, state);
}

/* Any thread. */
void
offload_fetch_request_report_bytes (OffloadFetchRequest *self,
                                    guint64              received,
                                    gint64               expected)
{
  SHARED_SET (self->shared.expected, expected);
  SHARED_SET (self->shared.received, received);
}

/* Main thread: the request is over; @result holds how it ended. */
void
offload_fetch_request_finish (OffloadFetchRequest *self,
                              OffloadFetchResult  *result)
{
  OffloadFetchState state;
  gboolean changed = FALSE;

  g_assert (OFFLOAD_IS_FETCH_REQUEST (self));
  g_assert (result != NULL);

  if (result->error == NULL)
    state = OFFLOAD_FETCH_STATE_DONE;
  else if (g_error_matches (result->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    state = OFFLOAD_FETCH_STATE_CANCELLED;
  else
    state = OFFLOAD_FETCH_STATE_FAILED;

  g_clear_pointer (&self->result, offload_fetch_result_free);
  self->result = result;
  self->started = result->started;
  self->first_byte = result->first_byte;

  g_object_freeze_notify (G_OBJECT (self));
  if (self->bytes_received != result->bytes_received)
    {
      self->bytes_received = result->bytes_received;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_RECEIVED]);
    }
  if (self->bytes_expected != result->bytes_expected)
    {
      self->bytes_expected = result->bytes_expected;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_EXPECTED]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
  set_state (self, state, &changed);
  g_object_thaw_notify (G_OBJECT (self));
}
