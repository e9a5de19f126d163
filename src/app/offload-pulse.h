/* offload-pulse.h: an animation that moves on every frame
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define OFFLOAD_TYPE_PULSE (offload_pulse_get_type ())

G_DECLARE_FINAL_TYPE (OffloadPulse, offload_pulse, OFFLOAD, PULSE, GtkWidget)

GtkWidget *offload_pulse_new (void);

G_END_DECLS
