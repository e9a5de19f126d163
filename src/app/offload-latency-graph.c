/* offload-latency-graph.c: the last seconds of frame intervals and heartbeat lateness
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "offload-latency-graph.h"
#include "offload-theme.h"

/* Draws the probe's rings; it never records anything itself. The owner
 * queues a draw once per frame (the HUD's tick), so drawing costs one
 * pass over at most two rings of 2048 samples. */

#define WINDOW_US      G_GINT64_CONSTANT (10000000)
#define MIN_TOP_US     G_GINT64_CONSTANT (80000)
#define PAD            2.0

struct _OffloadLatencyGraph
{
  GtkWidget            parent_instance;

  OffloadLatencyProbe *probe;
};

enum {
  PROP_0,
  PROP_PROBE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (OffloadLatencyGraph, offload_latency_graph, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

/* A top for the y axis that reads well: 80 ms (room above the 50 ms line
 * for the legend), then 100, 200, 500 ms, 1 s... */
static gint64
nice_top (gint64 max_us)
{
  static const gint64 steps[] = { 1, 2, 5 };
  gint64 scale = 100000;

  if (max_us <= MIN_TOP_US)
    return MIN_TOP_US;

  for (;;)
    {
      for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
        if (steps[i] * scale >= max_us)
          return steps[i] * scale;
      scale *= 10;
    }
}

static gint64
recent_max (const OffloadLatencyStats *stats,
            gint64                     since)
{
  guint n = offload_latency_stats_get_n_recent (stats);
  gint64 max = 0;

  /* Newest first: stop at the first sample older than the window. */
  for (guint i = n; i > 0; i--)
    {
      gint64 ts, value;

      offload_latency_stats_get_recent (stats, i - 1, &ts, &value);
      if (ts < since)
        break;
      max = MAX (max, value);
    }

  return max;
}

static double value_to_y (gint64 value, gint64 top, double height);

/* A step plot: a sample's value holds from the previous sample's time to
 * its own, so a 1.2 s stall is a 1.2 s wide plateau, which is what it was,
 * not a spike or a ramp. */
static void
draw_series (cairo_t                   *cr,
             const OffloadLatencyStats *stats,
             gint64                     now,
             gint64                     top,
             double                     width,
             double                     height,
             const GdkRGBA             *color)
{
  guint n = offload_latency_stats_get_n_recent (stats);
  gboolean started = FALSE;
  gint64 prev_ts = 0;

  gdk_cairo_set_source_rgba (cr, color);
  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  for (guint i = 0; i < n; i++)
    {
      gint64 ts, value, begin;
      double x0, x1, y;

      offload_latency_stats_get_recent (stats, i, &ts, &value);
      begin = i > 0 ? prev_ts : ts - value;
      prev_ts = ts;
      if (ts < now - WINDOW_US)
        continue;

      x0 = width - (double) (now - begin) / (double) WINDOW_US * width;
      x1 = width - (double) (now - ts) / (double) WINDOW_US * width;
      y = value_to_y (value, top, height);

      if (!started)
        cairo_move_to (cr, x0, y);
      else
        cairo_line_to (cr, x0, y);
      cairo_line_to (cr, x1, y);
      started = TRUE;
    }

  cairo_stroke (cr);
}

static double
value_to_y (gint64 value,
            gint64 top,
            double height)
{
  return height - PAD - (double) MIN (value, top) / (double) top * (height - 2 * PAD);
}

/* A dashed line across the plot, its label in the margin on the right
 * where no series is drawn. */
static void
draw_guide (GtkWidget     *widget,
            cairo_t       *cr,
            gint64         value,
            gint64         top,
            double         plot_width,
            double         height,
            const GdkRGBA *color,
            const char    *text)
{
  g_autoptr(PangoLayout) layout = NULL;
  static const double dash[] = { 3.0, 3.0 };
  double y = (int) value_to_y (value, top, height) + 0.5;
  int text_w, text_h;

  layout = gtk_widget_create_pango_layout (widget, text);
  pango_layout_get_pixel_size (layout, &text_w, &text_h);

  gdk_cairo_set_source_rgba (cr, color);
  cairo_set_line_width (cr, 1.0);
  cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
  cairo_move_to (cr, 0, y);
  cairo_line_to (cr, plot_width, y);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  if (text != NULL)
    {
      cairo_move_to (cr, plot_width + 4, CLAMP (y - text_h / 2.0, 0, height - text_h));
      pango_cairo_show_layout (cr, layout);
    }
}

static void
draw_legend (GtkWidget     *widget,
             cairo_t       *cr,
             double         width,
             const GdkRGBA *text_color,
             const GdkRGBA *frames_color,
             const GdkRGBA *beat_color)
{
  const struct {
    const GdkRGBA *color;
    const char    *label;
  } items[] = {
    { frames_color, _("Frame interval") },
    { beat_color, _("Heartbeat lateness") },
  };
  PangoLayout *layouts[G_N_ELEMENTS (items)] = { NULL, };
  guint n = 0;
  double x = 4, end = 4;
  int h = 0;
  GdkRGBA background;

  /* In a narrow window, the items that fit whole, not a cut word. */
  for (n = 0; n < G_N_ELEMENTS (items); n++)
    {
      int w;

      layouts[n] = gtk_widget_create_pango_layout (widget, items[n].label);
      pango_layout_get_pixel_size (layouts[n], &w, &h);
      if (end + 14 + w > width)
        {
          g_object_unref (layouts[n]);
          break;
        }
      end += 14 + w + 12;
    }

  /* On a backdrop of the window's colour: the lines pass under the
   * legend, not through its words. */
  if (n > 0)
    {
      offload_theme_get_color (widget, OFFLOAD_THEME_COLOR_BACKGROUND, &background);
      background.alpha = 0.85f;
      gdk_cairo_set_source_rgba (cr, &background);
      cairo_rectangle (cr, 0, 0, end - 8, h + 4);
      cairo_fill (cr);
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PangoLayout) layout = layouts[i];
      int w;

      pango_layout_get_pixel_size (layout, &w, &h);
      gdk_cairo_set_source_rgba (cr, items[i].color);
      cairo_rectangle (cr, x, 2 + h / 2.0 - 1.5, 10, 3);
      cairo_fill (cr);

      gdk_cairo_set_source_rgba (cr, text_color);
      cairo_move_to (cr, x + 14, 2);
      pango_cairo_show_layout (cr, layout);

      x += 14 + w + 12;
    }
}

static void
offload_latency_graph_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  OffloadLatencyGraph *self = OFFLOAD_LATENCY_GRAPH (widget);
  const OffloadLatencyStats *frames, *beat;
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  g_autofree char *top_text = NULL;
  GdkRGBA fg, dim, faint, frames_color, beat_color, long_color;
  gint64 now, top;
  double plot_width;
  int text_h;
  cairo_t *cr;

