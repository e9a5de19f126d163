/* offload-latency-probe.c: how responsive is this main loop?
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "offload-latency-probe.h"

/* Two instruments watch one main loop:
 *
 * - frame intervals, fed by the caller from a frame-clock tick callback
 *   (the time is taken there with g_get_monotonic_time(), since the frame
 *   clock's own frame time is snapped to the refresh cycle and hides jitter);
 * - a heartbeat: a 10 ms timeout on the owner's main context whose lateness
 *   is recorded. It beats even when no frame is drawn (window hidden, frame
 *   clock idle), so it is also what counts long tasks: a gap of 50 ms or more
 *   between two beats means the loop could not run anything for that long.
 *
 * Recording is a few arithmetic operations; nothing is allocated per sample.
 */

/* Enough for 10 s of heartbeat at 100 Hz or of frames at 144 Hz. */
#define RING_CAPACITY 2048

struct _OffloadLatencyProbe
{
  GObject              parent_instance;

  OffloadLatencyStats *frames;
  OffloadLatencyStats *heartbeat;

  GSource             *heartbeat_source;
  gint64               warm_up_end;
  gint64               last_frame;
  gint64               last_beat;
  guint64              frames_seen;

  guint                long_tasks;
  gint64               longest_task;
};

enum {
  PROP_0,
  PROP_LONG_TASKS,
  PROP_LONGEST_TASK,
  PROP_RUNNING,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (OffloadLatencyProbe, offload_latency_probe, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static gboolean
on_heartbeat (gpointer user_data)
{
  OffloadLatencyProbe *self = user_data;
  gint64 now = g_get_monotonic_time ();

  if (self->last_beat != 0)
    {
      gint64 gap = now - self->last_beat;

      if (now >= self->warm_up_end)
        {
          offload_latency_stats_add (self->heartbeat, now, gap - OFFLOAD_HEARTBEAT_PERIOD_US);

          /* The gap is the stall plus at most one period of idle time
           * before it: what the user saw the loop unable to run. */
          if (gap >= OFFLOAD_LONG_TASK_US)
            {
              gboolean longest = gap > self->longest_task;

              /* Both values are up to date before anyone is notified, and
               * a handler that drops the last reference (closing the window)
               * cannot free us in the middle. */
              self->long_tasks++;
              g_debug ("long task: the main loop was held %.1f ms", gap / 1000.0);
              if (longest)
                self->longest_task = gap;
              self->last_beat = now;

              g_object_ref (self);
              g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LONG_TASKS]);
              if (longest)
                g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LONGEST_TASK]);
              g_object_unref (self);
              return G_SOURCE_CONTINUE;
            }
        }
    }

  self->last_beat = now;

  return G_SOURCE_CONTINUE;
}

static void
offload_latency_probe_dispose (GObject *object)
{
  OffloadLatencyProbe *self = (OffloadLatencyProbe *)object;

  offload_latency_probe_stop (self);

  G_OBJECT_CLASS (offload_latency_probe_parent_class)->dispose (object);
}

static void
offload_latency_probe_finalize (GObject *object)
{
  OffloadLatencyProbe *self = (OffloadLatencyProbe *)object;

  g_clear_pointer (&self->frames, offload_latency_stats_free);
  g_clear_pointer (&self->heartbeat, offload_latency_stats_free);

  G_OBJECT_CLASS (offload_latency_probe_parent_class)->finalize (object);
}

