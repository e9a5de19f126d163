/* offload-chunk-reader.h: the records of one byte range of a CSV file
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "offload-chunk-stats.h"
#include "offload-pilot.h"
#include "offload-refine.h"

G_BEGIN_DECLS

#define OFFLOAD_CHUNK_READER_ERROR (offload_chunk_reader_error_quark ())

typedef enum {
  OFFLOAD_CHUNK_READER_ERROR_READ,        /* the system said no */
  OFFLOAD_CHUNK_READER_ERROR_CHANGED,     /* shorter than it was */
  OFFLOAD_CHUNK_READER_ERROR_NOT_CSV,     /* the parser said no */
  OFFLOAD_CHUNK_READER_ERROR_TOO_WIDE,
  OFFLOAD_CHUNK_READER_ERROR_STOPPED,     /* the progress function said stop */
} OffloadChunkReaderError;

GQuark offload_chunk_reader_error_quark (void);

/**
 * OffloadChunkProgressFunc:
 * @bytes: bytes of the range read so far
 * @rows: records counted so far
 * @user_data: the reader's
 *
 * Returns: %FALSE to stop reading
 */
typedef gboolean (*OffloadChunkProgressFunc) (guint64  bytes,
                                              guint64  rows,
                                              gpointer user_data);

typedef struct _OffloadChunkReader OffloadChunkReader;

OffloadChunkReader *offload_chunk_reader_new          (int                      fd,
                                                       guint64                  start,
                                                       guint64                  end,
                                                       OffloadChunkProgressFunc progress,
                                                       gpointer                 user_data);
void                offload_chunk_reader_free         (OffloadChunkReader      *self);
gboolean            offload_chunk_reader_count_quotes (OffloadChunkReader      *self,
                                                       guint64                 *quotes,
                                                       guint64                 *first_nul,
                                                       GError                 **error);
gboolean            offload_chunk_reader_count_header (OffloadChunkReader      *self,
                                                       guint                   *fields,
                                                       GError                 **error);
gboolean            offload_chunk_reader_guess_quotes (OffloadChunkReader      *self);
OffloadChunkStats  *offload_chunk_reader_scan         (OffloadChunkReader      *self,
                                                       gboolean                 in_quotes,
                                                       guint                    bits,
                                                       const OffloadRefinePlan *plan,
                                                       OffloadRefineStats     **planned,
                                                       GError                 **error);
gboolean            offload_chunk_reader_get_quotes   (OffloadChunkReader      *self,
                                                       guint64                 *quotes,
                                                       guint64                 *first_nul,
                                                       GError                 **error);
OffloadPilotSummary *offload_chunk_reader_sample      (OffloadChunkReader      *self,
                                                       guint64                  file_size,
                                                       GError                 **error);
OffloadRefineStats *offload_chunk_reader_refine       (OffloadChunkReader      *self,
                                                       gboolean                 in_quotes,
                                                       const OffloadRefinePlan *plan,
                                                       GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OffloadChunkReader, offload_chunk_reader_free)

G_END_DECLS
