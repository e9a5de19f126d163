/* offload-refine.c: the later passes over a file, and what they find
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "offload-number.h"
#include "offload-json.h"
#include "offload-refine.h"
#include "offload-varint.h"

/* The first pass counts every column's numbers by the top bits of their
 * order keys, which finds the bucket that holds each quartile's rank.
 * A later pass counts, in each such bucket (a target), the numbers by
 * their next 16 bits, and keeps their distinct keys while there are few:
 * either gives the exact value, or a bucket 2^16 times narrower for the
 * pass after. Order keys have 64 bits, so it ends.
 *
 * The same pass, knowing each column's range, counts the histograms, and
 * counts the text columns' values: the first pass cannot, as a column is
 * text only once some chunk has seen text in it. */

OffloadRefinePlan *
offload_refine_plan_new (void)
{
  OffloadRefinePlan *self = g_new0 (OffloadRefinePlan, 1);

  self->targets = g_array_new (FALSE, FALSE, sizeof (OffloadRefineTarget));
  self->bins = g_array_new (FALSE, FALSE, sizeof (OffloadRefineBins));
  self->text = g_array_new (FALSE, FALSE, sizeof (guint));
  self->text_max_exact = 2;
  self->text_sketch_bits = OFFLOAD_TEXT_COUNTER_SKETCH_BITS;
  self->target_bits = OFFLOAD_REFINE_BITS;
  self->distinct_max = OFFLOAD_REFINE_DISTINCT_MAX;
  self->ranges = g_array_new (FALSE, FALSE, sizeof (OffloadRefineRange));
  self->grids = g_array_new (FALSE, FALSE, sizeof (OffloadRefineGrid));

  return self;
}

void
offload_refine_plan_free (OffloadRefinePlan *self)
{
  if (self == NULL)
    return;

  g_array_unref (self->targets);
  g_array_unref (self->bins);
  g_array_unref (self->text);
  g_array_unref (self->ranges);
  g_array_unref (self->grids);
  g_free (self);
}

gboolean
offload_refine_plan_is_empty (const OffloadRefinePlan *self)
{
  g_return_val_if_fail (self != NULL, TRUE);

  return self->targets->len == 0 && self->bins->len == 0 && self->text->len == 0
         && self->ranges->len == 0 && self->grids->len == 0;
}

/**
 * offload_refine_plan_set_text_budget:
 * @self: a plan, its text columns listed
 *
 * Sets how the text columns are counted within one bound for all of them:
 * the distinct values each holds exactly (a value held costs about 200
 * bytes: 25 MiB in all up to 2,048 columns, and 64 values a column past
 * that), and the size of the sketch that estimates past them (8 MiB in
 * all, see offload_text_counter_sketch_bits()).
 */
void
offload_refine_plan_set_text_budget (OffloadRefinePlan *self)
{
  guint n_text;

  g_return_if_fail (self != NULL);

  n_text = self->text->len;
  self->text_max_exact = n_text > 0 ? CLAMP (131072 / n_text, 64, 65536) : 2;
  self->text_sketch_bits = offload_text_counter_sketch_bits (n_text);
}

JsonNode *
offload_refine_plan_to_json (const OffloadRefinePlan *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->targets->len; i++)
    {
      const OffloadRefineTarget *t = &g_array_index (self->targets, OffloadRefineTarget, i);

      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, t->column);
      json_builder_add_int_value (builder, (gint64) t->prefix);
      json_builder_add_int_value (builder, t->prefix_bits);
      json_builder_add_int_value (builder, t->collect ? 1 : 0);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "bins");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->bins->len; i++)
    {
      const OffloadRefineBins *b = &g_array_index (self->bins, OffloadRefineBins, i);

      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, b->column);
      json_builder_add_int_value (builder, b->grid.exponent);
      json_builder_add_int_value (builder, b->grid.start);
      json_builder_add_int_value (builder, b->grid.cells);
      json_builder_add_int_value (builder, b->grid.n_bins);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "ranges");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->ranges->len; i++)
    {
      const OffloadRefineRange *r = &g_array_index (self->ranges, OffloadRefineRange, i);

      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, r->column);
      json_builder_add_int_value (builder, (gint64) r->low);
      json_builder_add_int_value (builder, (gint64) r->high);
      json_builder_add_int_value (builder, r->max_values);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "range_values");
  json_builder_add_int_value (builder, self->range_values);
  json_builder_set_member_name (builder, "target_bits");
  json_builder_add_int_value (builder, self->target_bits);
  json_builder_set_member_name (builder, "distinct_max");
  json_builder_add_int_value (builder, self->distinct_max);

  json_builder_set_member_name (builder, "grids");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->grids->len; i++)
    {
      const OffloadRefineGrid *g = &g_array_index (self->grids, OffloadRefineGrid, i);

      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, g->column);
      json_builder_add_int_value (builder, g->exponent);
      json_builder_add_int_value (builder, g->base);
      json_builder_add_int_value (builder, g->size);
      json_builder_add_int_value (builder, g->max_outside);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "text");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->text->len; i++)
    json_builder_add_int_value (builder, g_array_index (self->text, guint, i));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "text_max_exact");
  json_builder_add_int_value (builder, self->text_max_exact);
  json_builder_set_member_name (builder, "text_sketch_bits");
  json_builder_add_int_value (builder, self->text_sketch_bits);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Grid cells are exact integers as doubles: within ±2^53. */
#define MAX_CELL (G_GINT64_CONSTANT (1) << 53)

static gboolean
invalid (GError    **error,
         const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("The worker’s result is not valid: %s"), what);
  return FALSE;
}

static JsonArray *
get_array (JsonObject *object,
           const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
get_int (JsonArray *array,
         guint      index,
         gint64     min,
         gint64     max,
         gint64    *value)
{
  JsonNode *node = json_array_get_element (array, index);

  if (json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return *value >= min && *value <= max;
}

static JsonArray *
get_tuple (JsonArray *array,
           guint      index,
           guint      length)
{
  JsonNode *node = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) != length)
    return NULL;
  return json_node_get_array (node);
}

static int
compare_ranges (gconstpointer a,
                gconstpointer b)
{
  const OffloadRefineRange *x = a, *y = b;

  if (x->column != y->column)
    return x->column < y->column ? -1 : 1;
  return x->low < y->low ? -1 : x->low > y->low;
}

/* A number is in one window of its column at most: in a sorted copy,
 * each window ends before the next of its column starts. Sorted, as a
 * plan of thousands of columns has tens of thousands of windows. */
static gboolean
ranges_apart (GArray *ranges)
{
  g_autoptr(GArray) sorted = g_array_sized_new (FALSE, FALSE, sizeof (OffloadRefineRange),
                                                ranges->len);

  g_array_append_vals (sorted, ranges->data, ranges->len);
  g_array_sort (sorted, compare_ranges);
  for (guint i = 1; i < sorted->len; i++)
    {
      const OffloadRefineRange *before = &g_array_index (sorted, OffloadRefineRange, i - 1);
      const OffloadRefineRange *r = &g_array_index (sorted, OffloadRefineRange, i);

      if (before->column == r->column && r->low <= before->high)
        return FALSE;
    }

  return TRUE;
}

