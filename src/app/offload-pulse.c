/* offload-pulse.c: an animation that moves on every frame
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "offload-pulse.h"
#include "offload-theme.h"

/* A dot that swings along a track, redrawn on every frame from the frame
 * clock's time. It moves only while the main loop draws frames, so the
 * moment the loop is blocked it visibly stops: the simplest honest meter. */

#define PERIOD_US  G_GINT64_CONSTANT (1400000)
#define WIDTH      56
#define HEIGHT     18

struct _OffloadPulse
{
  GtkWidget parent_instance;

  guint     tick_id;
  gint64    phase_time;
};

G_DEFINE_FINAL_TYPE (OffloadPulse, offload_pulse, GTK_TYPE_WIDGET)

static gboolean
offload_pulse_tick (GtkWidget     *widget,
                    GdkFrameClock *frame_clock,
                    gpointer       user_data)
{
  OffloadPulse *self = OFFLOAD_PULSE (widget);

  self->phase_time = gdk_frame_clock_get_frame_time (frame_clock);
  gtk_widget_queue_draw (widget);

  return G_SOURCE_CONTINUE;
}

static void
offload_pulse_map (GtkWidget *widget)
{
  OffloadPulse *self = OFFLOAD_PULSE (widget);

  GTK_WIDGET_CLASS (offload_pulse_parent_class)->map (widget);

  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (widget, offload_pulse_tick, NULL, NULL);
}

static void
offload_pulse_unmap (GtkWidget *widget)
{
  OffloadPulse *self = OFFLOAD_PULSE (widget);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->tick_id);
      self->tick_id = 0;
    }

  GTK_WIDGET_CLASS (offload_pulse_parent_class)->unmap (widget);
}

static void
offload_pulse_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  OffloadPulse *self = OFFLOAD_PULSE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  float track_h = HEIGHT / 3.0f;
  float dot = HEIGHT * 0.8f;
  double phase;
  float x;
  GdkRGBA fg, accent;
  GskRoundedRect rect;

  offload_theme_get_color (widget, OFFLOAD_THEME_COLOR_FOREGROUND, &fg);
  offload_theme_get_color (widget, OFFLOAD_THEME_COLOR_ACCENT, &accent);
  fg.alpha *= 0.15f;

  gsk_rounded_rect_init_from_rect (&rect,
                                   &GRAPHENE_RECT_INIT (0, (height - track_h) / 2.0f,
                                                        width, track_h),
                                   track_h / 2.0f);
  gtk_snapshot_push_rounded_clip (snapshot, &rect);
  gtk_snapshot_append_color (snapshot, &fg, &rect.bounds);
  gtk_snapshot_pop (snapshot);

  /* Ease in and out at both ends, like a pendulum. */
  phase = (double) (self->phase_time % PERIOD_US) / (double) PERIOD_US;
  x = (float) ((1.0 - cos (2.0 * G_PI * phase)) / 2.0) * (width - dot);

  gsk_rounded_rect_init_from_rect (&rect,
                                   &GRAPHENE_RECT_INIT (x, (height - dot) / 2.0f, dot, dot),
                                   dot / 2.0f);
  gtk_snapshot_push_rounded_clip (snapshot, &rect);
  gtk_snapshot_append_color (snapshot, &accent, &rect.bounds);
  gtk_snapshot_pop (snapshot);
}

static void
offload_pulse_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? WIDTH : HEIGHT;
}

static void
offload_pulse_class_init (OffloadPulseClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->map = offload_pulse_map;
  widget_class->unmap = offload_pulse_unmap;
  widget_class->snapshot = offload_pulse_snapshot;
  widget_class->measure = offload_pulse_measure;

  gtk_widget_class_set_css_name (widget_class, "pulse");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
offload_pulse_init (OffloadPulse *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Main loop animation: it moves while the interface "
                                    "responds and stops when the main loop is blocked"),
                                  -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("Moves on every frame; stops when the main loop is blocked"));
}

GtkWidget *
offload_pulse_new (void)
{
  return g_object_new (OFFLOAD_TYPE_PULSE, NULL);
}
