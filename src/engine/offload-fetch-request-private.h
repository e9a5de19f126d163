/* offload-fetch-request-private.h: what the fetch queue and its threads share
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "offload-fetch-request.h"

G_BEGIN_DECLS

/* The outcome of one request, made in a worker thread and applied to the
 * request on the main thread. */
typedef struct
{
  guint               status;
  char               *reason;
  char               *content_type;
  char               *headers;
  guint64             bytes_received;
  gint64              bytes_expected;
  char               *preview;
  OffloadPreviewKind  preview_kind;
  gboolean            preview_partial;
  GError             *error;
  gint64              started;
  gint64              first_byte;
  gint64              finished;
  char               *thread_name;
  char               *kept_path;      /* a CSV body, kept whole */
  char               *keep_error;     /* why it could not be */
} OffloadFetchResult;

void          offload_fetch_result_free (OffloadFetchResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OffloadFetchResult, offload_fetch_result_free)

/* Main thread: before a run. */
GCancellable *offload_fetch_request_prepare        (OffloadFetchRequest *self,
                                                    gint64               queued_time);
/* Worker threads: progress, stored atomically. */
void          offload_fetch_request_report_state   (OffloadFetchRequest *self,
                                                    OffloadFetchState    state,
                                                    gint64               when);
void          offload_fetch_request_report_bytes   (OffloadFetchRequest *self,
                                                    guint64              received,
                                                    gint64               expected);
/* Main thread: the end. Takes @result. */
void          offload_fetch_request_finish         (OffloadFetchRequest *self,
                                                    OffloadFetchResult  *result);

G_END_DECLS
