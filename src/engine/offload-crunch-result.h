/* offload-crunch-result.h: the statistics of a whole CSV file
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * OffloadCrunchColumnType:
 * @OFFLOAD_CRUNCH_COLUMN_NUMERIC: every cell is a number or missing, and
 *   at least one is a number (pandas' float64 or int64)
 * @OFFLOAD_CRUNCH_COLUMN_TEXT: some cell is text (pandas' object)
 * @OFFLOAD_CRUNCH_COLUMN_EMPTY: every cell is missing
 */
typedef enum {
  OFFLOAD_CRUNCH_COLUMN_NUMERIC,
  OFFLOAD_CRUNCH_COLUMN_TEXT,
  OFFLOAD_CRUNCH_COLUMN_EMPTY,
} OffloadCrunchColumnType;

/**
 * OffloadCrunchColumn:
 *
 * One column's statistics, as pandas' describe() gives them. Numbers that
 * pandas gives as NaN (std of one value; everything of an empty column)
 * are NaN here.
 */
typedef struct
{
  char                    *name;
  OffloadCrunchColumnType  type;
  guint64                  count;           /* cells that are not missing */
  guint64                  missing;

  /* Numeric columns. */
  double                   mean;
  double                   std;             /* sample: ddof 1 */
  double                   min;
  double                   p25;
  double                   p50;
  double                   p75;
  double                   max;
  guint                    n_bins;          /* 0 when there is nothing to draw */
  double                  *edges;           /* n_bins + 1, over the finite numbers */
  guint64                 *bins;            /* n_bins; each holds its lower edge, not its
                                             * upper one */

  /* Text columns. */
  guint64                  distinct;
  gboolean                 distinct_estimated; /* HyperLogLog: too many to hold */
  char                    *top;             /* the most frequent value */
  guint64                  top_count;
  gboolean                 top_estimated;
} OffloadCrunchColumn;

/**
 * OffloadCrunchResult:
 *
 * What a crunch job found in a file.
 */
typedef struct
{
  gatomicrefcount  ref_count;
  char            *path;
  guint64          bytes;
  guint64          rows;            /* data records, the header not counted */
  guint64          ragged_rows;     /* records with more or fewer fields than the header */
  guint64          first_ragged_row; /* the first of them, the header being row 1; or 0 */
  guint            workers;         /* 0 for a run on the main thread */
  guint            chunks;
  guint            passes;          /* reads of the file: the first pass, later passes
                                     * (the sample before them is not one) */
  guint            rereads;         /* chunks read again: they started inside quotes */
  double           seconds;
  GPtrArray       *columns;         /* of OffloadCrunchColumn */
  GPtrArray       *events;          /* of char *: retried chunks, in words */
} OffloadCrunchResult;

#define OFFLOAD_TYPE_CRUNCH_RESULT (offload_crunch_result_get_type ())

GType                offload_crunch_result_get_type (void) G_GNUC_CONST;
OffloadCrunchResult *offload_crunch_result_new      (void);
OffloadCrunchResult *offload_crunch_result_ref      (OffloadCrunchResult       *self);
void                 offload_crunch_result_unref    (OffloadCrunchResult       *self);
JsonNode            *offload_crunch_result_to_json  (const OffloadCrunchResult *self);
char                *offload_crunch_result_to_csv   (const OffloadCrunchResult *self);

const char          *offload_crunch_column_type_to_string (OffloadCrunchColumnType type);
int                  offload_crunch_column_digits   (const OffloadCrunchColumn *column);
int                  offload_crunch_figure_digits   (const OffloadCrunchColumn *column,
                                                     double                     value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OffloadCrunchResult, offload_crunch_result_unref)

G_END_DECLS
