/* offload-latency-stats.h: a ring of recent samples and a histogram since reset
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * OffloadLatencyStats:
 *
 * Keeps two views of one series of latency samples (microseconds):
 *
 * - a ring of the most recent samples with their timestamps, which the
 *   HUD graph draws;
 * - counters since the last reset: count, sum, min, max, and a log-linear
 *   histogram that answers percentiles in bounded memory, however long the
 *   app runs (relative error below 1/256, and exact for values under 256 µs).
 *
 * Not thread-safe: one owner, one thread.
 */
typedef struct _OffloadLatencyStats OffloadLatencyStats;

OffloadLatencyStats *offload_latency_stats_new            (guint                      ring_capacity);
void                 offload_latency_stats_free           (OffloadLatencyStats       *self);
void                 offload_latency_stats_add            (OffloadLatencyStats       *self,
                                                           gint64                     timestamp_us,
                                                           gint64                     value_us);
void                 offload_latency_stats_reset          (OffloadLatencyStats       *self);
guint64              offload_latency_stats_get_count      (const OffloadLatencyStats *self);
gint64               offload_latency_stats_get_min        (const OffloadLatencyStats *self);
gint64               offload_latency_stats_get_max        (const OffloadLatencyStats *self);
double               offload_latency_stats_get_mean       (const OffloadLatencyStats *self);
gint64               offload_latency_stats_get_percentile (const OffloadLatencyStats *self,
                                                           double                     percent);
guint                offload_latency_stats_get_ring_capacity (const OffloadLatencyStats *self);
guint                offload_latency_stats_get_n_recent   (const OffloadLatencyStats *self);
void                 offload_latency_stats_get_recent     (const OffloadLatencyStats *self,
                                                           guint                      index,
                                                           gint64                    *timestamp_us,
                                                           gint64                    *value_us);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OffloadLatencyStats, offload_latency_stats_free)

G_END_DECLS
