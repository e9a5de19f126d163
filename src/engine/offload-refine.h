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
 * A histogram of @column's finite numbers over [@low, @high], as
 * numpy.histogram() counts them.
 */
typedef struct
{
  guint  column;
  guint  n_bins;
  double low;
  double high;
} OffloadRefineBins;

/**
 * OffloadRefinePlan:
 *
 * What one later pass counts: sent by the parent to every worker.
 */
typedef struct
{
  GArray *targets;          /* of OffloadRefineTarget */
  GArray *bins;             /* of OffloadRefineBins */
  GArray *text;             /* of guint: text columns to count */
  guint   text_max_exact;
} OffloadRefinePlan;

OffloadRefinePlan *offload_refine_plan_new       (void);
void               offload_refine_plan_free      (OffloadRefinePlan *self);
gboolean           offload_refine_plan_is_empty  (const OffloadRefinePlan *self);
JsonNode          *offload_refine_plan_to_json   (const OffloadRefinePlan *self);
OffloadRefinePlan *offload_refine_plan_from_json (JsonNode          *node,
                                                  GError           **error);

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
void                offload_refine_stats_merge     (OffloadRefineStats      *self,
                                                    const OffloadRefineStats *other);
JsonNode           *offload_refine_stats_to_json   (const OffloadRefineStats *self);
OffloadRefineStats *offload_refine_stats_from_json (const OffloadRefinePlan *plan,
                                                    JsonNode                *node,
                                                    GError                 **error);
guint               offload_refine_bin_index       (const OffloadRefineBins *bins,
                                                    double                   value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OffloadRefinePlan, offload_refine_plan_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OffloadRefineStats, offload_refine_stats_free)

G_END_DECLS