OffloadRefinePlan *
offload_refine_plan_from_json (JsonNode  *node,
                               GError   **error)
{
  g_autoptr(OffloadRefinePlan) self = offload_refine_plan_new ();
  JsonObject *object;
  JsonArray *targets, *bins, *text, *ranges, *grids;
  JsonNode *max_exact;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "plan"), NULL;
  object = json_node_get_object (node);
  targets = get_array (object, "targets");
  bins = get_array (object, "bins");
  text = get_array (object, "text");
  ranges = get_array (object, "ranges");
  grids = get_array (object, "grids");
  max_exact = json_object_get_member (object, "text_max_exact");
  {
    JsonNode *distinct_max = json_object_get_member (object, "distinct_max");

    if (distinct_max != NULL)
      {
        if (json_node_get_value_type (distinct_max) != G_TYPE_INT64
            || json_node_get_int (distinct_max) < 1
            || json_node_get_int (distinct_max) > OFFLOAD_REFINE_DISTINCT_MAX)
          return invalid (error, "plan"), NULL;
        self->distinct_max = (guint) json_node_get_int (distinct_max);
      }
  }
  {
    JsonNode *sketch_bits = json_object_get_member (object, "text_sketch_bits");

    if (sketch_bits != NULL)
      {
        if (json_node_get_value_type (sketch_bits) != G_TYPE_INT64
            || json_node_get_int (sketch_bits) < OFFLOAD_TEXT_COUNTER_MIN_SKETCH_BITS
            || json_node_get_int (sketch_bits) > OFFLOAD_TEXT_COUNTER_SKETCH_BITS)
          return invalid (error, "plan"), NULL;
        self->text_sketch_bits = (guint) json_node_get_int (sketch_bits);
      }
  }
  {
    JsonNode *target_bits = json_object_get_member (object, "target_bits");

    if (target_bits != NULL)
      {
        if (json_node_get_value_type (target_bits) != G_TYPE_INT64
            || json_node_get_int (target_bits) < 1
            || json_node_get_int (target_bits) > OFFLOAD_REFINE_BITS)
          return invalid (error, "plan"), NULL;
        self->target_bits = (guint) json_node_get_int (target_bits);
      }
  }
  {
    JsonNode *range_values = json_object_get_member (object, "range_values");

    if (range_values != NULL)
      {
        if (json_node_get_value_type (range_values) != G_TYPE_INT64
            || json_node_get_int (range_values) < 0
            || json_node_get_int (range_values) > OFFLOAD_REFINE_RANGE_MAX_VALUES)
          return invalid (error, "plan"), NULL;
        self->range_values = (guint) json_node_get_int (range_values);
      }
  }
  if (targets == NULL || bins == NULL || text == NULL || max_exact == NULL
      || json_node_get_value_type (max_exact) != G_TYPE_INT64
      || json_node_get_int (max_exact) < 2 || json_node_get_int (max_exact) > G_MAXINT32)
    return invalid (error, "plan"), NULL;
  self->text_max_exact = (guint) json_node_get_int (max_exact);

  for (guint i = 0; i < json_array_get_length (targets); i++)
    {
      JsonArray *tuple = get_tuple (targets, i, 4);
      OffloadRefineTarget t;
      gint64 column, prefix, bits, collect;

      if (tuple == NULL
          || !get_int (tuple, 0, 0, G_MAXINT32, &column)
          || !get_int (tuple, 1, G_MININT64, G_MAXINT64, &prefix)
          || !get_int (tuple, 2, 1, 63, &bits)
          || !get_int (tuple, 3, 0, 1, &collect))
        return invalid (error, "plan target"), NULL;
      t.column = (guint) column;
      t.prefix = (guint64) prefix;
      t.prefix_bits = (guint) bits;
      t.collect = collect == 1;
      g_array_append_val (self->targets, t);
    }

  for (guint i = 0; i < json_array_get_length (bins); i++)
    {
      JsonArray *tuple = get_tuple (bins, i, 5);
      OffloadRefineBins b;
      gint64 column, exponent, start, cells, n_bins;

      /* cells x n_bins fits 64 bits: offload_grid_bins_index() takes
       * their product. */
      if (tuple == NULL
          || !get_int (tuple, 0, 0, G_MAXINT32, &column)
          || !get_int (tuple, 1, OFFLOAD_GRID_MIN_EXPONENT, 1100, &exponent)
          || !get_int (tuple, 2, -MAX_CELL, MAX_CELL, &start)
          || !get_int (tuple, 3, 1, MAX_CELL, &cells)
          || !get_int (tuple, 4, 1, 100000, &n_bins)
          || cells < n_bins || cells > G_MAXINT64 / 2 / n_bins)
        return invalid (error, "plan bins"), NULL;
      b.column = (guint) column;
      b.grid.exponent = (int) exponent;
      b.grid.start = start;
      b.grid.cells = cells;
      b.grid.n_bins = (guint) n_bins;
      g_array_append_val (self->bins, b);
    }

  for (guint i = 0; ranges != NULL && i < json_array_get_length (ranges); i++)
    {
      JsonArray *tuple = get_tuple (ranges, i, 4);
      OffloadRefineRange r;
      gint64 column, low, high, max_values;

      if (tuple == NULL
          || !get_int (tuple, 0, 0, G_MAXINT32, &column)
          || !get_int (tuple, 1, G_MININT64, G_MAXINT64, &low)
          || !get_int (tuple, 2, G_MININT64, G_MAXINT64, &high)
          || !get_int (tuple, 3, 1, OFFLOAD_REFINE_RANGE_MAX_VALUES, &max_values)
          || (guint64) low > (guint64) high)
        return invalid (error, "plan range"), NULL;
      r.column = (guint) column;
      r.low = (guint64) low;
      r.high = (guint64) high;
      r.max_values = (guint) max_values;
      g_array_append_val (self->ranges, r);
    }
  if (!ranges_apart (self->ranges))
    return invalid (error, "plan range"), NULL;

  for (guint i = 0; grids != NULL && i < json_array_get_length (grids); i++)
    {
      JsonArray *tuple = get_tuple (grids, i, 5);
      OffloadRefineGrid g;
      gint64 column, exponent, base, size, max_outside;

      if (tuple == NULL
          || !get_int (tuple, 0, 0, G_MAXINT32, &column)
          || !get_int (tuple, 1, OFFLOAD_GRID_MIN_EXPONENT, 1100, &exponent)
          || !get_int (tuple, 2, -MAX_CELL, MAX_CELL, &base)
          || !get_int (tuple, 3, 1, OFFLOAD_REFINE_GRID_MAX_CELLS, &size)
          || !get_int (tuple, 4, 0, OFFLOAD_REFINE_GRID_MAX_OUTSIDE, &max_outside))
        return invalid (error, "plan grid"), NULL;
      g.column = (guint) column;
      g.exponent = (int) exponent;
      g.base = base;
      g.size = (guint) size;
      g.max_outside = (guint) max_outside;
      g_array_append_val (self->grids, g);
    }

  for (guint i = 0; i < json_array_get_length (text); i++)
    {
      gint64 column;

      if (!get_int (text, i, 0, G_MAXINT32, &column))
        return invalid (error, "plan text"), NULL;
      g_array_append_val (self->text, (guint) { column });
    }

  return g_steal_pointer (&self);
}

/* The statistics of one plan. */

/* A column's windows, sorted and apart, as the hot loop reads them. */
typedef struct
{
  guint64                   low;
  guint64                   high;
  guint                     max_values;
  OffloadRefineRangeCounts *counts;
} RangeItem;

/* Up to three of a column's windows may lie on its grid's cells: then
 * the grid's loop counts them (see count_grid()), from a byte per cell. */
#define GRID_WINDOWS_MAX 3

typedef struct
{
  GArray    *targets;           /* of guint: indices into plan->targets */
  GArray    *ranges;            /* of RangeItem, by low: all the column's windows */
  GArray    *key_ranges;        /* of RangeItem, by low: those counted by key */
  RangeItem  grid_ranges[GRID_WINDOWS_MAX]; /* by low: those on the grid's cells */
  guint      n_grid_ranges;
  guint8    *grid_windows;      /* per cell: 1 + the window it is in, or 0 */
  guint      grid_first[GRID_WINDOWS_MAX];  /* each window's first cell */
  guint64    grid_counted[GRID_WINDOWS_MAX]; /* the cells below it, as counted so far */
  guint64    grid_below_all;    /* since: numbers below the grid, and -inf */
  gboolean   grid_pending;      /* numbers in cells not yet counted below the windows */
  int        bins;              /* index into plan->bins, or -1 */
  double     bins_scale;
  int        grid;              /* index into plan->grids, or -1 */
  double     grid_scale;
  int        text;              /* index into plan->text, or -1 */
} ColumnItems;

