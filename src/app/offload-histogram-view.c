/* offload-histogram-view.c: the histogram of one numeric column
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "offload-histogram-view.h"
#include "offload-theme.h"

/* Bars in the accent colour on the widget's own background, labels in its
 * foreground colour: whatever the style (light, dark, high contrast), the
 * histogram reads like the text around it. The widget keeps copies of the
 * edges and counts, so the result they came from may go away. */

#define MIN_BAR_GAP_WIDTH 4.0

struct _OffloadHistogramView
{
  GtkWidget  parent_instance;

  guint      n_bins;
  double    *edges;   /* n_bins + 1 */
  guint64   *bins;    /* n_bins */
  guint64    max_count;
  guint64    total;
  int        hovered; /* -1 for none */
};

enum {
  PROP_0,
  PROP_N_BINS,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (OffloadHistogramView, offload_histogram_view, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static char *
format_count (guint64 count)
{
  /* Grouped as the locale groups thousands. */
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, count);
}

/* Enough decimals to tell one edge from the next, and no exponent for
 * the numbers people write without one. */
static char *
format_edge (OffloadHistogramView *self,
             double                value)
{
  double step = (self->edges[self->n_bins] - self->edges[0]) / self->n_bins;
  double magnitude = MAX (fabs (self->edges[0]), fabs (self->edges[self->n_bins]));
  int decimals = 0;

  if (!isfinite (value))
    return g_strdup_printf ("%g", value);
  if (!(step > 0) || !isfinite (step))
    return g_strdup_printf ("%.6g", value);

  decimals = 1 - (int) floor (log10 (step));
  /* Large, tiny, or a narrow range far from zero (1e15 to 1e15 + 2000
   * read "1e+15 to under 1e+15"): as many significant digits as tell
   * the edges apart. */
  if (magnitude >= 1e15 || (magnitude > 0 && magnitude < 1e-6) || decimals > 8)
    {
      int digits = CLAMP ((int) ceil (log10 (magnitude / step)) + 2, 4, 17);

      return g_strdup_printf ("%.*g", digits, value);
    }
  decimals = MAX (decimals, 0);
  /* An edge just below zero (edges lie on a grid of powers of two) reads
   * 0.000, not -0.000. */
  if (fabs (value) < 0.5 * pow (10, -decimals))
    value = 0;

  /* Grouped as the locale groups thousands. */
  return g_strdup_printf ("%'.*f", decimals, value);
}

/* Where the plot is inside the widget: the room left of it holds the
 * count labels, the room below it the edge labels. */
typedef struct
{
  double x, y, width, height;
} PlotArea;

static void
get_plot_area (OffloadHistogramView *self,
               PangoLayout          *count_layout,
               PangoLayout          *edge_layout,
               PlotArea             *area)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  int count_w, count_h, edge_w, edge_h;

  pango_layout_get_pixel_size (count_layout, &count_w, &count_h);
  pango_layout_get_pixel_size (edge_layout, &edge_w, &edge_h);

  area->x = count_w + 8;
  area->y = count_h / 2.0;
  area->width = MAX (1, width - area->x - 4);
  area->height = MAX (1, height - area->y - edge_h - 6);
}

static PangoLayout *
create_count_layout (OffloadHistogramView *self)
{
  g_autofree char *text = format_count (self->max_count);

  return gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
}

static void
append_layout (GtkSnapshot   *snapshot,
               PangoLayout   *layout,
               double         x,
               double         y,
               const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) x, (float) y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
