/* offload-after-paint.h: run something once the next frame is on screen
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void offload_run_after_paint (GtkWidget   *widget,
                              GSourceFunc  func,
                              gpointer     user_data);

G_END_DECLS
