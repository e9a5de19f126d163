/* offload-theme.h: colours for custom drawing that follow the style
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  OFFLOAD_THEME_COLOR_FOREGROUND,
  OFFLOAD_THEME_COLOR_ACCENT,
  OFFLOAD_THEME_COLOR_WARNING,
  OFFLOAD_THEME_COLOR_ERROR,
  OFFLOAD_THEME_COLOR_BACKGROUND,
} OffloadThemeColor;

void offload_theme_get_color (GtkWidget         *widget,
                              OffloadThemeColor  which,
                              GdkRGBA           *color);

G_END_DECLS
