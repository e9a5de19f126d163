/* offload-stack.h: a stack's page changed without losing the keyboard focus
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

gboolean offload_focus_is_in  (GtkWidget  *widget);
void     offload_stack_show   (GtkStack   *stack,
                               const char *name,
                               gboolean    with_focus);

G_END_DECLS