  if (self->probe == NULL || width < 1 || height < 1)
    return;

  offload_theme_get_color (widget, OFFLOAD_THEME_COLOR_FOREGROUND, &fg);
  offload_theme_get_color (widget, OFFLOAD_THEME_COLOR_ACCENT, &frames_color);
  offload_theme_get_color (widget, OFFLOAD_THEME_COLOR_WARNING, &beat_color);
  offload_theme_get_color (widget, OFFLOAD_THEME_COLOR_ERROR, &long_color);
  dim = fg;
  dim.alpha *= 0.55f;
  faint = fg;
  faint.alpha *= 0.05f;

  frames = offload_latency_probe_get_frames (self->probe);
  beat = offload_latency_probe_get_heartbeat (self->probe);
  now = g_get_monotonic_time ();
  top = nice_top (MAX (recent_max (frames, now - WINDOW_US),
                       recent_max (beat, now - WINDOW_US)));

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* The plot leaves a margin on the right for the guide labels. */
  {
    g_autoptr(PangoLayout) probe_layout = gtk_widget_create_pango_layout (widget, "000 ms");
    int label_w;

    pango_layout_get_pixel_size (probe_layout, &label_w, &text_h);
    plot_width = MAX (width - label_w - 8, width / 2);
  }

  gdk_cairo_set_source_rgba (cr, &faint);
  cairo_rectangle (cr, 0, 0, plot_width, height);
  cairo_fill (cr);

