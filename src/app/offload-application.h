/* offload-application.h
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define OFFLOAD_TYPE_APPLICATION (offload_application_get_type ())

G_DECLARE_FINAL_TYPE (OffloadApplication, offload_application, OFFLOAD, APPLICATION, AdwApplication)

OffloadApplication *offload_application_new          (void);
GSettings          *offload_application_get_settings (OffloadApplication *self);
const char         *offload_application_pick_renderer (const char *gsk_renderer,
                                                       const char *libgl_always_software,
                                                       const char *dri_dir);
void                offload_application_choose_renderer (void);

G_END_DECLS
