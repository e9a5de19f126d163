/* offload-hud.c: the responsiveness meter
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "offload-hud.h"
#include "offload-latency-graph.h"
#include "offload-pulse.h"

/* The HUD only reads: the window's probe records frames and heartbeats.
 * The graph is redrawn on every frame; the numbers at most four times a
 * second (they would be unreadable faster), and at once when a long task
 * is counted, so a stall shows the moment the loop is back. */

#define LABEL_INTERVAL_US G_GINT64_CONSTANT (250000)

struct _OffloadHud
{
  GtkWidget            parent_instance;

  OffloadLatencyProbe *probe;
  gulong               long_tasks_handler;
  guint                tick_id;
  gint64               labels_updated;

  /* Template children */
  GtkWidget           *box;
  OffloadLatencyGraph *graph;
  GtkLabel            *frames_p50;
  GtkLabel            *frames_p99;
  GtkLabel            *frames_max;
  GtkLabel            *beat_p50;
  GtkLabel            *beat_p99;
  GtkLabel            *beat_max;
  GtkLabel            *long_tasks_label;
  GtkLabel            *longest_label;
  GtkAdjustment       *freeze_adjustment;
};

enum {
  PROP_0,
  PROP_PROBE,
  PROP_FREEZE_SECONDS,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (OffloadHud, offload_hud, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static void
set_ms (GtkLabel *label,
        gboolean  have_samples,
        gint64    value_us)
{
  char text[32];

  if (!have_samples)
    {
      gtk_label_set_label (label, "—");
      return;
    }

  /* Locale-aware decimal separator, as the user expects to read it. */
  g_snprintf (text, sizeof text, "%.1f", value_us / 1000.0);
  gtk_label_set_label (label, text);
}

static void
update_row (const OffloadLatencyStats *stats,
            GtkLabel                  *p50,
            GtkLabel                  *p99,
            GtkLabel                  *max)
{
  gboolean have = offload_latency_stats_get_count (stats) > 0;

  set_ms (p50, have, offload_latency_stats_get_percentile (stats, 50));
  set_ms (p99, have, offload_latency_stats_get_percentile (stats, 99));
  set_ms (max, have, offload_latency_stats_get_max (stats));
}

static void
offload_hud_update_labels (OffloadHud *self)
{
  g_autofree char *count = NULL;
  g_autofree char *longest = NULL;
  guint long_tasks;

  self->labels_updated = g_get_monotonic_time ();

  if (self->probe == NULL)
    return;

  update_row (offload_latency_probe_get_frames (self->probe),
              self->frames_p50, self->frames_p99, self->frames_max);
  update_row (offload_latency_probe_get_heartbeat (self->probe),
              self->beat_p50, self->beat_p99, self->beat_max);

  long_tasks = offload_latency_probe_get_long_tasks (self->probe);
  count = g_strdup_printf ("%u", long_tasks);
  gtk_label_set_label (self->long_tasks_label, count);

  if (long_tasks > 0)
    /* Translators: the longest stall of the main loop, in milliseconds */
    longest = g_strdup_printf (_("longest %.0f"),
                               offload_latency_probe_get_longest_task (self->probe) / 1000.0);
  gtk_label_set_label (self->longest_label, longest != NULL ? longest : "");
}

static gboolean
offload_hud_tick (GtkWidget     *widget,
                  GdkFrameClock *frame_clock,
                  gpointer       user_data)
{
  OffloadHud *self = OFFLOAD_HUD (widget);

  gtk_widget_queue_draw (GTK_WIDGET (self->graph));

  if (g_get_monotonic_time () - self->labels_updated >= LABEL_INTERVAL_US)
    offload_hud_update_labels (self);

  return G_SOURCE_CONTINUE;
}

static void
offload_hud_map (GtkWidget *widget)
{
  OffloadHud *self = OFFLOAD_HUD (widget);

  GTK_WIDGET_CLASS (offload_hud_parent_class)->map (widget);

  offload_hud_update_labels (self);
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (widget, offload_hud_tick, NULL, NULL);
}

static void
offload_hud_unmap (GtkWidget *widget)
{
  OffloadHud *self = OFFLOAD_HUD (widget);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->tick_id);
      self->tick_id = 0;
    }

  GTK_WIDGET_CLASS (offload_hud_parent_class)->unmap (widget);
}

static void
on_freeze_adjustment_changed (OffloadHud *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FREEZE_SECONDS]);
}

static void
offload_hud_dispose (GObject *object)
{
  OffloadHud *self = (OffloadHud *)object;

  offload_hud_set_probe (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), OFFLOAD_TYPE_HUD);

  G_OBJECT_CLASS (offload_hud_parent_class)->dispose (object);
}

