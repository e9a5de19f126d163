/* offload-fetch-queue.h: many HTTP requests at once, in worker threads
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "offload-fetch-request.h"

G_BEGIN_DECLS

#define OFFLOAD_FETCH_CONCURRENCY_MIN      1
#define OFFLOAD_FETCH_CONCURRENCY_MAX      64
#define OFFLOAD_FETCH_CONCURRENCY_DEFAULT  8
#define OFFLOAD_FETCH_TIMEOUT_DEFAULT      30
#define OFFLOAD_FETCH_MAX_BODY_DEFAULT     (G_GUINT64_CONSTANT (64) * 1024 * 1024)

#define OFFLOAD_TYPE_FETCH_QUEUE (offload_fetch_queue_get_type ())

G_DECLARE_FINAL_TYPE (OffloadFetchQueue, offload_fetch_queue, OFFLOAD, FETCH_QUEUE, GObject)

OffloadFetchQueue *offload_fetch_queue_new              (void);
guint              offload_fetch_queue_get_concurrency  (OffloadFetchQueue    *self);
void               offload_fetch_queue_set_concurrency  (OffloadFetchQueue    *self,
                                                         guint                 concurrency);
guint              offload_fetch_queue_get_timeout      (OffloadFetchQueue    *self);
void               offload_fetch_queue_set_timeout      (OffloadFetchQueue    *self,
                                                         guint                 seconds);
void               offload_fetch_queue_set_proxy_resolver (OffloadFetchQueue  *self,
                                                           GProxyResolver     *resolver);
void               offload_fetch_queue_set_previews     (OffloadFetchQueue    *self,
                                                         gboolean              previews);
void               offload_fetch_queue_set_keep_csv_dir (OffloadFetchQueue    *self,
                                                         const char           *dir);
guint64            offload_fetch_queue_get_max_body     (OffloadFetchQueue    *self);
void               offload_fetch_queue_set_max_body     (OffloadFetchQueue    *self,
                                                         guint64               max_body);
gboolean           offload_fetch_queue_get_running      (OffloadFetchQueue    *self);
guint              offload_fetch_queue_get_n_requests   (OffloadFetchQueue    *self);
guint              offload_fetch_queue_get_n_finished   (OffloadFetchQueue    *self);
guint              offload_fetch_queue_get_n_failed     (OffloadFetchQueue    *self);
guint              offload_fetch_queue_get_n_cancelled  (OffloadFetchQueue    *self);
guint64            offload_fetch_queue_get_bytes_received (OffloadFetchQueue  *self);
void               offload_fetch_queue_update           (OffloadFetchQueue    *self);
void               offload_fetch_queue_run_async        (OffloadFetchQueue    *self,
                                                         GListModel           *requests,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean           offload_fetch_queue_run_finish       (OffloadFetchQueue    *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
gboolean           offload_fetch_queue_run_blocking     (OffloadFetchQueue    *self,
                                                         GListModel           *requests,
                                                         gint64                budget_us,
                                                         GCancellable         *cancellable,
                                                         GError              **error);

G_END_DECLS
