/* test-latency-probe.c
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "offload-latency-probe.h"

/* If a condition never comes true, fail instead of hanging. */
#define GUARD_SECONDS 30

static gboolean
on_guard (gpointer user_data)
{
  g_error ("timed out waiting for %s", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

static void
iterate_until_beats (GMainContext        *context,
                     OffloadLatencyProbe *probe,
                     guint64              beats,
                     const char          *what)
{
  const OffloadLatencyStats *beat = offload_latency_probe_get_heartbeat (probe);
  GSource *guard = g_timeout_source_new_seconds (GUARD_SECONDS);

  g_source_set_callback (guard, on_guard, (gpointer) what, NULL);
  g_source_attach (guard, context);

  while (offload_latency_stats_get_count (beat) < beats)
    g_main_context_iteration (context, TRUE);

  g_source_destroy (guard);
  g_source_unref (guard);
}

static void
test_heartbeat_counts_long_task (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(OffloadLatencyProbe) probe = NULL;
  guint64 before;

  g_main_context_push_thread_default (context);

  probe = offload_latency_probe_new ();
  g_assert_false (offload_latency_probe_get_running (probe));
  offload_latency_probe_start (probe);
  g_assert_true (offload_latency_probe_get_running (probe));

  /* The first beats after the warm-up second are recorded. */
  iterate_until_beats (context, probe, 5, "the warm-up to end");
  g_assert_cmpuint (offload_latency_probe_get_long_tasks (probe), ==, 0);

  /* A task that holds the loop for 120 ms, as a blocking call would. */
  g_usleep (120 * 1000);
  before = offload_latency_stats_get_count (offload_latency_probe_get_heartbeat (probe));
  iterate_until_beats (context, probe, before + 1, "the heartbeat after the stall");

  g_assert_cmpuint (offload_latency_probe_get_long_tasks (probe), >=, 1);
  g_assert_cmpint (offload_latency_probe_get_longest_task (probe), >=, 120000);
  g_assert_cmpint (offload_latency_stats_get_max (offload_latency_probe_get_heartbeat (probe)),
                   >=, 120000 - OFFLOAD_HEARTBEAT_PERIOD_US);

  offload_latency_probe_reset (probe);
  g_assert_cmpuint (offload_latency_probe_get_long_tasks (probe), ==, 0);
  g_assert_cmpint (offload_latency_probe_get_longest_task (probe), ==, 0);
  g_assert_cmpuint (offload_latency_stats_get_count (offload_latency_probe_get_heartbeat (probe)),
                    ==, 0);

  offload_latency_probe_stop (probe);
  g_assert_false (offload_latency_probe_get_running (probe));

  g_main_context_pop_thread_default (context);
}

static void
test_frames (void)
{
  g_autoptr(OffloadLatencyProbe) probe = offload_latency_probe_new ();
  const OffloadLatencyStats *frames = offload_latency_probe_get_frames (probe);
  /* Well past the warm-up, so every interval counts. */
  gint64 t = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  offload_latency_probe_start (probe);

  offload_latency_probe_record_frame (probe, t);
  for (guint i = 1; i <= 10; i++)
    offload_latency_probe_record_frame (probe, t + i * 16667);
  g_assert_cmpuint (offload_latency_probe_get_frames_seen (probe), ==, 11);
  g_assert_cmpuint (offload_latency_stats_get_count (frames), ==, 10);
  g_assert_cmpint (offload_latency_stats_get_max (frames), ==, 16667);

  /* A window hidden for a minute: the gap is not a frame interval. */
  offload_latency_probe_pause_frames (probe);
  offload_latency_probe_record_frame (probe, t + 60 * G_USEC_PER_SEC);
  g_assert_cmpuint (offload_latency_stats_get_count (frames), ==, 10);
  g_assert_cmpint (offload_latency_stats_get_max (frames), ==, 16667);

  /* A stalled frame is one long interval. */
  offload_latency_probe_record_frame (probe, t + 60 * G_USEC_PER_SEC + 300000);
  g_assert_cmpint (offload_latency_stats_get_max (frames), ==, 300000);
}

static void
test_warm_up_ignored (void)
{
  g_autoptr(OffloadLatencyProbe) probe = offload_latency_probe_new ();
  gint64 now = g_get_monotonic_time ();

  offload_latency_probe_start (probe);

  /* Start-up frames are slow; they are counted as seen but not measured. */
  offload_latency_probe_record_frame (probe, now);
  offload_latency_probe_record_frame (probe, now + 70000);
  g_assert_cmpuint (offload_latency_probe_get_frames_seen (probe), ==, 2);
  g_assert_cmpuint (offload_latency_stats_get_count (offload_latency_probe_get_frames (probe)),
                    ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/offload/latency-probe/heartbeat-long-task", test_heartbeat_counts_long_task);
  g_test_add_func ("/offload/latency-probe/frames", test_frames);
  g_test_add_func ("/offload/latency-probe/warm-up", test_warm_up_ignored);

  return g_test_run ();
}
