/* offload-window.c: the main window
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "offload-crunch-page.h"
#include "offload-fetch-page.h"
#include "offload-hud.h"
#include "offload-window.h"

/* The window owns the latency probe: its tick callback records every frame
 * the window's frame clock produces, the probe's heartbeat records how late
 * the main loop runs a 10 ms timer, and the HUD draws both. */

#define FREEZE_MIN_MS 100
#define FREEZE_MAX_MS 4500

struct _OffloadWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  OffloadLatencyProbe  *probe;
  guint                 tick_id;

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  AdwViewStack         *stack;
  OffloadCrunchPage    *crunch_page;
  OffloadHud           *hud;
};

G_DEFINE_FINAL_TYPE (OffloadWindow, offload_window, ADW_TYPE_APPLICATION_WINDOW)

static gboolean
offload_window_tick (GtkWidget     *widget,
                     GdkFrameClock *frame_clock,
                     gpointer       user_data)
{
  OffloadWindow *self = OFFLOAD_WINDOW (widget);

  /* Not gdk_frame_clock_get_frame_time(): it is snapped to the refresh
   * cycle and would hide the jitter we are here to show. */
  offload_latency_probe_record_frame (self->probe, g_get_monotonic_time ());

  return G_SOURCE_CONTINUE;
}

static void
offload_window_map (GtkWidget *widget)
{
  OffloadWindow *self = OFFLOAD_WINDOW (widget);

  GTK_WIDGET_CLASS (offload_window_parent_class)->map (widget);

  /* GTK would give the focus to the first widget that takes it, the view
   * switcher's Fetch tab, even with the window opened on Crunch: it goes
   * to the shown page's main control instead. */
  if (gtk_root_get_focus (GTK_ROOT (self)) == NULL)
    gtk_widget_grab_focus (adw_view_stack_get_visible_child (self->stack));

  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (widget, offload_window_tick, NULL, NULL);
}

static void
offload_window_unmap (GtkWidget *widget)
{
  OffloadWindow *self = OFFLOAD_WINDOW (widget);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->tick_id);
      self->tick_id = 0;
    }
  /* The time until the window is shown again is not a frame interval. */
  offload_latency_probe_pause_frames (self->probe);

  GTK_WIDGET_CLASS (offload_window_parent_class)->unmap (widget);
}

static gboolean
offload_window_close_request (GtkWindow *window)
{
  OffloadWindow *self = OFFLOAD_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_string (self->settings, "page",
                         adw_view_stack_get_visible_child_name (self->stack));
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (offload_window_parent_class)->close_request (window);
}

/**
 * offload_window_freeze:
 * @self: a window
 * @milliseconds: how long, clamped to 100..4500
 *
 * Blocks the main thread on purpose. This and the labelled blocking modes
 * are the only places Offload does so: it is the contrast that makes the
 * rest of the app's behaviour visible. The limit stays below GNOME's 5 s
 * "not responding" dialog.
 */
void
offload_window_freeze (OffloadWindow *self,
                       guint          milliseconds)
{
  gint64 begin, elapsed;
  AdwToast *toast;
  g_autofree char *title = NULL;

  g_return_if_fail (OFFLOAD_IS_WINDOW (self));

  milliseconds = CLAMP (milliseconds, FREEZE_MIN_MS, FREEZE_MAX_MS);

  begin = g_get_monotonic_time ();
  g_usleep ((gulong) milliseconds * 1000);
  elapsed = g_get_monotonic_time () - begin;

  title = g_strdup_printf (_("The main loop was blocked for %.1f s"), elapsed / 1e6);
  toast = adw_toast_new (title);
  adw_toast_set_timeout (toast, 3);
  offload_window_add_toast (self, toast);
}

/**
 * offload_window_add_toast:
 * @self: a window
 * @toast: (transfer full): a toast
 *
 * Shows @toast over the visible page's results, in that page's own
 * overlay: centred over the whole page, a long toast covered the
 * sidebar's Start and Cancel, and a pointer resting there kept it up. The
 * pages without a sidebar have the window's.
 */
void
offload_window_add_toast (OffloadWindow *self,
                          AdwToast      *toast)
{
  GtkWidget *page;
  AdwToastOverlay *overlay = self->toast_overlay;

  g_return_if_fail (OFFLOAD_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  page = adw_view_stack_get_visible_child (self->stack);
  if (OFFLOAD_IS_FETCH_PAGE (page))
    overlay = offload_fetch_page_get_toast_overlay (OFFLOAD_FETCH_PAGE (page));
  else if (OFFLOAD_IS_CRUNCH_PAGE (page))
    overlay = offload_crunch_page_get_toast_overlay (OFFLOAD_CRUNCH_PAGE (page));

  adw_toast_overlay_add_toast (overlay, toast);
}

static void
freeze_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  offload_window_freeze (OFFLOAD_WINDOW (user_data), g_variant_get_uint32 (parameter));
}

