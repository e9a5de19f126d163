/* offload-crunch-page.h: the Crunch page
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "offload-crunch-job.h"
#include "offload-generate-job.h"

G_BEGIN_DECLS

#define OFFLOAD_TYPE_CRUNCH_PAGE (offload_crunch_page_get_type ())

G_DECLARE_FINAL_TYPE (OffloadCrunchPage, offload_crunch_page, OFFLOAD, CRUNCH_PAGE, GtkWidget)

GtkWidget           *offload_crunch_page_new             (void);
const char          *offload_crunch_page_get_file        (OffloadCrunchPage *self);
void                 offload_crunch_page_set_file        (OffloadCrunchPage *self,
                                                          const char        *path);
gboolean             offload_crunch_page_open            (OffloadCrunchPage *self,
                                                          GFile             *file);
void                 offload_crunch_page_generate_sample (OffloadCrunchPage *self,
                                                          guint64            rows);
gboolean             offload_crunch_page_get_running     (OffloadCrunchPage *self);
gboolean             offload_crunch_page_get_generating  (OffloadCrunchPage *self);
OffloadCrunchJob    *offload_crunch_page_get_job         (OffloadCrunchPage *self);
OffloadCrunchResult *offload_crunch_page_get_result      (OffloadCrunchPage *self);
void                 offload_crunch_page_export          (OffloadCrunchPage *self,
                                                          GFile             *file);
AdwToastOverlay     *offload_crunch_page_get_toast_overlay (OffloadCrunchPage *self);

G_END_DECLS
