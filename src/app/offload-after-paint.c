/* offload-after-paint.c: run something once the next frame is on screen
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "offload-after-paint.h"

/* The blocking mode shows a "frozen" label and then blocks the main loop:
 * the label must be painted first. A tick callback makes sure a frame
 * comes; the frame clock's after-paint then says it was drawn, and the
 * work is queued at default priority, ahead of the next frame. An idle at
 * G_PRIORITY_DEFAULT_IDLE is not enough: while the meter animates and a
 * software renderer makes every frame longer than the refresh interval,
 * the next frame is always due first and such an idle never runs. */

typedef struct
{
  GtkWidget   *widget;      /* owned */
  GSourceFunc  func;
  gpointer     user_data;
  gulong       handler;
  GdkFrameClock *clock;     /* owned, while connected */
} AfterPaint;

static void
after_paint_free (gpointer data)
{
  AfterPaint *state = data;

  g_clear_object (&state->widget);
  g_free (state);
}

static gboolean
run_now (gpointer data)
{
  AfterPaint *state = data;

  state->func (state->user_data);

  return G_SOURCE_REMOVE;
}

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       data)
{
  AfterPaint *state = data;

  g_clear_signal_handler (&state->handler, clock);
  g_clear_object (&state->clock);
  g_idle_add_full (G_PRIORITY_DEFAULT, run_now, state, after_paint_free);
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       data)
{
  AfterPaint *state = data;

  state->clock = g_object_ref (clock);
  state->handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), state);

  return G_SOURCE_REMOVE;
}

/* The widget was unrealized before its next frame: nothing will run. */
static void
on_tick_removed (gpointer data)
{
  AfterPaint *state = data;

  if (state->clock == NULL)
    after_paint_free (state);
}

/**
 * offload_run_after_paint:
 * @widget: a mapped widget
 * @func: what to run, once; its return value is ignored
 * @user_data: for @func; it must stay valid until @func has run (a
 *   reference to @widget is held until then)
 *
 * Runs @func on the main loop once the next frame of @widget has been
 * painted, before the frame after it.
 */
void
offload_run_after_paint (GtkWidget   *widget,
                         GSourceFunc  func,
                         gpointer     user_data)
{
  AfterPaint *state;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (func != NULL);

  state = g_new0 (AfterPaint, 1);
  state->widget = g_object_ref (widget);
  state->func = func;
  state->user_data = user_data;
  gtk_widget_add_tick_callback (widget, on_tick, state, on_tick_removed);
}
