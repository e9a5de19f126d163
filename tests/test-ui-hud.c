/* test-ui-hud.c: the real window under Xvfb, and what its meter shows
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>

#include "offload-application.h"
#include "offload-hud.h"
#include "offload-window.h"

#define GUARD_SECONDS 60

static OffloadApplication *app;

static gboolean
on_guard (gpointer user_data)
{
  g_error ("timed out waiting for %s", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

typedef gboolean (*Condition) (gpointer data);

static void
wait_for (Condition   condition,
          gpointer    data,
          const char *what)
{
  guint guard = g_timeout_add_seconds (GUARD_SECONDS, on_guard, (gpointer) what);

  while (!condition (data))
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (guard);
}

/* Template ids are not unique across templates (libadwaita's widgets have
 * their own "stack"), so the type must match too. */
static GtkWidget *
find_by_id (GtkWidget  *root,
            const char *id,
            GType       type)
{
  if (g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (root)), id) == 0
      && g_type_is_a (G_OBJECT_TYPE (root), type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_id (child, id, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static const char *
label_text (OffloadWindow *window,
            const char    *id)
{
  GtkWidget *label = find_by_id (GTK_WIDGET (window), id, GTK_TYPE_LABEL);

  g_assert_nonnull (label);
  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_label (GTK_LABEL (label));
}

static OffloadWindow *
get_window (void)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_nonnull (window);
  g_assert_true (OFFLOAD_IS_WINDOW (window));
  return OFFLOAD_WINDOW (window);
}

static gboolean
frames_measured (gpointer data)
{
  OffloadLatencyProbe *probe = offload_window_get_probe (data);

  /* Past the warm-up, with a few dozen real frame intervals recorded. */
  return offload_latency_stats_get_count (offload_latency_probe_get_frames (probe)) >= 30;
}

static gboolean
frames_label_has_number (gpointer data)
{
  return g_strcmp0 (label_text (data, "frames_p50"), "—") != 0;
}

static gboolean
long_task_shown (gpointer data)
{
  return g_strcmp0 (label_text (data, "long_tasks_label"), "0") != 0;
}

static void
test_window_pages (void)
{
  OffloadWindow *window = get_window ();
  GtkWidget *stack = find_by_id (GTK_WIDGET (window), "stack", ADW_TYPE_VIEW_STACK);
  GtkWidget *hud = find_by_id (GTK_WIDGET (window), "hud", OFFLOAD_TYPE_HUD);
  const char *pages[] = { "fetch", "crunch", "race" };

  g_assert_nonnull (stack);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    g_assert_nonnull (adw_view_stack_get_child_by_name (ADW_VIEW_STACK (stack), pages[i]));

  g_assert_nonnull (hud);
  g_assert_true (gtk_widget_get_mapped (hud));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "freeze"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "hud-visible"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "preferences"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "about"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "quit"));
}

static void
test_freeze_shows_long_task (void)
{
  OffloadWindow *window = get_window ();
  OffloadLatencyProbe *probe = offload_window_get_probe (window);
  const char *longest;
  guint64 frames_before;

  /* The HUD counts frames while the window is shown... */
  wait_for (frames_measured, window, "frames to be measured");
  wait_for (frames_label_has_number, window, "the frame interval to be shown");

  /* ...starts from a clean slate... */
  g_action_group_activate_action (G_ACTION_GROUP (window), "reset-hud", NULL);
  g_assert_cmpstr (label_text (window, "long_tasks_label"), ==, "0");

  /* ...and shows a freeze of the main loop as a long task of at least its
   * length, in the counter the user reads. */
  frames_before = offload_latency_probe_get_frames_seen (probe);
  g_action_group_activate_action (G_ACTION_GROUP (window), "freeze", g_variant_new_uint32 (300));
  wait_for (long_task_shown, window, "the long task to be shown");

  g_assert_cmpuint (offload_latency_probe_get_long_tasks (probe), >=, 1);
  g_assert_cmpint (offload_latency_probe_get_longest_task (probe), >=, 300000);
  g_assert_cmpint (offload_latency_stats_get_max (offload_latency_probe_get_heartbeat (probe)),
                   >=, 300000 - OFFLOAD_HEARTBEAT_PERIOD_US);

  g_assert_cmpuint (atoi (label_text (window, "long_tasks_label")), >=, 1);
  longest = label_text (window, "longest_label");
  g_assert_true (g_str_has_prefix (longest, "longest "));
  g_assert_cmpint (atoi (longest + strlen ("longest ")), >=, 300);

  /* The frames after the freeze keep coming: the loop is alive again. */
  while (offload_latency_probe_get_frames_seen (probe) < frames_before + 10)
    g_main_context_iteration (NULL, TRUE);

  /* Reset clears what the user reads. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "reset-hud", NULL);
  g_assert_cmpstr (label_text (window, "long_tasks_label"), ==, "0");
  g_assert_cmpstr (label_text (window, "longest_label"), ==, "");
}

static void
test_hide_hud (void)
{
  OffloadWindow *window = get_window ();
  GtkWidget *hud = find_by_id (GTK_WIDGET (window), "hud", OFFLOAD_TYPE_HUD);

  g_action_group_activate_action (G_ACTION_GROUP (window), "hud-visible", NULL);
  g_assert_false (gtk_widget_get_visible (hud));
  g_action_group_activate_action (G_ACTION_GROUP (window), "hud-visible", NULL);
  g_assert_true (gtk_widget_get_visible (hud));
}

static gboolean
no_windows (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (app)) == NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  /* The strings the test reads are the English ones. */
  g_setenv ("LANGUAGE", "C", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  g_test_init (&argc, &argv, NULL);

  app = offload_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("could not register the application: %s", error->message);
  g_application_activate (G_APPLICATION (app));

  g_test_add_func ("/offload/ui/window-pages", test_window_pages);
  g_test_add_func ("/offload/ui/freeze-shows-long-task", test_freeze_shows_long_task);
  g_test_add_func ("/offload/ui/hide-hud", test_hide_hud);

  ret = g_test_run ();

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  wait_for (no_windows, NULL, "the window to close");
  g_clear_object (&app);

  return ret;
}