static void
column_items_free (gpointer data)
{
  ColumnItems *items = data;

  if (items == NULL)
    return;
  g_array_unref (items->targets);
  g_array_unref (items->ranges);
  g_array_unref (items->key_ranges);
  g_free (items->grid_windows);
  g_free (items);
}

static ColumnItems *
items_for (OffloadRefineStats *self,
           guint               column)
{
  ColumnItems *items;

  if (column >= self->by_column->len)
    g_ptr_array_set_size (self->by_column, column + 1);
  items = g_ptr_array_index (self->by_column, column);
  if (items == NULL)
    {
      items = g_new0 (ColumnItems, 1);
      items->targets = g_array_new (FALSE, FALSE, sizeof (guint));
      items->ranges = g_array_new (FALSE, FALSE, sizeof (RangeItem));
      items->key_ranges = g_array_new (FALSE, FALSE, sizeof (RangeItem));
      items->bins = -1;
      items->grid = -1;
      items->text = -1;
      g_ptr_array_index (self->by_column, column) = items;
    }

  return items;
}

static guint
target_bits (const OffloadRefinePlan   *plan,
             const OffloadRefineTarget *t)
{
  return MIN (plan->target_bits, 64 - t->prefix_bits);
}

static int
compare_range_items (gconstpointer a,
                     gconstpointer b)
{
  const RangeItem *x = a, *y = b;

  return x->low < y->low ? -1 : x->low > y->low;
}

/**
 * offload_refine_grid_window_cells:
 * @grid: a column's grid
 * @low: a window's lowest order key
 * @high: its highest
 * @first: (out): the first cell of the grid in the window, from 0
 * @last: (out): the last
 *
 * Whether the window is whole cells of the grid: the numbers whose keys
 * lie in [@low, @high] are then exactly those in cells @first to @last,
 * and those below it those in the cells before or below the grid (or
 * -inf). offload_grid_cell() orders numbers as their keys do, so the
 * cells of @low and @high and of the keys just outside them tell.
 *
 * Returns: %TRUE when the window lies on cells of the grid
 */
gboolean
offload_refine_grid_window_cells (const OffloadRefineGrid *grid,
                                  guint64                  low,
                                  guint64                  high,
                                  guint                   *first,
                                  guint                   *last)
{
  double scale, lowest, highest, below, above;
  gint64 a, b;

  g_return_val_if_fail (grid != NULL && first != NULL && last != NULL, FALSE);

  if (low > high || low == 0 || high == G_MAXUINT64)
    return FALSE;
  lowest = offload_order_key_value (low);
  highest = offload_order_key_value (high);
  below = offload_order_key_value (low - 1);
  above = offload_order_key_value (high + 1);
  /* Infinities and NaNs (keys beyond them) are never in a cell. */
  if (!isfinite (lowest) || !isfinite (highest) || !isfinite (below) || !isfinite (above))
    return FALSE;

  scale = offload_grid_scale (grid->exponent);
  a = offload_grid_cell (lowest, scale) - grid->base;
  b = offload_grid_cell (highest, scale) - grid->base;
  if (a < 0 || b >= (gint64) grid->size
      || offload_grid_cell (below, scale) - grid->base != a - 1
      || offload_grid_cell (above, scale) - grid->base != b + 1)
    return FALSE;

  *first = (guint) a;
  *last = (guint) b;
  return TRUE;
}

/* A column's windows: those on whole cells of its grid, three at most,
 * counted in the grid's loop; the others by key. */
static void
split_windows (OffloadRefineStats *self,
               ColumnItems        *items)
{
  const OffloadRefineGrid *grid = NULL;
  guint first[GRID_WINDOWS_MAX], last[GRID_WINDOWS_MAX];

  if (items->grid >= 0)
    grid = &g_array_index (self->plan->grids, OffloadRefineGrid, items->grid);

  for (guint i = 0; i < items->ranges->len; i++)
    {
      const RangeItem *range = &g_array_index (items->ranges, RangeItem, i);
      guint n = items->n_grid_ranges;

      if (grid != NULL && n < GRID_WINDOWS_MAX
          && offload_refine_grid_window_cells (grid, range->low, range->high, &first[n], &last[n])
          && (n == 0 || first[n] > last[n - 1]))
        items->grid_ranges[items->n_grid_ranges++] = *range;
      else
        g_array_append_val (items->key_ranges, *range);
    }

  if (items->n_grid_ranges == 0)
    return;
  items->grid_windows = g_new0 (guint8, grid->size);
  for (guint j = 0; j < items->n_grid_ranges; j++)
    {
      items->grid_first[j] = first[j];
      for (guint c = first[j]; c <= last[j]; c++)
        items->grid_windows[c] = (guint8) (j + 1);
    }
}

/* The numbers below each window on a grid, brought up to date from the
 * cells below it: once a chunk, not once a number. Only what was counted
 * since the last time is added, so it may be called at any time; stats
 * read from JSON never count in cells and have nothing to add. It changes
 * the counts of the windows only, behind the pointers of a const stats. */
static void
settle_column (const OffloadRefineStats *self,
               ColumnItems              *items)
{
  const OffloadRefineGridCounts *grid;
  guint64 below = 0;
  guint cell = 0;

  if (items == NULL || !items->grid_pending)
    return;
  grid = &self->grids[items->grid];
  for (guint j = 0; j < items->n_grid_ranges; j++)
    {
      OffloadRefineRangeCounts *counts = items->grid_ranges[j].counts;

      for (; cell < items->grid_first[j]; cell++)
        below += grid->cells[cell];
      counts->below += below - items->grid_counted[j] + items->grid_below_all;
      items->grid_counted[j] = below;
      /* Cells of 32 bits that may have wrapped (a file read in one piece
       * of 2^32 numbers): the counts below are no use then. */
      if (grid->counted >= G_MAXUINT32)
        counts->overflow = TRUE;
    }
  items->grid_below_all = 0;
  items->grid_pending = FALSE;
}

static void
settle_grid_windows (const OffloadRefineStats *self)
{
  for (guint c = 0; c < self->by_column->len; c++)
    settle_column (self, g_ptr_array_index (self->by_column, c));
}

/**
 * offload_refine_stats_new:
 * @plan: what to count; must outlive the statistics
 *
 * Returns: (transfer full): empty statistics for @plan
 */
