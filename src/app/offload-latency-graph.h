/* offload-latency-graph.h: the last seconds of frame intervals and heartbeat lateness
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "offload-latency-probe.h"

G_BEGIN_DECLS

#define OFFLOAD_TYPE_LATENCY_GRAPH (offload_latency_graph_get_type ())

G_DECLARE_FINAL_TYPE (OffloadLatencyGraph, offload_latency_graph, OFFLOAD, LATENCY_GRAPH, GtkWidget)

GtkWidget           *offload_latency_graph_new       (void);
OffloadLatencyProbe *offload_latency_graph_get_probe (OffloadLatencyGraph *self);
void                 offload_latency_graph_set_probe (OffloadLatencyGraph *self,
                                                      OffloadLatencyProbe *probe);

G_END_DECLS