  /* On a tall scale the two guides meet near the bottom: then only the
   * long-task line keeps its label. */
  draw_guide (widget, cr, OFFLOAD_FRAME_BUDGET_US, top, plot_width, height, &dim,
              value_to_y (OFFLOAD_FRAME_BUDGET_US, top, height)
              - value_to_y (OFFLOAD_LONG_TASK_US, top, height) < text_h
              ? NULL
              /* Translators: the guide line of one 60 Hz frame */
              : _("16.7 ms"));
  draw_guide (widget, cr, OFFLOAD_LONG_TASK_US, top, plot_width, height, &long_color,
              /* Translators: the guide line of a long task */
              _("50 ms"));
  if (top > MIN_TOP_US)
    {
      if (top >= G_USEC_PER_SEC)
        /* Translators: the top of the graph's scale, in seconds */
        top_text = g_strdup_printf (_("%.0f s"), top / 1e6);
      else
        /* Translators: the top of the graph's scale, in milliseconds */
        top_text = g_strdup_printf (_("%.0f ms"), top / 1000.0);
      draw_guide (widget, cr, top, top, plot_width, height, &dim, top_text);
    }

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, plot_width, height);
  cairo_clip (cr);
  draw_series (cr, beat, now, top, plot_width, height, &beat_color);
  draw_series (cr, frames, now, top, plot_width, height, &frames_color);
  cairo_restore (cr);
  draw_legend (widget, cr, plot_width, &dim, &frames_color, &beat_color);

  cairo_destroy (cr);
}

static void
offload_latency_graph_measure (GtkWidget      *widget,
                               GtkOrientation  orientation,
                               int             for_size,
                               int            *minimum,
                               int            *natural,
                               int            *minimum_baseline,
                               int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 120;
      *natural = 480;
    }
  else
    {
      *minimum = 56;
      *natural = 72;
    }
}

static void
offload_latency_graph_dispose (GObject *object)
{
  OffloadLatencyGraph *self = (OffloadLatencyGraph *)object;

  g_clear_object (&self->probe);

  G_OBJECT_CLASS (offload_latency_graph_parent_class)->dispose (object);
}

static void
offload_latency_graph_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  OffloadLatencyGraph *self = OFFLOAD_LATENCY_GRAPH (object);

  switch (prop_id)
    {
    case PROP_PROBE:
      g_value_set_object (value, self->probe);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
offload_latency_graph_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  OffloadLatencyGraph *self = OFFLOAD_LATENCY_GRAPH (object);

  switch (prop_id)
    {
    case PROP_PROBE:
      offload_latency_graph_set_probe (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
offload_latency_graph_class_init (OffloadLatencyGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = offload_latency_graph_dispose;
  object_class->get_property = offload_latency_graph_get_property;
  object_class->set_property = offload_latency_graph_set_property;

  widget_class->snapshot = offload_latency_graph_snapshot;
  widget_class->measure = offload_latency_graph_measure;

  properties[PROP_PROBE] =
    g_param_spec_object ("probe", NULL, NULL,
                         OFFLOAD_TYPE_LATENCY_PROBE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "latencygraph");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
offload_latency_graph_init (OffloadLatencyGraph *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Graph of frame intervals and heartbeat lateness "
                                    "over the last ten seconds"),
                                  -1);
}

GtkWidget *
offload_latency_graph_new (void)
{
  return g_object_new (OFFLOAD_TYPE_LATENCY_GRAPH, NULL);
}

/**
 * offload_latency_graph_get_probe:
 * @self: a graph
 *
 * Returns: (transfer none) (nullable): the probe it draws
 */
OffloadLatencyProbe *
offload_latency_graph_get_probe (OffloadLatencyGraph *self)
{
  g_return_val_if_fail (OFFLOAD_IS_LATENCY_GRAPH (self), NULL);

  return self->probe;
}

void
offload_latency_graph_set_probe (OffloadLatencyGraph *self,
                                 OffloadLatencyProbe *probe)
{
  g_return_if_fail (OFFLOAD_IS_LATENCY_GRAPH (self));
  g_return_if_fail (probe == NULL || OFFLOAD_IS_LATENCY_PROBE (probe));

  if (g_set_object (&self->probe, probe))
    {
      gtk_widget_queue_draw (GTK_WIDGET (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBE]);
    }
}
