/* offload-fetch-request.h: one HTTP request, its progress and its result
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "offload-body-preview.h"

G_BEGIN_DECLS

typedef enum {
  OFFLOAD_FETCH_STATE_QUEUED,
  OFFLOAD_FETCH_STATE_CONNECTING,
  OFFLOAD_FETCH_STATE_WAITING,       /* sent, no answer yet */
  OFFLOAD_FETCH_STATE_RECEIVING,
  OFFLOAD_FETCH_STATE_DONE,
  OFFLOAD_FETCH_STATE_FAILED,
  OFFLOAD_FETCH_STATE_CANCELLED,
} OffloadFetchState;

GType offload_fetch_state_get_type (void) G_GNUC_CONST;
#define OFFLOAD_TYPE_FETCH_STATE (offload_fetch_state_get_type ())

/**
 * OffloadFetchError:
 *
 * Why a request failed. Cancellation is %G_IO_ERROR_CANCELLED, not one of
 * these: it is not a failure of the request.
 */
typedef enum {
  OFFLOAD_FETCH_ERROR_INVALID_URL,
  OFFLOAD_FETCH_ERROR_UNSUPPORTED_SCHEME,
  OFFLOAD_FETCH_ERROR_HOST_NOT_FOUND,
  OFFLOAD_FETCH_ERROR_CONNECTION_REFUSED,
  OFFLOAD_FETCH_ERROR_TLS,
  OFFLOAD_FETCH_ERROR_TIMEOUT,
  OFFLOAD_FETCH_ERROR_DEADLINE,
  OFFLOAD_FETCH_ERROR_HTTP_STATUS,
  OFFLOAD_FETCH_ERROR_CONNECTION_RESET,
  OFFLOAD_FETCH_ERROR_TRUNCATED,
  OFFLOAD_FETCH_ERROR_TOO_LARGE,
  OFFLOAD_FETCH_ERROR_TOO_MANY_REDIRECTS,
  OFFLOAD_FETCH_ERROR_NETWORK,
} OffloadFetchError;

#define OFFLOAD_FETCH_ERROR (offload_fetch_error_quark ())
GQuark offload_fetch_error_quark (void);

#define OFFLOAD_TYPE_FETCH_REQUEST (offload_fetch_request_get_type ())

G_DECLARE_FINAL_TYPE (OffloadFetchRequest, offload_fetch_request, OFFLOAD, FETCH_REQUEST, GObject)

char                *offload_url_hide_password                (const char          *url);
char                *offload_url_line_strip                   (char                *line);
char               **offload_url_line_split                   (const char          *line);
gboolean             offload_url_is_web                       (const char          *text);
char                *offload_url_suggest                      (const char          *text);

OffloadFetchRequest *offload_fetch_request_new                (const char          *url);
const char          *offload_fetch_request_get_url            (OffloadFetchRequest *self);
OffloadFetchState    offload_fetch_request_get_state          (OffloadFetchRequest *self);
gboolean             offload_fetch_request_is_finished        (OffloadFetchRequest *self);
guint                offload_fetch_request_get_status         (OffloadFetchRequest *self);
const char          *offload_fetch_request_get_reason         (OffloadFetchRequest *self);
guint64              offload_fetch_request_get_bytes_received (OffloadFetchRequest *self);
gint64               offload_fetch_request_get_bytes_expected (OffloadFetchRequest *self);
double               offload_fetch_request_get_fraction       (OffloadFetchRequest *self);
const char          *offload_fetch_request_get_content_type   (OffloadFetchRequest *self);
const char          *offload_fetch_request_get_headers        (OffloadFetchRequest *self);
const GError        *offload_fetch_request_get_error          (OffloadFetchRequest *self);
const char          *offload_fetch_request_get_error_message  (OffloadFetchRequest *self);
const char          *offload_fetch_request_get_preview        (OffloadFetchRequest *self);
const char          *offload_fetch_request_get_kept_path      (OffloadFetchRequest *self);
const char          *offload_fetch_request_get_keep_error     (OffloadFetchRequest *self);
OffloadPreviewKind   offload_fetch_request_get_preview_kind   (OffloadFetchRequest *self);
gboolean             offload_fetch_request_get_preview_partial (OffloadFetchRequest *self);
gint64               offload_fetch_request_get_queued_time    (OffloadFetchRequest *self);
gint64               offload_fetch_request_get_started_time   (OffloadFetchRequest *self);
gint64               offload_fetch_request_get_first_byte_time (OffloadFetchRequest *self);
gint64               offload_fetch_request_get_finished_time  (OffloadFetchRequest *self);
double               offload_fetch_request_get_elapsed        (OffloadFetchRequest *self);
const char          *offload_fetch_request_get_thread_name    (OffloadFetchRequest *self);
void                 offload_fetch_request_cancel             (OffloadFetchRequest *self);
gboolean             offload_fetch_request_update             (OffloadFetchRequest *self);

G_END_DECLS
