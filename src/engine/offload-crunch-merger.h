/* offload-crunch-merger.h: chunks' partial results into a file's statistics
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "offload-chunk-stats.h"
#include "offload-crunch-result.h"
#include "offload-refine.h"

G_BEGIN_DECLS

typedef struct _OffloadCrunchMerger OffloadCrunchMerger;

guint                    offload_crunch_histogram_bits       (guint                 n_columns);
OffloadCrunchMerger     *offload_crunch_merger_new           (guint                 n_chunks,
                                                              guint                 n_bins,
                                                              guint                 histogram_bits,
                                                              OffloadRefinePlan    *scan_plan);
const OffloadRefinePlan *offload_crunch_merger_get_scan_plan (OffloadCrunchMerger  *self);
void                     offload_crunch_merger_free          (OffloadCrunchMerger  *self);
gboolean                 offload_crunch_merger_add_scan      (OffloadCrunchMerger  *self,
                                                              guint                 chunk,
                                                              OffloadChunkStats    *stats,
                                                              OffloadRefineStats   *planned,
                                                              GError              **error);
gboolean                 offload_crunch_merger_is_irregular  (OffloadCrunchMerger  *self);
gboolean                 offload_crunch_merger_finish_scan   (OffloadCrunchMerger  *self,
                                                              GError              **error);
guint64                  offload_crunch_merger_get_rows      (OffloadCrunchMerger  *self);
const OffloadRefinePlan *offload_crunch_merger_get_plan      (OffloadCrunchMerger  *self);
void                     offload_crunch_merger_add_refine    (OffloadCrunchMerger  *self,
                                                              const OffloadRefineStats *stats);
gboolean                 offload_crunch_merger_finish_refine (OffloadCrunchMerger  *self,
                                                              GError              **error);
OffloadCrunchResult     *offload_crunch_merger_get_result    (OffloadCrunchMerger  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OffloadCrunchMerger, offload_crunch_merger_free)

G_END_DECLS
