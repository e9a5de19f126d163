/* offload-fetch-page.h: the Fetch page
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "offload-demo-server.h"
#include "offload-fetch-queue.h"

G_BEGIN_DECLS

#define OFFLOAD_TYPE_FETCH_PAGE (offload_fetch_page_get_type ())

G_DECLARE_FINAL_TYPE (OffloadFetchPage, offload_fetch_page, OFFLOAD, FETCH_PAGE, GtkWidget)

GtkWidget         *offload_fetch_page_new          (void);
OffloadFetchQueue *offload_fetch_page_get_queue    (OffloadFetchPage *self);
GListModel        *offload_fetch_page_get_requests (OffloadFetchPage *self);
GListModel        *offload_fetch_page_get_urls     (OffloadFetchPage *self);
guint              offload_fetch_page_add_urls     (OffloadFetchPage *self,
                                                    const char       *text);
OffloadDemoServer *offload_fetch_page_get_demo_server (OffloadFetchPage *self);
AdwToastOverlay   *offload_fetch_page_get_toast_overlay (OffloadFetchPage *self);

char             **offload_fetch_page_undo_urls    (const char * const *before,
                                                    const char * const *after,
                                                    const char * const *now);

G_END_DECLS
