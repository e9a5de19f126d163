/* offload-latency-probe.h: how responsive is this main loop?
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "offload-latency-stats.h"

G_BEGIN_DECLS

/* A 60 Hz frame; the guide line in the HUD. */
#define OFFLOAD_FRAME_BUDGET_US      G_GINT64_CONSTANT (16667)
/* A "long task", as browsers define it. */
#define OFFLOAD_LONG_TASK_US         G_GINT64_CONSTANT (50000)
/* The heartbeat period. */
#define OFFLOAD_HEARTBEAT_PERIOD_US  G_GINT64_CONSTANT (10000)
/* Start-up itself stalls for 50-70 ms: leave it out of the statistics. */
#define OFFLOAD_WARM_UP_US           G_GINT64_CONSTANT (1000000)

#define OFFLOAD_TYPE_LATENCY_PROBE (offload_latency_probe_get_type ())

G_DECLARE_FINAL_TYPE (OffloadLatencyProbe, offload_latency_probe, OFFLOAD, LATENCY_PROBE, GObject)

OffloadLatencyProbe       *offload_latency_probe_new               (void);
void                       offload_latency_probe_start             (OffloadLatencyProbe *self);
void                       offload_latency_probe_stop              (OffloadLatencyProbe *self);
gboolean                   offload_latency_probe_get_running       (OffloadLatencyProbe *self);
void                       offload_latency_probe_record_frame      (OffloadLatencyProbe *self,
                                                                    gint64               now_us);
void                       offload_latency_probe_pause_frames      (OffloadLatencyProbe *self);
void                       offload_latency_probe_reset             (OffloadLatencyProbe *self);
const OffloadLatencyStats *offload_latency_probe_get_frames        (OffloadLatencyProbe *self);
const OffloadLatencyStats *offload_latency_probe_get_heartbeat     (OffloadLatencyProbe *self);
guint                      offload_latency_probe_get_long_tasks    (OffloadLatencyProbe *self);
gint64                     offload_latency_probe_get_longest_task  (OffloadLatencyProbe *self);
guint64                    offload_latency_probe_get_frames_seen   (OffloadLatencyProbe *self);

G_END_DECLS
