/* offload-theme.c: colours for custom drawing that follow the style
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "offload-theme.h"

/* The widget's own CSS colour is the foreground on every GTK version. The
 * named colours of libadwaita are looked up where the floor's API still
 * finds them; the fallbacks are the GNOME palette colours that libadwaita
 * itself uses for them, so a newer runtime draws the same thing. */
void
offload_theme_get_color (GtkWidget         *widget,
                         OffloadThemeColor  which,
                         GdkRGBA           *color)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  const char *name = NULL;
  const char *fallback = NULL;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (color != NULL);

  switch (which)
    {
    case OFFLOAD_THEME_COLOR_FOREGROUND:
#if GTK_CHECK_VERSION (4, 10, 0)
      gtk_widget_get_color (widget, color);
#else
      gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
#endif
      return;

    case OFFLOAD_THEME_COLOR_ACCENT:
      name = "accent_color";
      fallback = dark ? "#78aeed" : "#1c71d8";
      break;

    case OFFLOAD_THEME_COLOR_WARNING:
      name = "warning_color";
      fallback = dark ? "#f8e45c" : "#9c6e03";
      break;

    case OFFLOAD_THEME_COLOR_ERROR:
      name = "error_color";
      fallback = dark ? "#ff7b63" : "#c01c28";
      break;

    case OFFLOAD_THEME_COLOR_BACKGROUND:
      name = "window_bg_color";
      fallback = dark ? "#242424" : "#fafafa";
      break;

    default:
      g_assert_not_reached ();
    }

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name, color))
    return;
  G_GNUC_END_IGNORE_DEPRECATIONS

  gdk_rgba_parse (color, fallback);
}