static void
offload_latency_probe_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  OffloadLatencyProbe *self = OFFLOAD_LATENCY_PROBE (object);

  switch (prop_id)
    {
    case PROP_LONG_TASKS:
      g_value_set_uint (value, self->long_tasks);
      break;

    case PROP_LONGEST_TASK:
      g_value_set_int64 (value, self->longest_task);
      break;

    case PROP_RUNNING:
      g_value_set_boolean (value, self->heartbeat_source != NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
offload_latency_probe_class_init (OffloadLatencyProbeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = offload_latency_probe_dispose;
  object_class->finalize = offload_latency_probe_finalize;
  object_class->get_property = offload_latency_probe_get_property;

  /**
   * OffloadLatencyProbe:long-tasks:
   *
   * How many times since the last reset the main loop could not run for
   * %OFFLOAD_LONG_TASK_US or longer (after the warm-up).
   */
  properties[PROP_LONG_TASKS] =
    g_param_spec_uint ("long-tasks", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OffloadLatencyProbe:longest-task:
   *
   * The longest such stall since the last reset, in microseconds.
   */
  properties[PROP_LONGEST_TASK] =
    g_param_spec_int64 ("longest-task", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
offload_latency_probe_init (OffloadLatencyProbe *self)
{
  self->frames = offload_latency_stats_new (RING_CAPACITY);
  self->heartbeat = offload_latency_stats_new (RING_CAPACITY);
}

/**
 * offload_latency_probe_new:
 *
 * Returns: (transfer full): a probe, not yet running
 */
OffloadLatencyProbe *
offload_latency_probe_new (void)
{
  return g_object_new (OFFLOAD_TYPE_LATENCY_PROBE, NULL);
}

/**
 * offload_latency_probe_start:
 * @self: a probe
 *
 * Starts the heartbeat on the thread-default main context. The first
 * %OFFLOAD_WARM_UP_US after this are left out of the statistics.
 */
void
offload_latency_probe_start (OffloadLatencyProbe *self)
{
  g_autoptr(GMainContext) context = NULL;

  g_return_if_fail (OFFLOAD_IS_LATENCY_PROBE (self));

  if (self->heartbeat_source != NULL)
    return;

  context = g_main_context_ref_thread_default ();
  self->warm_up_end = g_get_monotonic_time () + OFFLOAD_WARM_UP_US;
  self->last_beat = 0;
  self->last_frame = 0;

  self->heartbeat_source = g_timeout_source_new (OFFLOAD_HEARTBEAT_PERIOD_US / 1000);
  g_source_set_name (self->heartbeat_source, "[offload] latency heartbeat");
  g_source_set_priority (self->heartbeat_source, G_PRIORITY_DEFAULT);
  g_source_set_callback (self->heartbeat_source, on_heartbeat, self, NULL);
  g_source_attach (self->heartbeat_source, context);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

void
offload_latency_probe_stop (OffloadLatencyProbe *self)
{
  g_return_if_fail (OFFLOAD_IS_LATENCY_PROBE (self));

  if (self->heartbeat_source == NULL)
    return;

  g_source_destroy (self->heartbeat_source);
  g_clear_pointer (&self->heartbeat_source, g_source_unref);
  self->last_beat = 0;
  self->last_frame = 0;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

gboolean
offload_latency_probe_get_running (OffloadLatencyProbe *self)
{
  g_return_val_if_fail (OFFLOAD_IS_LATENCY_PROBE (self), FALSE);

  return self->heartbeat_source != NULL;
}

/**
 * offload_latency_probe_record_frame:
 * @self: a probe
 * @now_us: g_get_monotonic_time(), taken in the tick callback
 *
 * Records the interval since the previous frame.
 */
void
offload_latency_probe_record_frame (OffloadLatencyProbe *self,
                                    gint64               now_us)
{
  g_return_if_fail (OFFLOAD_IS_LATENCY_PROBE (self));

  self->frames_seen++;

  if (self->last_frame != 0 && now_us >= self->warm_up_end)
    offload_latency_stats_add (self->frames, now_us, now_us - self->last_frame);

  self->last_frame = now_us;
}

/**
 * offload_latency_probe_pause_frames:
 * @self: a probe
 *
 * Says that no frames will come for a while (the window was unmapped), so
 * the gap until the next frame is not an interval.
 */
void
offload_latency_probe_pause_frames (OffloadLatencyProbe *self)
{
  g_return_if_fail (OFFLOAD_IS_LATENCY_PROBE (self));

  self->last_frame = 0;
}

/**
 * offload_latency_probe_reset:
 * @self: a probe
 *
 * Forgets the statistics and long tasks since the last reset.
 */
void
offload_latency_probe_reset (OffloadLatencyProbe *self)
{
  g_return_if_fail (OFFLOAD_IS_LATENCY_PROBE (self));

  offload_latency_stats_reset (self->frames);
  offload_latency_stats_reset (self->heartbeat);

  if (self->long_tasks != 0)
    {
      self->long_tasks = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LONG_TASKS]);
    }

  if (self->longest_task != 0)
    {
      self->longest_task = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LONGEST_TASK]);
    }
}

/**
 * offload_latency_probe_get_frames:
 * @self: a probe
 *
 * Returns: (transfer none): the frame intervals
 */
const OffloadLatencyStats *
offload_latency_probe_get_frames (OffloadLatencyProbe *self)
{
  g_return_val_if_fail (OFFLOAD_IS_LATENCY_PROBE (self), NULL);

  return self->frames;
}

/**
 * offload_latency_probe_get_heartbeat:
 * @self: a probe
 *
 * Returns: (transfer none): the heartbeat lateness
 */
const OffloadLatencyStats *
offload_latency_probe_get_heartbeat (OffloadLatencyProbe *self)
{
  g_return_val_if_fail (OFFLOAD_IS_LATENCY_PROBE (self), NULL);

  return self->heartbeat;
}

guint
offload_latency_probe_get_long_tasks (OffloadLatencyProbe *self)
{
  g_return_val_if_fail (OFFLOAD_IS_LATENCY_PROBE (self), 0);

  return self->long_tasks;
}

gint64
offload_latency_probe_get_longest_task (OffloadLatencyProbe *self)
{
  g_return_val_if_fail (OFFLOAD_IS_LATENCY_PROBE (self), 0);

  return self->longest_task;
}

/**
 * offload_latency_probe_get_frames_seen:
 * @self: a probe
 *
 * Returns: every frame recorded since the probe was made, warm-up included
 */
guint64
offload_latency_probe_get_frames_seen (OffloadLatencyProbe *self)
{
  g_return_val_if_fail (OFFLOAD_IS_LATENCY_PROBE (self), 0);

  return self->frames_seen;
}
