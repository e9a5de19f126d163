/* offload-refine.h: the later passes over a file, and what they find
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "offload-column-stats.h"
#include "offload-number.h"
#include "offload-text-counter.h"

G_BEGIN_DECLS

/* The order-key bits each later pass resolves, under a target's prefix. */
#define OFFLOAD_REFINE_BITS          16
/* A target's distinct keys are sent as they are, up to this many. */
#define OFFLOAD_REFINE_DISTINCT_MAX  64
/* A target with at most this many numbers in the whole file has them
 * all sent, sorted: the rank is then read off them. */
#define OFFLOAD_REFINE_COLLECT_MAX   (256 * 1024)
/* Bounds on what a plan may ask of a chunk, whatever the parent says. */
#define OFFLOAD_REFINE_RANGE_MAX_VALUES   (4 * 1024 * 1024)
#define OFFLOAD_REFINE_GRID_MAX_CELLS     (1024 * 1024)
#define OFFLOAD_REFINE_GRID_MAX_OUTSIDE   (1024 * 1024)

/**
 * OffloadRefineTarget:
 *
 * The numbers of @column whose order keys start with the top
 * @prefix_bits bits of @prefix: the bucket that holds a wanted rank.
 */
typedef struct
{
  guint    column;
  guint64  prefix;
  guint    prefix_bits;
  gboolean collect;       /* send the keys themselves */
} OffloadRefineTarget;

/**
 * OffloadRefineBins:
 *
 * The histogram of @column's finite numbers, in @grid's bins.
 */
typedef struct
{
  guint           column;
  OffloadGridBins grid;
} OffloadRefineBins;

/**
 * OffloadRefineRange:
 *
 * The numbers of @column whose order keys lie in [@low, @high]: a window
 * around where a sample says a quartile lies. The numbers below @low are
 * counted, those inside kept, up to @max_values a chunk (more, and the
 * window overflows: no use then).
 */
typedef struct
{
  guint   column;
  guint64 low;
  guint64 high;
  guint   max_values;
} OffloadRefineRange;

/**
 * OffloadRefineGrid:
 *
 * @column's finite numbers counted by cell of the grid of 2^@exponent,
 * in @size cells from cell @base on; the numbers outside them kept as they
 * are, up to @max_outside a chunk. Bins on any coarser grid are then sums
 * of these cells, whatever the range turns out to be.
 */
typedef struct
{
  guint  column;
  int    exponent;
  gint64 base;
  guint  size;
  guint  max_outside;
} OffloadRefineGrid;

/**
 * OffloadRefinePlan:
 *
 * What one pass counts: sent by the parent to every worker. The first
 * pass counts ranges, grids and text (as a sample planned them); later
 * ones, targets, bins and text (what the first pass left).
 */
typedef struct
{
  GArray *targets;          /* of OffloadRefineTarget */
  GArray *bins;             /* of OffloadRefineBins */
  GArray *text;             /* of guint: text columns to count */
  guint   text_max_exact;
  guint   text_sketch_bits; /* of the text columns' sketches, see offload-text-counter.h */
  GArray *ranges;           /* of OffloadRefineRange */
  GArray *grids;            /* of OffloadRefineGrid */
  guint   range_values;     /* the most numbers all ranges keep in a chunk, 0: no bound */
  guint   target_bits;      /* the bits a target's histogram resolves, 1 to 16 */
  guint   distinct_max;     /* distinct keys a target keeps, 1 to 64 */
} OffloadRefinePlan;

OffloadRefinePlan *offload_refine_plan_new       (void);
void               offload_refine_plan_free      (OffloadRefinePlan *self);
gboolean           offload_refine_plan_is_empty  (const OffloadRefinePlan *self);
void               offload_refine_plan_set_text_budget (OffloadRefinePlan *self);
JsonNode          *offload_refine_plan_to_json   (const OffloadRefinePlan *self);
OffloadRefinePlan *offload_refine_plan_from_json (JsonNode          *node,
                                                  GError           **error);
gboolean           offload_refine_grid_window_cells (const OffloadRefineGrid *grid,
                                                     guint64                  low,
                                                     guint64                  high,
                                                     guint                   *first,
                                                     guint                   *last);