OffloadRefineStats *
offload_refine_stats_new (const OffloadRefinePlan *plan)
{
  OffloadRefineStats *self = g_new0 (OffloadRefineStats, 1);

  g_return_val_if_fail (plan != NULL, NULL);

  self->plan = plan;
  self->by_column = g_ptr_array_new_with_free_func (column_items_free);

  self->targets = g_new0 (OffloadRefineTargetCounts, plan->targets->len);
  for (guint i = 0; i < plan->targets->len; i++)
    {
      const OffloadRefineTarget *t = &g_array_index (plan->targets, OffloadRefineTarget, i);

      self->targets[i].histogram = offload_key_histogram_new (t->prefix, t->prefix_bits,
                                                              target_bits (plan, t));
      self->targets[i].distinct = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                         g_free, g_free);
      if (t->collect)
        self->targets[i].values = g_array_new (FALSE, FALSE, sizeof (guint64));
      g_array_append_val (items_for (self, t->column)->targets, i);
    }

  self->bins = g_new0 (guint64 *, plan->bins->len);
  for (guint i = 0; i < plan->bins->len; i++)
    {
      const OffloadRefineBins *b = &g_array_index (plan->bins, OffloadRefineBins, i);

      ColumnItems *items = items_for (self, b->column);

      self->bins[i] = g_new0 (guint64, b->grid.n_bins);
      items->bins = (int) i;
      items->bins_scale = offload_grid_scale (b->grid.exponent);
    }

  self->ranges = g_new0 (OffloadRefineRangeCounts, plan->ranges->len);
  for (guint i = 0; i < plan->ranges->len; i++)
    {
      const OffloadRefineRange *r = &g_array_index (plan->ranges, OffloadRefineRange, i);
      RangeItem item = { r->low, r->high, r->max_values, &self->ranges[i] };

      self->ranges[i].values = g_array_new (FALSE, FALSE, sizeof (guint64));
      self->ranges[i].run_ends = g_array_new (FALSE, FALSE, sizeof (guint));
      g_array_append_val (items_for (self, r->column)->ranges, item);
    }
  for (guint c = 0; c < self->by_column->len; c++)
    {
      ColumnItems *items = g_ptr_array_index (self->by_column, c);

      if (items != NULL && items->ranges->len > 1)
        g_array_sort (items->ranges, compare_range_items);
    }

  self->grids = g_new0 (OffloadRefineGridCounts, plan->grids->len);
  for (guint i = 0; i < plan->grids->len; i++)
    {
      const OffloadRefineGrid *g = &g_array_index (plan->grids, OffloadRefineGrid, i);
      ColumnItems *items = items_for (self, g->column);

      self->grids[i].cells = g_new0 (guint32, g->size);
      self->grids[i].outside = g_array_new (FALSE, FALSE, sizeof (double));
      self->grids[i].min = INFINITY;
      self->grids[i].max = -INFINITY;
      items->grid = (int) i;
      items->grid_scale = offload_grid_scale (g->exponent);
    }
  for (guint c = 0; c < self->by_column->len; c++)
    {
      ColumnItems *items = g_ptr_array_index (self->by_column, c);

      if (items != NULL)
        split_windows (self, items);
    }

  self->text = g_new0 (OffloadTextCounter *, plan->text->len);
  for (guint i = 0; i < plan->text->len; i++)
    {
      self->text[i] = offload_text_counter_new (plan->text_max_exact, plan->text_sketch_bits);
      items_for (self, g_array_index (plan->text, guint, i))->text = (int) i;
    }

  return self;
}

void
offload_refine_stats_free (OffloadRefineStats *self)
{
  if (self == NULL)
    return;

  for (guint i = 0; i < self->plan->targets->len; i++)
    {
      offload_key_histogram_free (self->targets[i].histogram);
      g_clear_pointer (&self->targets[i].distinct, g_hash_table_unref);
      g_clear_pointer (&self->targets[i].values, g_array_unref);
    }
  for (guint i = 0; i < self->plan->bins->len; i++)
    g_free (self->bins[i]);
  for (guint i = 0; i < self->plan->text->len; i++)
    offload_text_counter_free (self->text[i]);
  for (guint i = 0; i < self->plan->ranges->len; i++)
    {
      g_array_unref (self->ranges[i].values);
      g_array_unref (self->ranges[i].run_ends);
    }
  for (guint i = 0; i < self->plan->grids->len; i++)
    {
      g_free (self->grids[i].cells);
      g_free (self->grids[i].totals);
      g_array_unref (self->grids[i].outside);
    }
  g_free (self->ranges);
  g_free (self->grids);
  g_free (self->targets);
  g_free (self->bins);
  g_free (self->text);
  g_ptr_array_unref (self->by_column);
  g_free (self);
}

static void
add_distinct (GHashTable **distinct,
              guint        max,
              guint64      key,
              guint64      count)
{
  guint64 *value;

  if (*distinct == NULL)
    return;

  value = g_hash_table_lookup (*distinct, &key);
  if (value != NULL)
    {
      *value += count;
      return;
    }
  if (g_hash_table_size (*distinct) >= max)
    {
      g_clear_pointer (distinct, g_hash_table_unref);
      return;
    }
  g_hash_table_insert (*distinct, g_memdup2 (&key, sizeof key), g_memdup2 (&count, sizeof count));
}

/**
 * offload_refine_stats_add_cell:
 * @self: statistics
 * @column: the cell's column
 * @text: (array length=length): the cell
 * @length: its bytes
 *
 * Counts one cell, for whichever items of the plan want its column.
 * Set @self->position to the record's place in the file first.
 */
void
offload_refine_stats_add_cell (OffloadRefineStats *self,
                               guint               column,
                               const char         *text,
                               gsize               length)
{
  double value = 0;
  OffloadCellKind kind;

  if (column >= self->by_column->len || g_ptr_array_index (self->by_column, column) == NULL)
    return;

  kind = offload_cell_classify (text, length, &value);
  offload_refine_stats_add_value (self, column, kind, value, text, length);
}

/**
 * offload_refine_stats_add_value:
 * @self: statistics
 * @column: the cell's column
 * @kind: what offload_cell_classify() says of the cell
 * @value: the number, for %OFFLOAD_CELL_NUMBER
 * @text: (array length=length): the cell
 * @length: its bytes
 *
 * The same as offload_refine_stats_add_cell(), for a cell already
 * classified.
 */
void
offload_refine_stats_add_value (OffloadRefineStats *self,
                                guint               column,
                                OffloadCellKind     kind,
                                double              value,
                                const char         *text,
                                gsize               length)
{
  ColumnItems *items;

  if (column >= self->by_column->len
      || (items = g_ptr_array_index (self->by_column, column)) == NULL
      || kind == OFFLOAD_CELL_MISSING)
    return;

  if (items->text >= 0)
    offload_text_counter_add (self->text[items->text], text, length, self->position);
  if (kind == OFFLOAD_CELL_NUMBER)
    offload_refine_stats_add_numbers (self, column, &value, 1);
}

/**
 * offload_refine_stats_counts_text:
 * @self: statistics
 * @column: a column
 *
 * Returns: whether the plan counts the column's cells as text (its numbers
 *   too, as they are written)
 */
gboolean
offload_refine_stats_counts_text (OffloadRefineStats *self,
                                  guint               column)
{
  ColumnItems *items;

  return column < self->by_column->len
         && (items = g_ptr_array_index (self->by_column, column)) != NULL
         && items->text >= 0;
}

/**
 * offload_refine_stats_counts_numbers:
 * @self: statistics
 * @column: a column
 *
 * Returns: whether the plan counts anything of the column's numbers
 */
gboolean
offload_refine_stats_counts_numbers (OffloadRefineStats *self,
                                     guint               column)
{
  ColumnItems *items;

  return column < self->by_column->len
         && (items = g_ptr_array_index (self->by_column, column)) != NULL
         && (items->bins >= 0 || items->grid >= 0 || items->ranges->len > 0
             || items->targets->len > 0);
}

static const ColumnItems *
items_of (const OffloadRefineStats *self,
          guint                     column)
{
  return column < self->by_column->len ? g_ptr_array_index (self->by_column, column) : NULL;
}

/**
 * offload_refine_stats_find_grid:
 * @self: statistics
 * @column: a column
 *
 * The lookups by column go through the index the workers use, so that a
 * file of thousands of columns does not cost their square.
 *
 * Returns: the index in the plan's grids of the column's grid, or -1
 */
int
offload_refine_stats_find_grid (const OffloadRefineStats *self,
                                guint                     column)
{
  const ColumnItems *items = items_of (self, column);

  g_return_val_if_fail (self != NULL, -1);

  return items != NULL ? items->grid : -1;
}