offload_histogram_view_snapshot (GtkWidget   *widget,
                                 GtkSnapshot *snapshot)
{
  OffloadHistogramView *self = OFFLOAD_HISTOGRAM_VIEW (widget);
  g_autoptr(PangoLayout) count_layout = NULL;
  g_autoptr(PangoLayout) zero_layout = NULL;
  g_autoptr(PangoLayout) min_layout = NULL;
  g_autoptr(PangoLayout) max_layout = NULL;
  g_autofree char *min_text = NULL;
  g_autofree char *max_text = NULL;
  GdkRGBA fg, dim, faint, accent, hovered;
  PlotArea area;
  double bar_width, gap;
  int w, h;

  if (gtk_widget_get_width (widget) < 1 || gtk_widget_get_height (widget) < 1)
    return;

  offload_theme_get_color (widget, OFFLOAD_THEME_COLOR_FOREGROUND, &fg);
  offload_theme_get_color (widget, OFFLOAD_THEME_COLOR_ACCENT, &accent);
  dim = fg;
  dim.alpha *= 0.55f;
  faint = fg;
  faint.alpha *= 0.15f;
  hovered = accent;
  accent.alpha *= 0.75f;

  if (self->n_bins == 0)
    {
      g_autoptr(PangoLayout) layout =
        gtk_widget_create_pango_layout (widget, _("No finite values to draw"));

      pango_layout_get_pixel_size (layout, &w, &h);
      append_layout (snapshot, layout, (gtk_widget_get_width (widget) - w) / 2.0,
                     (gtk_widget_get_height (widget) - h) / 2.0, &dim);
      return;
    }

  count_layout = create_count_layout (self);
  min_text = format_edge (self, self->edges[0]);
  max_text = format_edge (self, self->edges[self->n_bins]);
  min_layout = gtk_widget_create_pango_layout (widget, min_text);
  max_layout = gtk_widget_create_pango_layout (widget, max_text);
  zero_layout = gtk_widget_create_pango_layout (widget, "0");
  get_plot_area (self, count_layout, min_layout, &area);

  /* The guide at the largest count, and the baseline. */
  gtk_snapshot_append_color (snapshot, &faint,
                             &GRAPHENE_RECT_INIT ((float) area.x, (float) area.y,
                                                  (float) area.width, 1));
  gtk_snapshot_append_color (snapshot, &dim,
                             &GRAPHENE_RECT_INIT ((float) area.x,
                                                  (float) (area.y + area.height),
                                                  (float) area.width, 1));

  bar_width = area.width / self->n_bins;
  gap = bar_width >= MIN_BAR_GAP_WIDTH ? 1 : 0;
  for (guint i = 0; i < self->n_bins; i++)
    {
      double bar_height;

      if (self->bins[i] == 0 || self->max_count == 0)
        continue;

      /* A bin with few values stays visible as at least a hairline. */
      bar_height = MAX (1, (double) self->bins[i] / (double) self->max_count * area.height);
      gtk_snapshot_append_color (snapshot, (int) i == self->hovered ? &hovered : &accent,
                                 &GRAPHENE_RECT_INIT ((float) (area.x + i * bar_width),
                                                      (float) (area.y + area.height
                                                               - bar_height),
                                                      (float) MAX (1, bar_width - gap),
                                                      (float) bar_height));
    }

  /* Axis labels: the largest count and 0 on the left, the outer edges
   * below. */
  pango_layout_get_pixel_size (count_layout, &w, &h);
  append_layout (snapshot, count_layout, area.x - 6 - w, area.y - h / 2.0, &dim);
  pango_layout_get_pixel_size (zero_layout, &w, &h);
  append_layout (snapshot, zero_layout, area.x - 6 - w, area.y + area.height - h / 2.0, &dim);
  append_layout (snapshot, min_layout, area.x, area.y + area.height + 4, &dim);
  pango_layout_get_pixel_size (max_layout, &w, &h);
  append_layout (snapshot, max_layout, area.x + area.width - w, area.y + area.height + 4, &dim);
}

