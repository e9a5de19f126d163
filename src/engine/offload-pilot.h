/* offload-pilot.h: a sample of a CSV file, to plan its first pass
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "offload-refine.h"

G_BEGIN_DECLS

/* Blocks read of a file: a file this small is read whole. */
#define OFFLOAD_PILOT_BLOCKS          256
#define OFFLOAD_PILOT_WHOLE_BYTES     (G_GUINT64_CONSTANT (8) * 1024 * 1024)
/* The numbers a sample keeps, over all columns: its memory. */
#define OFFLOAD_PILOT_MAX_VALUES      (2 * 1024 * 1024)

/**
 * OffloadPilotColumn:
 *
 * What a sample says of one column: its kinds of cells, the range of its
 * finite numbers, and for each quartile a window of numbers that holds it
 * with near certainty (by the spread of the sample's blocks), or none.
 */
typedef struct
{
  guint64  numbers;
  guint64  finite;
  guint64  text;
  guint64  missing;
  double   min;                 /* of the finite numbers */
  double   max;
  gboolean has_window[3];
  guint64  window_low[3];       /* order keys, both included */
  guint64  window_high[3];
  guint64  in_windows;          /* the sample's numbers in them, G_MAXUINT64: not known */
} OffloadPilotColumn;

/**
 * OffloadPilotSummary:
 *
 * What the sample of a file says, sent by the worker that read it.
 */
typedef struct
{
  guint64  file_size;
  guint64  bytes;               /* read */
  guint64  rows;                /* records taken */
  guint64  seen;                /* records read, taken or not (a block takes a share) */
  gboolean whole;               /* the whole file, in one block */
  guint64  first_nul;           /* G_MAXUINT64: none seen */
  gboolean utf16;               /* starts with a UTF-16 byte order mark */
  guint    n_columns;           /* of the header */
  GArray  *columns;             /* of OffloadPilotColumn */
} OffloadPilotSummary;

typedef struct _OffloadPilot OffloadPilot;

void                 offload_pilot_blocks       (guint64                    file_size,
                                                 guint64                   *block_size,
                                                 guint                     *n_blocks);
OffloadPilot        *offload_pilot_new          (guint64                    file_size,
                                                 guint                      n_blocks);
void                 offload_pilot_free         (OffloadPilot              *self);
void                 offload_pilot_add_block    (OffloadPilot              *self,
                                                 guint64                    offset,
                                                 const char                *data,
                                                 gsize                      length);
OffloadPilotSummary *offload_pilot_finish       (OffloadPilot              *self);

void                 offload_pilot_summary_free (OffloadPilotSummary       *self);
JsonNode            *offload_pilot_summary_to_json   (const OffloadPilotSummary *self);
OffloadPilotSummary *offload_pilot_summary_from_json (JsonNode                  *node,
                                                      GError                   **error);
guint64              offload_pilot_chunk_size   (const OffloadPilotSummary *summary,
                                                 guint64                    file_size,
                                                 guint                      workers);
OffloadRefinePlan   *offload_pilot_make_plan    (const OffloadPilotSummary *summary,
                                                 guint                      n_bins,
                                                 guint64                    chunk_size,
                                                 gboolean                  *covered);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OffloadPilot, offload_pilot_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OffloadPilotSummary, offload_pilot_summary_free)

G_END_DECLS