/**
 * offload_refine_stats_find_text:
 * @self: statistics
 * @column: a column
 *
 * Returns: the index in the plan's text columns of @column, or -1
 */
int
offload_refine_stats_find_text (const OffloadRefineStats *self,
                                guint                     column)
{
  const ColumnItems *items = items_of (self, column);

  g_return_val_if_fail (self != NULL, -1);

  return items != NULL ? items->text : -1;
}

/**
 * offload_refine_stats_get_window:
 * @self: statistics
 * @column: a column
 * @k: 0 for its first window
 *
 * Returns: (transfer none) (nullable): the counts of the column's window
 *   @k, in the order of their bounds; %NULL past the last
 */
OffloadRefineRangeCounts *
offload_refine_stats_get_window (const OffloadRefineStats *self,
                                 guint                     column,
                                 guint                     k)
{
  const ColumnItems *items = items_of (self, column);

  g_return_val_if_fail (self != NULL, NULL);

  if (items == NULL || k >= items->ranges->len)
    return NULL;
  /* This column only: the merger asks of every column in turn. */
  settle_column (self, (ColumnItems *) items);
  return g_array_index (items->ranges, RangeItem, k).counts;
}

/**
 * offload_refine_range_counts_in_runs:
 * @counts: a window's counts
 *
 * Returns: whether its values are all in sorted runs, as @counts->run_ends
 *   says (none is such too)
 */
gboolean
offload_refine_range_counts_in_runs (const OffloadRefineRangeCounts *counts)
{
  g_return_val_if_fail (counts != NULL, FALSE);

  if (counts->values->len == 0)
    return TRUE;
  return counts->run_ends->len > 0
         && g_array_index (counts->run_ends, guint, counts->run_ends->len - 1)
            == counts->values->len;
}

/**
 * offload_refine_stats_add_text:
 * @self: statistics
 * @column: the cell's column
 * @text: (array length=length): a cell that is not missing
 * @length: its bytes
 *
 * Counts a cell's text, when the plan counts its column's values. Set
 * @self->position to the record's place in the file first.
 */
void
offload_refine_stats_add_text (OffloadRefineStats *self,
                               guint               column,
                               const char         *text,
                               gsize               length)
{
  ColumnItems *items;

  if (column < self->by_column->len
      && (items = g_ptr_array_index (self->by_column, column)) != NULL
      && items->text >= 0)
    offload_text_counter_add (self->text[items->text], text, length, self->position);
}

/* The numbers a loop over a column's notes in a window before keeping
 * them, on the stack: as many as a batch of the workers' reader. */
#define NOTED_MAX 256

/* A number inside a window is kept, while the bound on the windows' numbers
 * allows. A sorted column puts a whole window in one chunk: the bound is on
 * all of them together. */
static inline void
keep_in_range (OffloadRefineStats *self,
               const RangeItem    *range,
               guint64             key)
{
  if (range->counts->values->len < range->max_values
      && (self->plan->range_values == 0 || self->range_values < self->plan->range_values))
    {
      g_array_append_val (range->counts->values, key);
      self->range_values++;
    }
  else
    range->counts->overflow = TRUE;
}

/* The keys a loop noted in its block of numbers, each in the window
 * @which[k] of @ranges (three at most), kept as keep_in_range() would keep
 * them one by one: in one go when they all fit, a call to
 * g_array_set_size() a window instead of one to g_array_append_val() a
 * key (hundreds of thousands a chunk). */
static void
keep_noted (OffloadRefineStats *self,
            const RangeItem    *ranges,
            const guint64      *keys,
            const guint8       *which,
            gsize               n)
{
  gsize count[3] = { 0, 0, 0 };
  guint64 *out[3] = { NULL, NULL, NULL };
  gboolean fits;

  for (gsize k = 0; k < n; k++)
    count[which[k]]++;
  fits = self->plan->range_values == 0 || self->range_values + n <= self->plan->range_values;
  for (guint r = 0; r < 3; r++)
    fits &= count[r] == 0 || ranges[r].counts->values->len + count[r] <= ranges[r].max_values;
  if (!fits)
    {
      for (gsize k = 0; k < n; k++)
        keep_in_range (self, &ranges[which[k]], keys[k]);
      return;
    }

  for (guint r = 0; r < 3; r++)
    if (count[r] > 0)
      {
        GArray *values = ranges[r].counts->values;
        guint length = values->len;

        g_array_set_size (values, length + (guint) count[r]);
        out[r] = (guint64 *) (void *) values->data + length;
      }
  for (gsize k = 0; k < n; k++)
    *out[which[k]]++ = keys[k];
  self->range_values += n;
}

/* A column's finite numbers by cell of a grid. Its own loop, apart from
 * the windows' by key: no faster measured (the cells' increments in memory
 * cost the most either way), but each loop keeps only its own values live.
 * The windows on the grid's cells are counted here too: a byte per cell
 * says which one holds it, and the numbers below a window are those of
 * the cells before it (added up by settle_grid_windows()), below the grid
 * and -inf. A window by key costs a loop of its own and a dozen compares
 * a number; this, a byte read. */
static G_ALWAYS_INLINE inline void
count_grid_with (OffloadRefineStats *self,
                 ColumnItems        *items,
                 const double       *values,
                 gsize               n,
                 gboolean            with_windows)
{
  const OffloadRefineGrid *g = &g_array_index (self->plan->grids, OffloadRefineGrid, items->grid);
  OffloadRefineGridCounts *counts = &self->grids[items->grid];
  const guint8 *windows = items->grid_windows;
  double scale = items->grid_scale;
  guint32 *cells = counts->cells;
  guint size = g->size;
  gint64 base = g->base;
  double min = counts->min, max = counts->max;
  gsize counted = 0;
  guint64 below_all = 0;
  double noted[NOTED_MAX];
  guint8 noted_window[NOTED_MAX];
  gsize n_noted = 0;

  g_assert (n <= NOTED_MAX);

  for (gsize k = 0; k < n; k++)
    {
      double value = values[k];
      guint64 cell;

      if (G_UNLIKELY (!isfinite (value)))
        {
          below_all += value < 0;
          continue;
        }
      cell = (guint64) (offload_grid_cell (value, scale) - base);
      counted++;
      min = MIN (min, value);
      max = MAX (max, value);
      if (G_LIKELY (cell < size))
        {
          cells[cell]++;
          /* A number in a window is noted without a branch: a few in a
           * hundred are, at random, so a branch that kept it mispredicted
           * (1.5 % of a worker's time). They are kept after the loop. */
          if (with_windows)
            {
              guint8 window = windows[cell];

              noted[n_noted] = value;
              noted_window[n_noted] = window;
              n_noted += window != 0;
            }
          continue;
        }
      /* Below the grid (the difference is negative), or above it. */
      below_all += (gint64) cell < 0;
      if (counts->outside->len < g->max_outside)
        g_array_append_val (counts->outside, value);
      else
        counts->overflow = TRUE;
    }

  if (n_noted > 0)
    {
      guint64 keys[NOTED_MAX];

      for (gsize k = 0; k < n_noted; k++)
        {
          keys[k] = offload_order_key (noted[k]);
          noted_window[k]--;
        }
      keep_noted (self, items->grid_ranges, keys, noted_window, n_noted);
    }

  counts->counted += counted;
  counts->min = min;
  counts->max = max;
  /* 32-bit cells could overflow in a file read in one piece. */
  if (G_UNLIKELY (counts->counted >= G_MAXUINT32))
    counts->overflow = TRUE;
  if (with_windows)
    {
      /* The cells below each window are added up when they are read. */
      items->grid_below_all += below_all;
      items->grid_pending = TRUE;
    }
}