static int
bin_at (OffloadHistogramView *self,
        double                x,
        double                y)
{
  g_autoptr(PangoLayout) count_layout = NULL;
  g_autoptr(PangoLayout) edge_layout = NULL;
  PlotArea area;
  int bin;

  if (self->n_bins == 0)
    return -1;

  count_layout = create_count_layout (self);
  edge_layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), "0");
  get_plot_area (self, count_layout, edge_layout, &area);

  if (x < area.x || x >= area.x + area.width || y < 0 || y > area.y + area.height)
    return -1;

  bin = (int) ((x - area.x) / area.width * self->n_bins);
  return CLAMP (bin, 0, (int) self->n_bins - 1);
}

static void
set_hovered (OffloadHistogramView *self,
             int                   bin)
{
  if (self->hovered == bin)
    return;

  self->hovered = bin;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           OffloadHistogramView     *self)
{
  set_hovered (self, bin_at (self, x, y));
}

static void
on_leave (GtkEventControllerMotion *controller,
          OffloadHistogramView     *self)
{
  set_hovered (self, -1);
}

static gboolean
offload_histogram_view_query_tooltip (GtkWidget  *widget,
                                      int         x,
                                      int         y,
                                      gboolean    keyboard_mode,
                                      GtkTooltip *tooltip)
{
  OffloadHistogramView *self = OFFLOAD_HISTOGRAM_VIEW (widget);
  int bin = bin_at (self, x, y);
  g_autofree char *low = NULL;
  g_autofree char *high = NULL;
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;

  if (bin < 0)
    return FALSE;

  low = format_edge (self, self->edges[bin]);
  high = format_edge (self, self->edges[bin + 1]);
  count = format_count (self->bins[bin]);
  /* Every bin holds its lower edge and not its upper one, the last too:
   * it ends with the grid cell of the maximum, a little past it, and
   * rounded for the label it can read as the maximum itself ("to under
   * 2000" of a bar holding 2000): so the last bar says "to". */
  if ((guint) bin + 1 == self->n_bins)
    text = g_strdup_printf (/* Translators: the last histogram bar's tooltip, which holds
                             * the largest value */
                            g_dngettext (GETTEXT_PACKAGE, "%s to %s: %s value",
                                         "%s to %s: %s values", self->bins[bin]),
                            low, high, count);
  else
    text = g_strdup_printf (/* Translators: a histogram bar's tooltip */
                            g_dngettext (GETTEXT_PACKAGE, "%s to under %s: %s value",
                                         "%s to under %s: %s values", self->bins[bin]),
                            low, high, count);
  gtk_tooltip_set_text (tooltip, text);

  return TRUE;
}

static void
offload_histogram_view_measure (GtkWidget      *widget,
                                GtkOrientation  orientation,
                                int             for_size,
                                int            *minimum,
                                int            *natural,
                                int            *minimum_baseline,
                                int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 160;
      *natural = 480;
    }
  else
    {
      *minimum = 80;
      *natural = 180;
    }
}

static void
update_description (OffloadHistogramView *self)
{
  g_autofree char *low = NULL;
  g_autofree char *high = NULL;
  g_autofree char *largest = NULL;
  g_autofree char *text = NULL;

  if (self->n_bins == 0)
    {
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      return;
    }

  low = format_edge (self, self->edges[0]);
  high = format_edge (self, self->edges[self->n_bins]);
  largest = format_count (self->max_count);
  /* Translators: what a screen reader says of a histogram */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u bin from %s to %s; the largest holds %s values",
                                       "%u bins from %s to %s; the largest holds %s values",
                                       self->n_bins),
                          self->n_bins, low, high, largest);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

static void
offload_histogram_view_finalize (GObject *object)
{
  OffloadHistogramView *self = (OffloadHistogramView *)object;

  g_clear_pointer (&self->edges, g_free);
  g_clear_pointer (&self->bins, g_free);

  G_OBJECT_CLASS (offload_histogram_view_parent_class)->finalize (object);
}

