/* offload-preferences-window.h
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define OFFLOAD_TYPE_PREFERENCES_WINDOW (offload_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (OffloadPreferencesWindow, offload_preferences_window, OFFLOAD, PREFERENCES_WINDOW, AdwPreferencesWindow)

OffloadPreferencesWindow *offload_preferences_window_new (GSettings *settings);

G_END_DECLS