static void
count_grid (OffloadRefineStats *self,
            ColumnItems        *items,
            const double       *values,
            gsize               n)
{
  for (gsize done = 0; done < n; done += NOTED_MAX)
    {
      gsize block = MIN (n - done, (gsize) NOTED_MAX);

      if (items->grid_windows != NULL)
        count_grid_with (self, items, values + done, block, TRUE);
      else
        count_grid_with (self, items, values + done, block, FALSE);
    }
}

/* A column's numbers counted below each of its windows, those inside kept. */
static void
count_ranges (OffloadRefineStats *self,
              const RangeItem    *ranges,
              guint               n_ranges,
              const double       *values,
              gsize               n)
{
  guint64 highs[3] = { G_MAXUINT64, G_MAXUINT64, G_MAXUINT64 };
  guint64 lows[3] = { G_MAXUINT64, G_MAXUINT64, G_MAXUINT64 };
  guint64 below[3] = { 0, 0, 0 };

  if (n_ranges > 3)
    {
      for (gsize k = 0; k < n; k++)
        {
          guint64 key = offload_order_key (values[k]);
          guint i = 0;

          for (guint r = 0; r < n_ranges; r++)
            {
              i += key > ranges[r].high;
              ranges[r].counts->below += key < ranges[r].low;
            }
          if (i < n_ranges && key >= ranges[i].low)
            keep_in_range (self, &ranges[i], key);
        }
      return;
    }

  /* The three quartiles' windows (fewer where they met), without
   * branches, in registers: where a number lands is as random as the
   * numbers, and counts in memory would wait on each other. Few numbers
   * are inside a window. */
  for (guint r = 0; r < n_ranges; r++)
    {
      highs[r] = ranges[r].high;
      lows[r] = ranges[r].low;
    }
  for (gsize done = 0; done < n; done += NOTED_MAX)
    {
      gsize block = MIN (n - done, (gsize) NOTED_MAX);
      guint64 noted[NOTED_MAX];
      gsize n_noted = 0;

      /* Those inside noted without a branch, as in count_grid_with(). */
      for (gsize k = 0; k < block; k++)
        {
          guint64 key = offload_order_key (values[done + k]);
          gboolean inside;

          below[0] += key < lows[0];
          below[1] += key < lows[1];
          below[2] += key < lows[2];
          inside = ((key >= lows[0]) & (key <= highs[0]))
                   | ((key >= lows[1]) & (key <= highs[1]))
                   | ((key >= lows[2]) & (key <= highs[2]));
          noted[n_noted] = key;
          n_noted += inside;
        }
      if (n_noted > 0)
        {
          guint8 which[NOTED_MAX];

          for (gsize k = 0; k < n_noted; k++)
            which[k] = (guint8) ((noted[k] > highs[0]) + (noted[k] > highs[1]));
          keep_noted (self, ranges, noted, which, n_noted);
        }
    }
  for (guint r = 0; r < n_ranges; r++)
    ranges[r].counts->below += below[r];
}

/**
 * offload_refine_stats_add_numbers:
 * @self: statistics
 * @column: their column
 * @values: (array length=n): numbers of it, in the file's order
 * @n: how many
 *
 * Counts numbers for the items of the plan that want their column: a few
 * hundred at a time, so that each item's loop runs over them in one go.
 */
void
offload_refine_stats_add_numbers (OffloadRefineStats *self,
                                  guint               column,
                                  const double       *values,
                                  gsize               n)
{
  ColumnItems *items;

  if (column >= self->by_column->len
      || (items = g_ptr_array_index (self->by_column, column)) == NULL)
    return;

  if (items->bins >= 0)
    {
      const OffloadRefineBins *b = &g_array_index (self->plan->bins, OffloadRefineBins,
                                                   items->bins);
      guint64 *bins = self->bins[items->bins];
      double scale = items->bins_scale;

      for (gsize k = 0; k < n; k++)
        if (isfinite (values[k]))
          bins[offload_grid_bins_index (&b->grid, offload_grid_cell (values[k], scale))]++;
    }

  if (items->grid >= 0)
    count_grid (self, items, values, n);
  if (items->key_ranges->len > 0)
    count_ranges (self, (const RangeItem *) (void *) items->key_ranges->data,
                  items->key_ranges->len, values, n);

  for (guint t = 0; t < items->targets->len; t++)
    {
      OffloadRefineTargetCounts *counts = &self->targets[g_array_index (items->targets, guint, t)];

      for (gsize k = 0; k < n; k++)
        {
          guint64 key = offload_order_key (values[k]);

          if (!offload_key_histogram_add (counts->histogram, key))
            continue;
          if (counts->values != NULL)
            {
              /* Bounded: the parent collects only targets that few numbers
               * of the whole file fall in. */
              if (counts->values->len < OFFLOAD_REFINE_COLLECT_MAX)
                g_array_append_val (counts->values, key);
            }
          else
            add_distinct (&counts->distinct, self->plan->distinct_max, key, 1);
        }
    }
}

/**
 * offload_refine_stats_merge:
 * @self: statistics
 * @other: another chunk's, of the same plan
 */
void
offload_refine_stats_merge (OffloadRefineStats       *self,
                            const OffloadRefineStats *other)
{
  g_return_if_fail (self != NULL && other != NULL && self->plan == other->plan);

  settle_grid_windows (self);
  settle_grid_windows (other);
  for (guint i = 0; i < self->plan->targets->len; i++)
    {
      offload_key_histogram_merge (self->targets[i].histogram, other->targets[i].histogram);
      if (self->targets[i].values != NULL)
        {
          g_array_append_vals (self->targets[i].values, other->targets[i].values->data,
                               other->targets[i].values->len);
          continue;
        }
      if (other->targets[i].distinct == NULL)
        g_clear_pointer (&self->targets[i].distinct, g_hash_table_unref);
      else
        {
          GHashTableIter iter;
          gpointer key, value;

          g_hash_table_iter_init (&iter, other->targets[i].distinct);
          while (g_hash_table_iter_next (&iter, &key, &value))
            add_distinct (&self->targets[i].distinct, self->plan->distinct_max,
                          *(guint64 *) key, *(guint64 *) value);
        }
    }

  for (guint i = 0; i < self->plan->bins->len; i++)
    for (guint j = 0; j < g_array_index (self->plan->bins, OffloadRefineBins, i).grid.n_bins; j++)
      self->bins[i][j] += other->bins[i][j];

  for (guint i = 0; i < self->plan->ranges->len; i++)
    {
      OffloadRefineRangeCounts *ours = &self->ranges[i];
      const OffloadRefineRangeCounts *theirs = &other->ranges[i];
      guint offset = ours->values->len;
      gboolean in_runs;

      /* Still all in sorted runs only when both were. */
      if (ours->values->len == 0)
        g_array_set_size (ours->run_ends, 0);
      in_runs = offload_refine_range_counts_in_runs (ours)
                && offload_refine_range_counts_in_runs (theirs);

      ours->below += theirs->below;
      ours->overflow |= theirs->overflow;
      g_array_append_vals (ours->values, theirs->values->data, theirs->values->len);
      if (in_runs)
        for (guint r = 0; r < theirs->run_ends->len; r++)
          {
            guint end = offset + g_array_index (theirs->run_ends, guint, r);

            g_array_append_val (ours->run_ends, end);
          }
      else
        g_array_set_size (ours->run_ends, 0);
    }

  for (guint i = 0; i < self->plan->grids->len; i++)
    {
      OffloadRefineGridCounts *ours = &self->grids[i];
      const OffloadRefineGridCounts *theirs = &other->grids[i];

      guint size = g_array_index (self->plan->grids, OffloadRefineGrid, i).size;

      if (ours->totals == NULL)
        ours->totals = g_new0 (guint64, size);
      for (guint j = 0; j < size; j++)
        ours->totals[j] += theirs->cells[j] + (theirs->totals != NULL ? theirs->totals[j] : 0);
      g_array_append_vals (ours->outside, theirs->outside->data, theirs->outside->len);
      ours->overflow |= theirs->overflow;
      ours->counted += theirs->counted;
      ours->min = MIN (ours->min, theirs->min);
      ours->max = MAX (ours->max, theirs->max);
    }

  for (guint i = 0; i < self->plan->text->len; i++)
    offload_text_counter_merge (self->text[i], other->text[i]);
}

