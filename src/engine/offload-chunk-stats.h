/* offload-chunk-stats.h: what a worker learns from one chunk of a CSV file
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "offload-column-stats.h"
#include "offload-number.h"

G_BEGIN_DECLS

/**
 * OffloadColumnPartial:
 *
 * One column in one chunk. A column is numeric when none of its cells is
 * text (missing cells aside), as pandas decides; only the parent can say
 * so once every chunk is in, so each chunk keeps both counts.
 */
typedef struct
{
  guint64              missing;
  guint64              text;
  char                *first_text;  /* the first text cell: why a column is not numeric */
  OffloadMoments       moments;
  OffloadKeyHistogram *histogram;   /* order keys of the numbers; NULL without any */
  double               pending[32];  /* numbers not yet in the moments */
  guint                n_pending;
} OffloadColumnPartial;

/* Bounds, whatever the file or the worker says: columns in a record, and
 * the memory of all the histograms of one chunk. */
#define OFFLOAD_CHUNK_STATS_MAX_COLUMNS          100000
#define OFFLOAD_CHUNK_STATS_MAX_HISTOGRAM_BYTES  (G_GUINT64_CONSTANT (256) * 1024 * 1024)

/* How many records of a chunk had one number of fields, and where the
 * first of them is: ragged rows are found against the header, which only
 * one chunk reads. */
typedef struct
{
  guint64 records;
  guint64 first;                    /* counted from the chunk's first record, 0 */
} OffloadChunkWidth;

/**
 * OffloadChunkStats:
 *
 * The partial result of one chunk: made in a worker, sent to the parent
 * as JSON, merged there with the other chunks'.
 */
typedef struct
{
  guint               histogram_bits;
  guint64             records;      /* data records; the header is not one */
  GHashTable         *widths;       /* fields in a record -> OffloadChunkWidth */
  guint               last_width;   /* of the last record, and its entry in widths */
  OffloadChunkWidth  *last_records;
  gboolean            irregular;    /* a stray quote: chunking cannot be trusted */
  GStrv               header;       /* set by the chunk that read the header */
  GPtrArray          *columns;      /* of OffloadColumnPartial */
  guint64             histogram_bytes;
} OffloadChunkStats;

OffloadChunkStats *offload_chunk_stats_new          (guint                    histogram_bits);
void               offload_chunk_stats_free         (OffloadChunkStats       *self);
OffloadColumnPartial *offload_chunk_stats_get_column (OffloadChunkStats      *self,
                                                     guint                    column);
gboolean           offload_chunk_stats_add_cell     (OffloadChunkStats       *self,
                                                     guint                    column,
                                                     const char              *text,
                                                     gsize                    length);
gboolean           offload_chunk_stats_add_value    (OffloadChunkStats       *self,
                                                     guint                    column,
                                                     OffloadCellKind          kind,
                                                     double                   value,
                                                     const char              *text,
                                                     gsize                    length);
gboolean           offload_chunk_stats_add_numbers  (OffloadChunkStats       *self,
                                                     guint                    column,
                                                     const double            *values,
                                                     gsize                    n);
void               offload_chunk_stats_end_record   (OffloadChunkStats       *self,
                                                     guint                    n_fields);
void               offload_chunk_stats_end_records  (OffloadChunkStats       *self,
                                                     guint                    n_fields,
                                                     guint64                  count);
void               offload_chunk_stats_flush        (OffloadChunkStats       *self);
gboolean           offload_chunk_stats_merge        (OffloadChunkStats       *self,
                                                     const OffloadChunkStats *other,
                                                     GError                 **error);
JsonNode          *offload_chunk_stats_to_json      (const OffloadChunkStats *self);
OffloadChunkStats *offload_chunk_stats_from_json    (JsonNode                *node,
                                                     GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OffloadChunkStats, offload_chunk_stats_free)

G_END_DECLS
