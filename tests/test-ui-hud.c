/* test-ui-hud.c: the real window under Xvfb, and what its meter shows
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>

#include "offload-hud.h"
#include "offload-test-ui.h"

static const char *
label_text (OffloadWindow *window,
            const char    *id)
{
  return offload_test_label_text (GTK_WIDGET (window), id);
}

static OffloadWindow *
get_window (void)
{
  return offload_test_ui_window ();
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
  GtkWidget *stack = offload_test_find (GTK_WIDGET (window), "stack", ADW_TYPE_VIEW_STACK);
  GtkWidget *hud = offload_test_find (GTK_WIDGET (window), "hud", OFFLOAD_TYPE_HUD);
  const char *pages[] = { "fetch", "crunch", "race" };

  g_assert_nonnull (stack);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    g_assert_nonnull (adw_view_stack_get_child_by_name (ADW_VIEW_STACK (stack), pages[i]));

  g_assert_nonnull (hud);
  g_assert_true (gtk_widget_get_mapped (hud));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "freeze"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "hud-visible"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (g_application_get_default ()), "preferences"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (g_application_get_default ()), "about"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (g_application_get_default ()), "quit"));
}

static void
test_freeze_shows_long_task (void)
{
  OffloadWindow *window = get_window ();
  OffloadLatencyProbe *probe = offload_window_get_probe (window);
  const char *longest;
  guint64 frames_before;

  /* The HUD counts frames while the window is shown... */
  offload_test_wait_for (frames_measured, window, "frames to be measured");
  offload_test_wait_for (frames_label_has_number, window, "the frame interval to be shown");

  /* ...starts from a clean slate... */
  g_action_group_activate_action (G_ACTION_GROUP (window), "reset-hud", NULL);
  g_assert_cmpstr (label_text (window, "long_tasks_label"), ==, "0");

  /* ...and shows a freeze of the main loop as a long task of at least its
   * length, in the counter the user reads. */
  frames_before = offload_latency_probe_get_frames_seen (probe);
  g_action_group_activate_action (G_ACTION_GROUP (window), "freeze", g_variant_new_uint32 (300));
  offload_test_wait_for (long_task_shown, window, "the long task to be shown");

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
  GtkWidget *hud = offload_test_find (GTK_WIDGET (window), "hud", OFFLOAD_TYPE_HUD);

  g_action_group_activate_action (G_ACTION_GROUP (window), "hud-visible", NULL);
  g_assert_false (gtk_widget_get_visible (hud));
  g_action_group_activate_action (G_ACTION_GROUP (window), "hud-visible", NULL);
  g_assert_true (gtk_widget_get_visible (hud));
}

int
main (int   argc,
      char *argv[])
{
  offload_test_ui_init (&argc, &argv);

  g_test_add_func ("/offload/ui/window-pages", test_window_pages);
  g_test_add_func ("/offload/ui/freeze-shows-long-task", test_freeze_shows_long_task);
  g_test_add_func ("/offload/ui/hide-hud", test_hide_hud);

  return offload_test_ui_run ();
}