static gboolean
key_in_histogram (const OffloadKeyHistogram *histogram,
                  guint64                    key)
{
  guint shift = 64 - histogram->prefix_bits;

  return histogram->prefix_bits == 0 || (key >> shift) == (histogram->prefix >> shift);
}

/* Sorted keys as base64 of varint differences: keys in one narrow bucket
 * differ in their low bits only, so each takes a few bytes. */
static char *
encode_keys (GArray *keys)
{
  const guint64 *sorted = (const guint64 *) (void *) keys->data;
  g_autofree guint8 *out = NULL;
  guint64 previous = 0;
  gsize size = 0;
  guint8 *p;

  /* Measured first, then written in place: no call a key. */
  offload_sort_keys ((guint64 *) (void *) keys->data, keys->len);
  for (guint i = 0; i < keys->len; i++)
    {
      size += offload_varint_size (sorted[i] - previous);
      previous = sorted[i];
    }
  p = out = g_malloc (MAX (size, 1));
  previous = 0;
  for (guint i = 0; i < keys->len; i++)
    {
      p = offload_varint_write (p, sorted[i] - previous);
      previous = sorted[i];
    }
  g_assert ((gsize) (p - out) == size);

  return g_base64_encode (out, size);
}

/* Keys as encode_keys() made them, each in [low, high], at most max. */
static gboolean
decode_keys_within (const char *text,
                    guint64     low,
                    guint64     high,
                    guint       max,
                    GArray     *keys)
{
  g_autofree guint8 *data = NULL;
  const guint8 *p, *end;
  guint64 previous = 0, *out;
  gsize length = 0, n = 0, room;
  guint start = keys->len;

  data = g_base64_decode (text, &length);
  /* Room for them all at once, rather than a call to g_array_append_val()
   * each (a chunk's result holds hundreds of thousands, which the app's
   * merge thread reads): as many as the bytes that end a varint. */
  room = 0;
  for (gsize i = 0; i < length; i++)
    room += data[i] < 0x80;
  room = MIN (room, (gsize) (max - MIN (max, start)));
  g_array_set_size (keys, start + (guint) room);
  out = (guint64 *) (void *) keys->data + start;
  p = data;
  end = data + length;
  while (p < end)
    {
      guint64 delta, key;

      if (!offload_varint_get (&p, end, &delta)
          || !g_uint64_checked_add (&key, previous, delta)
          || n >= room
          || key < low || key > high)
        {
          g_array_set_size (keys, start);
          return FALSE;
        }
      out[n++] = key;
      previous = key;
    }
  g_array_set_size (keys, start + (guint) n);

  return TRUE;
}

static gboolean
decode_keys (const char                *text,
             const OffloadKeyHistogram *histogram,
             GArray                    *keys)
{
  guint64 low = 0, high = G_MAXUINT64;

  if (histogram->prefix_bits > 0)
    {
      guint shift = 64 - histogram->prefix_bits;

      low = histogram->prefix >> shift << shift;
      high = low | ((G_GUINT64_CONSTANT (1) << shift) - 1);
    }
  return decode_keys_within (text, low, high, OFFLOAD_REFINE_COLLECT_MAX, keys);
}

static GArray *
keys_of (GArray *values)
{
  GArray *keys = g_array_sized_new (FALSE, FALSE, sizeof (guint64), values->len);

  for (guint i = 0; i < values->len; i++)
    {
      guint64 key = offload_order_key (g_array_index (values, double, i));

      g_array_append_val (keys, key);
    }
  return keys;
}

/* Grid cells as (gap, count) varint pairs for the cells that hold any. */
static char *
encode_cells (const guint32 *cells,
              guint          size)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint next = 0;

  for (guint i = 0; i < size; i++)
    if (cells[i] > 0)
      {
        offload_varint_put (out, i - next);
        offload_varint_put (out, cells[i]);
        next = i + 1;
      }

  return g_base64_encode (out->data, out->len);
}

static gboolean
decode_cells (const char *text,
              guint32    *cells,
              guint       size,
              guint64    *total)
{
  g_autofree guint8 *data = NULL;
  const guint8 *p, *end;
  gsize length = 0;
  guint64 next = 0;

  data = g_base64_decode (text, &length);
  p = data;
  end = data + length;
  while (p < end)
    {
      guint64 gap, count;

      if (!offload_varint_get (&p, end, &gap) || !offload_varint_get (&p, end, &count)
          || count == 0 || count > G_MAXUINT32 || gap >= size - next)
        return FALSE;
      next += gap;
      cells[next] = (guint32) count;
      if (!g_uint64_checked_add (total, *total, count))
        return FALSE;
      next++;
    }

  return TRUE;
}

JsonNode *
offload_refine_stats_to_json (const OffloadRefineStats *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  settle_grid_windows (self);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->plan->targets->len; i++)
    {
      const OffloadRefineTargetCounts *counts = &self->targets[i];

      json_builder_begin_object (builder);
      if (counts->values != NULL)
        {
          g_autofree char *values = encode_keys (counts->values);

          json_builder_set_member_name (builder, "values");
          json_builder_add_string_value (builder, values);
          json_builder_end_object (builder);
          continue;
        }
      {
        g_autofree char *histogram = offload_key_histogram_encode (counts->histogram);

        json_builder_set_member_name (builder, "histogram");
        json_builder_add_string_value (builder, histogram);
      }

      json_builder_set_member_name (builder, "distinct");
      if (counts->distinct == NULL)
        json_builder_add_null_value (builder);
      else
        {
          GHashTableIter iter;
          gpointer key, value;

          json_builder_begin_array (builder);
          g_hash_table_iter_init (&iter, counts->distinct);
          while (g_hash_table_iter_next (&iter, &key, &value))
            {
              json_builder_begin_array (builder);
              json_builder_add_int_value (builder, *(gint64 *) key);
              json_builder_add_int_value (builder, *(gint64 *) value);
              json_builder_end_array (builder);
            }
          json_builder_end_array (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "bins");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->plan->bins->len; i++)
    {
      json_builder_begin_array (builder);
      for (guint j = 0; j < g_array_index (self->plan->bins, OffloadRefineBins, i).grid.n_bins; j++)
        json_builder_add_int_value (builder, (gint64) self->bins[i][j]);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "ranges");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->plan->ranges->len; i++)
    {
      const OffloadRefineRangeCounts *counts = &self->ranges[i];
      g_autofree char *values = encode_keys (counts->values);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "below");
      json_builder_add_int_value (builder, (gint64) counts->below);
      json_builder_set_member_name (builder, "values");
      json_builder_add_string_value (builder, values);
      json_builder_set_member_name (builder, "overflow");
      json_builder_add_boolean_value (builder, counts->overflow);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "grids");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->plan->grids->len; i++)
    {
      const OffloadRefineGridCounts *counts = &self->grids[i];
      const OffloadRefineGrid *g = &g_array_index (self->plan->grids, OffloadRefineGrid, i);
      g_autofree char *cells = encode_cells (counts->cells, g->size);
      g_autoptr(GArray) keys = keys_of (counts->outside);
      g_autofree char *outside = encode_keys (keys);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "cells");
      json_builder_add_string_value (builder, cells);
      json_builder_set_member_name (builder, "outside");
      json_builder_add_string_value (builder, outside);
      json_builder_set_member_name (builder, "overflow");
      json_builder_add_boolean_value (builder, counts->overflow);
      json_builder_set_member_name (builder, "counted");
      json_builder_add_int_value (builder, (gint64) counts->counted);
      if (counts->counted > 0)
        {
          json_builder_set_member_name (builder, "min");
          json_builder_add_double_value (builder, counts->min);
          json_builder_set_member_name (builder, "max");
          json_builder_add_double_value (builder, counts->max);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "text");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->plan->text->len; i++)
    json_builder_add_value (builder, offload_text_counter_to_json (self->text[i]));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
