/* offload-test-ui.h: the real window, for UI tests under Xvfb
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "offload-application.h"
#include "offload-test-utils.h"
#include "offload-window.h"

G_BEGIN_DECLS

void           offload_test_ui_init     (int         *argc,
                                         char      ***argv);
int            offload_test_ui_run      (void);
OffloadWindow *offload_test_ui_window   (void);
GtkWidget     *offload_test_find        (GtkWidget   *root,
                                         const char  *id,
                                         GType        type);
GPtrArray     *offload_test_find_all    (GtkWidget   *root,
                                         GType        type);
const char    *offload_test_label_text  (GtkWidget   *root,
                                         const char  *id);
gboolean       offload_test_shows_label (GtkWidget   *root,
                                         const char  *text);
void           offload_test_answer_chooser (const char *title,
                                            GFile      *file);
gboolean       offload_test_drop        (GtkWidget    *widget,
                                         const GValue *value);
void           offload_test_ui_close_window (GObject  *watched);
void           offload_test_assert_icon_buttons_labelled (GtkWidget *root);

G_END_DECLS