static void
offload_histogram_view_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  OffloadHistogramView *self = OFFLOAD_HISTOGRAM_VIEW (object);

  switch (prop_id)
    {
    case PROP_N_BINS:
      g_value_set_uint (value, self->n_bins);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
offload_histogram_view_class_init (OffloadHistogramViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = offload_histogram_view_finalize;
  object_class->get_property = offload_histogram_view_get_property;

  widget_class->snapshot = offload_histogram_view_snapshot;
  widget_class->measure = offload_histogram_view_measure;
  widget_class->query_tooltip = offload_histogram_view_query_tooltip;

  /**
   * OffloadHistogramView:n-bins:
   *
   * How many bins it draws; 0 when it has nothing to draw.
   */
  properties[PROP_N_BINS] =
    g_param_spec_uint ("n-bins", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "histogramview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
offload_histogram_view_init (OffloadHistogramView *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->hovered = -1;

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Histogram"),
                                  -1);
}

GtkWidget *
offload_histogram_view_new (void)
{
  return g_object_new (OFFLOAD_TYPE_HISTOGRAM_VIEW, NULL);
}

/**
 * offload_histogram_view_set_data:
 * @self: a histogram view
 * @n_bins: how many bins; 0 to draw nothing
 * @edges: (array length=n_bins) (nullable): the @n_bins + 1 edges, in order
 * @bins: (nullable): the @n_bins counts; each bin holds its lower edge, not its upper one
 *
 * Draws these counts. The view keeps copies.
 */
void
offload_histogram_view_set_data (OffloadHistogramView *self,
                                 guint                 n_bins,
                                 const double         *edges,
                                 const guint64        *bins)
{
  guint old_n_bins;

  g_return_if_fail (OFFLOAD_IS_HISTOGRAM_VIEW (self));
  g_return_if_fail (n_bins == 0 || (edges != NULL && bins != NULL));

  old_n_bins = self->n_bins;
  g_clear_pointer (&self->edges, g_free);
  g_clear_pointer (&self->bins, g_free);
  self->n_bins = n_bins;
  self->max_count = 0;
  self->total = 0;
  self->hovered = -1;

  if (n_bins > 0)
    {
      self->edges = g_memdup2 (edges, sizeof (double) * (n_bins + 1));
      self->bins = g_memdup2 (bins, sizeof (guint64) * n_bins);
      for (guint i = 0; i < n_bins; i++)
        {
          self->max_count = MAX (self->max_count, bins[i]);
          self->total += bins[i];
        }
    }

  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  if (old_n_bins != n_bins)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_BINS]);
}

/**
 * offload_histogram_view_clear:
 * @self: a histogram view
 *
 * Draws nothing any more.
 */
void
offload_histogram_view_clear (OffloadHistogramView *self)
{
  g_return_if_fail (OFFLOAD_IS_HISTOGRAM_VIEW (self));

  offload_histogram_view_set_data (self, 0, NULL, NULL);
}

/**
 * offload_histogram_view_get_n_bins:
 * @self: a histogram view
 *
 * Returns: how many bins it draws, 0 for none
 */
guint
offload_histogram_view_get_n_bins (OffloadHistogramView *self)
{
  g_return_val_if_fail (OFFLOAD_IS_HISTOGRAM_VIEW (self), 0);

  return self->n_bins;
}

/**
 * offload_histogram_view_get_max_count:
 * @self: a histogram view
 *
 * Returns: the count of the fullest bin, the top of the scale
 */
guint64
offload_histogram_view_get_max_count (OffloadHistogramView *self)
{
  g_return_val_if_fail (OFFLOAD_IS_HISTOGRAM_VIEW (self), 0);

  return self->max_count;
}

/**
 * offload_histogram_view_get_total:
 * @self: a histogram view
 *
 * Returns: the sum of the counts: the finite values drawn
 */
guint64
offload_histogram_view_get_total (OffloadHistogramView *self)
{
  g_return_val_if_fail (OFFLOAD_IS_HISTOGRAM_VIEW (self), 0);

  return self->total;
}
