/* offload-chunk-scanner.h: CSV records into a chunk's statistics
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "offload-chunk-stats.h"
#include "offload-csv.h"
#include "offload-csv-records.h"
#include "offload-refine.h"

G_BEGIN_DECLS

typedef struct _OffloadChunkScanner OffloadChunkScanner;

OffloadChunkScanner *offload_chunk_scanner_new          (guint                    histogram_bits,
                                                         gboolean                 header_first,
                                                         const OffloadRefinePlan *plan,
                                                         guint64                  position);
void                 offload_chunk_scanner_free         (OffloadChunkScanner *self);
OffloadCsvParser    *offload_chunk_scanner_get_parser   (OffloadChunkScanner *self);
OffloadCsvRecords   *offload_chunk_scanner_get_records  (OffloadChunkScanner *self);
gboolean             offload_chunk_scanner_is_too_large (OffloadChunkScanner *self);
OffloadChunkStats   *offload_chunk_scanner_finish       (OffloadChunkScanner *self,
                                                         OffloadRefineStats **planned);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OffloadChunkScanner, offload_chunk_scanner_free)

G_END_DECLS
