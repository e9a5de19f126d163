/* offload-tooltip.h: tooltips whose text changes, without a query each time
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void offload_tooltip_set_text (GtkWidget  *widget,
                               const char *text);

G_END_DECLS
