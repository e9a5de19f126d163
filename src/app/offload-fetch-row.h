/* offload-fetch-row.h: one request in the results list
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "offload-fetch-request.h"

G_BEGIN_DECLS

#define OFFLOAD_TYPE_FETCH_ROW (offload_fetch_row_get_type ())

G_DECLARE_FINAL_TYPE (OffloadFetchRow, offload_fetch_row, OFFLOAD, FETCH_ROW, GtkWidget)

GtkWidget           *offload_fetch_row_new         (void);
OffloadFetchRequest *offload_fetch_row_get_request (OffloadFetchRow     *self);
void                 offload_fetch_row_set_request (OffloadFetchRow     *self,
                                                    OffloadFetchRequest *request);

/* Shared with the details view. */
const char *offload_fetch_state_icon_name (OffloadFetchState state);
const char *offload_fetch_state_label     (OffloadFetchState state);

G_END_DECLS