read_target (OffloadRefineTargetCounts *counts,
             guint                      max,
             JsonNode                  *node)
{
  JsonObject *object;
  JsonNode *histogram;
  JsonNode *distinct;
  guint64 total, in_distinct = 0;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);
  if (counts->values != NULL)
    {
      JsonNode *values = json_object_get_member (object, "values");

      return values != NULL && json_node_get_value_type (values) == G_TYPE_STRING
             && decode_keys (json_node_get_string (values), counts->histogram, counts->values);
    }

  histogram = json_object_get_member (object, "histogram");
  distinct = json_object_get_member (object, "distinct");
  if (histogram == NULL || distinct == NULL
      || json_node_get_value_type (histogram) != G_TYPE_STRING
      || !offload_key_histogram_decode (counts->histogram, json_node_get_string (histogram)))
    return FALSE;
  total = counts->histogram->total;

  if (JSON_NODE_HOLDS_NULL (distinct))
    {
      g_clear_pointer (&counts->distinct, g_hash_table_unref);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (distinct)
      || json_array_get_length (json_node_get_array (distinct)) > max)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (distinct)); i++)
    {
      JsonArray *pair = get_tuple (json_node_get_array (distinct), i, 2);
      gint64 key, count;

      if (pair == NULL
          || !get_int (pair, 0, G_MININT64, G_MAXINT64, &key)
          || !get_int (pair, 1, 1, G_MAXINT64, &count)
          || !key_in_histogram (counts->histogram, (guint64) key))
        return FALSE;
      add_distinct (&counts->distinct, max, (guint64) key, (guint64) count);
      if (!g_uint64_checked_add (&in_distinct, in_distinct, (guint64) count))
        return FALSE;
    }

  /* Every number of the target is among its distinct keys. */
  return in_distinct == total && counts->distinct != NULL;
}

static gboolean
read_range (const OffloadRefineRange *range,
            OffloadRefineRangeCounts *counts,
            JsonNode                 *node)
{
  JsonObject *object;
  const char *values;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);
  values = offload_json_member_text (object, "values");

  if (values == NULL
      || !offload_json_member_count (object, "below", &counts->below)
      || !offload_json_member_bool (object, "overflow", &counts->overflow)
      || !decode_keys_within (values, range->low, range->high, range->max_values,
                              counts->values))
    return FALSE;

  /* encode_keys() sent them sorted: one run, when they are all there is. */
  g_array_set_size (counts->run_ends, 0);
  if (counts->values->len > 0)
    g_array_append_val (counts->run_ends, counts->values->len);
  return TRUE;
}

/* The numbers outside the cells must lie outside them, and every number
 * counted must be in the cells or outside, between the minimum and the
 * maximum. */
static gboolean
read_grid (const OffloadRefineGrid *grid,
           OffloadRefineGridCounts *counts,
           JsonNode                *node)
{
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (guint64));
  JsonObject *object;
  const char *cells, *outside;
  double scale = offload_grid_scale (grid->exponent);
  guint64 total = 0;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);
  cells = offload_json_member_text (object, "cells");
  outside = offload_json_member_text (object, "outside");
  if (cells == NULL || outside == NULL
      || !offload_json_member_bool (object, "overflow", &counts->overflow)
      || !offload_json_member_count (object, "counted", &counts->counted)
      || !decode_cells (cells, counts->cells, grid->size, &total)
      || !decode_keys_within (outside, 0, G_MAXUINT64, grid->max_outside, keys))
    return FALSE;

  if (counts->counted > 0
      && (!offload_json_member_finite (object, "min", &counts->min)
          || !offload_json_member_finite (object, "max", &counts->max)
          || counts->min > counts->max))
    return FALSE;

  for (guint i = 0; i < keys->len; i++)
    {
      double value = offload_order_key_value (g_array_index (keys, guint64, i));
      guint64 cell;

      if (!isfinite (value) || value < counts->min || value > counts->max)
        return FALSE;
      cell = (guint64) (offload_grid_cell (value, scale) - grid->base);
      if (cell < grid->size)
        return FALSE;
      g_array_append_val (counts->outside, value);
    }

  total += counts->outside->len;
  return counts->overflow ? total <= counts->counted : total == counts->counted;
}

/**
 * offload_refine_stats_from_json:
 * @plan: the plan the statistics were made for
 * @node: what offload_refine_stats_to_json() made
 * @error: when @node is not that
 *
 * Returns: (transfer full) (nullable): the statistics
 */
OffloadRefineStats *
offload_refine_stats_from_json (const OffloadRefinePlan  *plan,
                                JsonNode                 *node,
                                GError                  **error)
{
  g_autoptr(OffloadRefineStats) self = offload_refine_stats_new (plan);
  JsonObject *object;
  JsonArray *targets, *bins, *text, *ranges, *grids;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "refinement"), NULL;
  object = json_node_get_object (node);
  targets = get_array (object, "targets");
  bins = get_array (object, "bins");
  text = get_array (object, "text");
  ranges = get_array (object, "ranges");
  grids = get_array (object, "grids");
  if (targets == NULL || bins == NULL || text == NULL || ranges == NULL || grids == NULL
      || json_array_get_length (targets) != plan->targets->len
      || json_array_get_length (bins) != plan->bins->len
      || json_array_get_length (text) != plan->text->len
      || json_array_get_length (ranges) != plan->ranges->len
      || json_array_get_length (grids) != plan->grids->len)
    return invalid (error, "refinement"), NULL;

  for (guint i = 0; i < plan->targets->len; i++)
    if (!read_target (&self->targets[i], plan->distinct_max, json_array_get_element (targets, i)))
      return invalid (error, "a quartile’s bucket"), NULL;

  for (guint i = 0; i < plan->bins->len; i++)
    {
      guint n_bins = g_array_index (plan->bins, OffloadRefineBins, i).grid.n_bins;
      JsonArray *counts = get_tuple (bins, i, n_bins);

      if (counts == NULL)
        return invalid (error, "a histogram"), NULL;
      for (guint j = 0; j < n_bins; j++)
        {
          gint64 count;

          if (!get_int (counts, j, 0, G_MAXINT64, &count))
            return invalid (error, "a histogram"), NULL;
          self->bins[i][j] = (guint64) count;
        }
    }

  for (guint i = 0; i < plan->text->len; i++)
    {
      g_autoptr(OffloadTextCounter) counter = NULL;

      counter = offload_text_counter_from_json (json_array_get_element (text, i),
                                                plan->text_max_exact,
                                                plan->text_sketch_bits, error);
      if (counter == NULL)
        return NULL;
      offload_text_counter_free (self->text[i]);
      self->text[i] = g_steal_pointer (&counter);
    }

  for (guint i = 0; i < plan->ranges->len; i++)
    if (!read_range (&g_array_index (plan->ranges, OffloadRefineRange, i), &self->ranges[i],
                     json_array_get_element (ranges, i)))
      return invalid (error, "a quartile’s window"), NULL;

  for (guint i = 0; i < plan->grids->len; i++)
    if (!read_grid (&g_array_index (plan->grids, OffloadRefineGrid, i), &self->grids[i],
                    json_array_get_element (grids, i)))
      return invalid (error, "a histogram’s cells"), NULL;

  return g_steal_pointer (&self);
}
