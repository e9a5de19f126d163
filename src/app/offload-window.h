/* offload-window.h
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "offload-application.h"
#include "offload-latency-probe.h"

G_BEGIN_DECLS

#define OFFLOAD_TYPE_WINDOW (offload_window_get_type ())

G_DECLARE_FINAL_TYPE (OffloadWindow, offload_window, OFFLOAD, WINDOW, AdwApplicationWindow)

OffloadWindow       *offload_window_new       (OffloadApplication *application);
OffloadLatencyProbe *offload_window_get_probe (OffloadWindow      *self);
void                 offload_window_freeze    (OffloadWindow      *self,
                                               guint               milliseconds);
void                 offload_window_open_csv  (OffloadWindow      *self,
                                               GFile              *file);
void                 offload_window_add_toast (OffloadWindow      *self,
                                               AdwToast           *toast);

G_END_DECLS
