/* offload-file-chooser.h: choose a file to open or save, on any GTK
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void   offload_file_chooser_open_async  (GtkWindow           *parent,
                                         const char          *title,
                                         const char          *accept_label,
                                         GListModel          *filters,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
void   offload_file_chooser_save_async  (GtkWindow           *parent,
                                         const char          *title,
                                         const char          *accept_label,
                                         GListModel          *filters,
                                         const char          *initial_name,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
GFile *offload_file_chooser_finish      (GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
