/* offload-tooltip.c: tooltips whose text changes, without a query each time
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "offload-tooltip.h"

/* gtk_widget_set_tooltip_text() asks, each time the text changes, whether
 * the pointer is over the widget, so that a tooltip on screen can follow:
 * on X11 a round trip to the server (XIQueryPointer). Two hundred rows
 * of a fetch list made at once, each setting a tooltip, held the main
 * loop 40 ms (perf); a row that said its state in its tooltip asked four
 * times a request. Here the text is only kept, and given when GTK asks
 * for a tooltip (query-tooltip), as it does when the pointer rests. */

static GQuark
text_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("offload-tooltip-text");
  return quark;
}

static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard_mode,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  const char *text = g_object_get_qdata (G_OBJECT (widget), text_quark ());

  if (text == NULL || *text == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/**
 * offload_tooltip_set_text:
 * @widget: a widget
 * @text: (nullable): its tooltip, or %NULL for none
 *
 * Like gtk_widget_set_tooltip_text(), but cheap to call again and again:
 * a tooltip already on screen keeps its text until the pointer moves.
 * Call from the main thread only.
 */
void
offload_tooltip_set_text (GtkWidget  *widget,
                          const char *text)
{
  static GQuark connected;
  GObject *object = G_OBJECT (widget);

  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (connected == 0)
    connected = g_quark_from_static_string ("offload-tooltip-connected");
  if (g_object_get_qdata (object, connected) == NULL)
    {
      g_signal_connect (widget, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
      g_object_set_qdata (object, connected, GINT_TO_POINTER (TRUE));
    }
  if (g_strcmp0 (g_object_get_qdata (object, text_quark ()), text) != 0)
    g_object_set_qdata_full (object, text_quark (), g_strdup (text), g_free);
  gtk_widget_set_has_tooltip (widget, text != NULL && *text != '\0');
}