static void
freeze_for_duration_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  OffloadWindow *self = OFFLOAD_WINDOW (user_data);
  double seconds = offload_hud_get_freeze_seconds (self->hud);

  offload_window_freeze (self, (guint) (seconds * 1000 + 0.5));
}

static void
reset_hud_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  OffloadWindow *self = OFFLOAD_WINDOW (user_data);

  offload_latency_probe_reset (self->probe);
}

/**
 * offload_window_open_csv:
 * @self: a window
 * @file: a CSV file from elsewhere: a fetched body, the command line, the
 *   file manager
 *
 * Shows the Crunch page with @file chosen, or, when the page cannot take
 * it now (a run is under way) or at all (not a local file), with a toast
 * that says why.
 */
void
offload_window_open_csv (OffloadWindow *self,
                         GFile         *file)
{
  g_return_if_fail (OFFLOAD_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  adw_view_stack_set_visible_child_name (self->stack, "crunch");
  /* The focus was on the page that went, or elsewhere: Start. Not when
   * the page refused the file during a run: there it is Cancel, which
   * the next Return or Space would press. */
  if (offload_crunch_page_open (self->crunch_page, file))
    gtk_widget_grab_focus (GTK_WIDGET (self->crunch_page));
}

/* A file for the Crunch page, from elsewhere (a fetched CSV body). */
static void
crunch_file_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  OffloadWindow *self = OFFLOAD_WINDOW (user_data);
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (parameter, NULL));

  offload_window_open_csv (self, file);
}

static const GActionEntry win_actions[] = {
  { "crunch-file", crunch_file_action, "s" },
  { "freeze", freeze_action, "u" },
  { "freeze-for-duration", freeze_for_duration_action },
  { "reset-hud", reset_hud_action },
};

static void
offload_window_constructed (GObject *object)
{
  OffloadWindow *self = (OffloadWindow *)object;
  g_autoptr(GAction) hud_visible = NULL;
  g_autofree char *page = NULL;

  G_OBJECT_CLASS (offload_window_parent_class)->constructed (object);

  /* Not the application's instance: "application" is set only after
   * construction. Two GSettings on one schema share their backend. */
  self->settings = g_settings_new (APP_ID);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_settings_bind (self->settings, "hud-visible", self->hud, "visible", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "freeze-seconds", self->hud, "freeze-seconds",
                   G_SETTINGS_BIND_DEFAULT);
  page = g_settings_get_string (self->settings, "page");
  if (adw_view_stack_get_child_by_name (self->stack, page) != NULL)
    adw_view_stack_set_visible_child_name (self->stack, page);

  hud_visible = g_settings_create_action (self->settings, "hud-visible");
  g_action_map_add_action (G_ACTION_MAP (self), hud_visible);
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions),
                                   self);
}

static void
offload_window_dispose (GObject *object)
{
  OffloadWindow *self = (OffloadWindow *)object;

  if (self->probe != NULL)
    offload_latency_probe_stop (self->probe);

  gtk_widget_dispose_template (GTK_WIDGET (self), OFFLOAD_TYPE_WINDOW);

  G_OBJECT_CLASS (offload_window_parent_class)->dispose (object);
}

static void
offload_window_finalize (GObject *object)
{
  OffloadWindow *self = (OffloadWindow *)object;

  g_clear_object (&self->probe);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (offload_window_parent_class)->finalize (object);
}

static void
offload_window_class_init (OffloadWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = offload_window_constructed;
  object_class->dispose = offload_window_dispose;
  object_class->finalize = offload_window_finalize;

  widget_class->map = offload_window_map;
  widget_class->unmap = offload_window_unmap;

  window_class->close_request = offload_window_close_request;

  g_type_ensure (OFFLOAD_TYPE_CRUNCH_PAGE);
  g_type_ensure (OFFLOAD_TYPE_FETCH_PAGE);
  g_type_ensure (OFFLOAD_TYPE_HUD);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/offload-window.ui");
  gtk_widget_class_bind_template_child (widget_class, OffloadWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, OffloadWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, OffloadWindow, crunch_page);
  gtk_widget_class_bind_template_child (widget_class, OffloadWindow, hud);
}

static void
offload_window_init (OffloadWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->probe = offload_latency_probe_new ();
  offload_hud_set_probe (self->hud, self->probe);
  offload_latency_probe_start (self->probe);
}

/**
 * offload_window_new:
 * @application: the application
 *
 * Returns: (transfer full): a new main window
 */
OffloadWindow *
offload_window_new (OffloadApplication *application)
{
  g_return_val_if_fail (OFFLOAD_IS_APPLICATION (application), NULL);

  return g_object_new (OFFLOAD_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/**
 * offload_window_get_probe:
 * @self: a window
 *
 * Returns: (transfer none): the probe that measures this window's main loop
 */
OffloadLatencyProbe *
offload_window_get_probe (OffloadWindow *self)
{
  g_return_val_if_fail (OFFLOAD_IS_WINDOW (self), NULL);

  return self->probe;
}
