/* offload-hud.h: the responsiveness meter
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "offload-latency-probe.h"

G_BEGIN_DECLS

#define OFFLOAD_TYPE_HUD (offload_hud_get_type ())

G_DECLARE_FINAL_TYPE (OffloadHud, offload_hud, OFFLOAD, HUD, GtkWidget)

GtkWidget           *offload_hud_new               (void);
OffloadLatencyProbe *offload_hud_get_probe         (OffloadHud          *self);
void                 offload_hud_set_probe         (OffloadHud          *self,
                                                    OffloadLatencyProbe *probe);
double               offload_hud_get_freeze_seconds (OffloadHud         *self);
void                 offload_hud_set_freeze_seconds (OffloadHud         *self,
                                                     double              seconds);

G_END_DECLS