/**
 * OffloadRefineTargetCounts:
 *
 * A target's numbers: by their next bits, and their distinct keys while
 * there are at most %OFFLOAD_REFINE_DISTINCT_MAX of them; or, for a
 * target that collects, their keys.
 */
typedef struct
{
  OffloadKeyHistogram *histogram;
  GHashTable          *distinct;   /* guint64 key -> guint64 count; NULL: too many */
  GArray              *values;     /* of guint64 keys, when collecting */
} OffloadRefineTargetCounts;

/**
 * OffloadRefineRangeCounts:
 *
 * A window's numbers: how many lie below it, and the keys of those in it.
 */
typedef struct
{
  guint64   below;
  GArray   *values;      /* of guint64 keys */
  GArray   *run_ends;    /* of guint: where each sorted run of values ends, when
                          * they are all in such runs (as read from workers) */
  gboolean  overflow;    /* more than the plan allows: values incomplete */
} OffloadRefineRangeCounts;

/**
 * OffloadRefineGridCounts:
 *
 * A column's finite numbers on a grid: by cell, and those outside the
 * cells as they are; their minimum and maximum.
 */
typedef struct
{
  guint32  *cells;       /* a chunk's: small, for the cache */
  guint64  *totals;      /* merged chunks': the sums of their cells */
  GArray   *outside;     /* of double */
  gboolean  overflow;    /* more outside than the plan allows */
  guint64   counted;     /* finite numbers, in cells or outside */
  double    min;
  double    max;
} OffloadRefineGridCounts;

/**
 * OffloadRefineStats:
 *
 * What one chunk (or, merged, the file) holds of a plan.
 */
typedef struct
{
  const OffloadRefinePlan   *plan;        /* not owned */
  OffloadRefineTargetCounts *targets;
  guint64                  **bins;
  OffloadTextCounter       **text;
  OffloadRefineRangeCounts  *ranges;
  OffloadRefineGridCounts   *grids;
  guint64                    range_values;  /* kept by all ranges */
  /* Which items want which column, for the workers. */
  GPtrArray                 *by_column;
  guint64                    position;    /* of the record, for text ties */
} OffloadRefineStats;

OffloadRefineStats *offload_refine_stats_new       (const OffloadRefinePlan *plan);
void                offload_refine_stats_free      (OffloadRefineStats      *self);
void                offload_refine_stats_add_cell  (OffloadRefineStats      *self,
                                                    guint                    column,
                                                    const char              *text,
                                                    gsize                    length);
void                offload_refine_stats_add_value (OffloadRefineStats      *self,
                                                    guint                    column,
                                                    OffloadCellKind          kind,
                                                    double                   value,
                                                    const char              *text,
                                                    gsize                    length);
gboolean            offload_refine_stats_counts_text    (OffloadRefineStats *self,
                                                         guint               column);
gboolean            offload_refine_stats_counts_numbers (OffloadRefineStats *self,
                                                         guint               column);
int                 offload_refine_stats_find_grid (const OffloadRefineStats *self,
                                                    guint                     column);
int                 offload_refine_stats_find_text (const OffloadRefineStats *self,
                                                    guint                     column);
OffloadRefineRangeCounts *
                    offload_refine_stats_get_window (const OffloadRefineStats *self,
                                                     guint                     column,
                                                     guint                     k);
gboolean            offload_refine_range_counts_in_runs (const OffloadRefineRangeCounts *counts);
void                offload_refine_stats_add_text  (OffloadRefineStats      *self,
                                                    guint                    column,
                                                    const char              *text,
                                                    gsize                    length);
void                offload_refine_stats_add_numbers (OffloadRefineStats    *self,
                                                      guint                  column,
                                                      const double          *values,
                                                      gsize                  n);
void                offload_refine_stats_merge     (OffloadRefineStats      *self,
                                                    const OffloadRefineStats *other);
JsonNode           *offload_refine_stats_to_json   (const OffloadRefineStats *self);
OffloadRefineStats *offload_refine_stats_from_json (const OffloadRefinePlan *plan,
                                                    JsonNode                *node,
                                                    GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OffloadRefinePlan, offload_refine_plan_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OffloadRefineStats, offload_refine_stats_free)

G_END_DECLS