static void
offload_hud_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  OffloadHud *self = OFFLOAD_HUD (object);

  switch (prop_id)
    {
    case PROP_PROBE:
      g_value_set_object (value, self->probe);
      break;

    case PROP_FREEZE_SECONDS:
      g_value_set_double (value, offload_hud_get_freeze_seconds (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
offload_hud_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  OffloadHud *self = OFFLOAD_HUD (object);

  switch (prop_id)
    {
    case PROP_PROBE:
      offload_hud_set_probe (self, g_value_get_object (value));
      break;

    case PROP_FREEZE_SECONDS:
      offload_hud_set_freeze_seconds (self, g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
offload_hud_class_init (OffloadHudClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = offload_hud_dispose;
  object_class->get_property = offload_hud_get_property;
  object_class->set_property = offload_hud_set_property;

  widget_class->map = offload_hud_map;
  widget_class->unmap = offload_hud_unmap;

  properties[PROP_PROBE] =
    g_param_spec_object ("probe", NULL, NULL,
                         OFFLOAD_TYPE_LATENCY_PROBE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OffloadHud:freeze-seconds:
   *
   * How long the Freeze button blocks the main loop, 0.1 to 4.5 s: below
   * GNOME's 5 s "not responding" limit.
   */
  properties[PROP_FREEZE_SECONDS] =
    g_param_spec_double ("freeze-seconds", NULL, NULL,
                         0.1, 4.5, 0.5,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (OFFLOAD_TYPE_PULSE);
  g_type_ensure (OFFLOAD_TYPE_LATENCY_GRAPH);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/offload-hud.ui");
  gtk_widget_class_bind_template_child (widget_class, OffloadHud, box);
  gtk_widget_class_bind_template_child (widget_class, OffloadHud, graph);
  gtk_widget_class_bind_template_child (widget_class, OffloadHud, frames_p50);
  gtk_widget_class_bind_template_child (widget_class, OffloadHud, frames_p99);
  gtk_widget_class_bind_template_child (widget_class, OffloadHud, frames_max);
  gtk_widget_class_bind_template_child (widget_class, OffloadHud, beat_p50);
  gtk_widget_class_bind_template_child (widget_class, OffloadHud, beat_p99);
  gtk_widget_class_bind_template_child (widget_class, OffloadHud, beat_max);
  gtk_widget_class_bind_template_child (widget_class, OffloadHud, long_tasks_label);
  gtk_widget_class_bind_template_child (widget_class, OffloadHud, longest_label);
  gtk_widget_class_bind_template_child (widget_class, OffloadHud, freeze_adjustment);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hud");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
offload_hud_init (OffloadHud *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Responsiveness meter"),
                                  -1);

  g_signal_connect_object (self->freeze_adjustment, "value-changed",
                           G_CALLBACK (on_freeze_adjustment_changed), self, G_CONNECT_SWAPPED);
}

GtkWidget *
offload_hud_new (void)
{
  return g_object_new (OFFLOAD_TYPE_HUD, NULL);
}

/**
 * offload_hud_get_probe:
 * @self: a HUD
 *
 * Returns: (transfer none) (nullable): the probe it shows
 */
OffloadLatencyProbe *
offload_hud_get_probe (OffloadHud *self)
{
  g_return_val_if_fail (OFFLOAD_IS_HUD (self), NULL);

  return self->probe;
}

void
offload_hud_set_probe (OffloadHud          *self,
                       OffloadLatencyProbe *probe)
{
  g_return_if_fail (OFFLOAD_IS_HUD (self));
  g_return_if_fail (probe == NULL || OFFLOAD_IS_LATENCY_PROBE (probe));

  if (self->probe == probe)
    return;

  g_clear_signal_handler (&self->long_tasks_handler, self->probe);
  g_set_object (&self->probe, probe);

  if (probe != NULL)
    self->long_tasks_handler =
      g_signal_connect_object (probe, "notify::long-tasks",
                               G_CALLBACK (offload_hud_update_labels), self, G_CONNECT_SWAPPED);

  if (self->graph != NULL)
    offload_latency_graph_set_probe (self->graph, probe);
  offload_hud_update_labels (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBE]);
}

double
offload_hud_get_freeze_seconds (OffloadHud *self)
{
  g_return_val_if_fail (OFFLOAD_IS_HUD (self), 0);

  return gtk_adjustment_get_value (self->freeze_adjustment);
}

void
offload_hud_set_freeze_seconds (OffloadHud *self,
                                double      seconds)
{
  g_return_if_fail (OFFLOAD_IS_HUD (self));

  /* The adjustment clamps and notifies through value-changed. */
  gtk_adjustment_set_value (self->freeze_adjustment, seconds);
}
