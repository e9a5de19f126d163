/* offload-crunch-lane-row.h: one worker slot of a crunch, as it goes
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "offload-crunch-job.h"

G_BEGIN_DECLS

#define OFFLOAD_TYPE_CRUNCH_LANE_ROW (offload_crunch_lane_row_get_type ())

G_DECLARE_FINAL_TYPE (OffloadCrunchLaneRow, offload_crunch_lane_row,
                      OFFLOAD, CRUNCH_LANE_ROW, GtkWidget)

GtkWidget              *offload_crunch_lane_row_new        (guint                    number);
guint                   offload_crunch_lane_row_get_number (OffloadCrunchLaneRow    *self);
OffloadCrunchLaneState  offload_crunch_lane_row_get_state  (OffloadCrunchLaneRow    *self);
void                    offload_crunch_lane_row_update     (OffloadCrunchLaneRow    *self,
                                                            const OffloadCrunchLane *lane,
                                                            gboolean                 with_text);

G_END_DECLS
