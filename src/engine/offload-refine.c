/* offload-refine.c: the later passes over a file, and what they find
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "offload-number.h"
#include "offload-refine.h"

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
  g_free (self);
}

gboolean
offload_refine_plan_is_empty (const OffloadRefinePlan *self)
{
  g_return_val_if_fail (self != NULL, TRUE);

  return self->targets->len == 0 && self->bins->len == 0 && self->text->len == 0;
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
      json_builder_add_int_value (builder, b->n_bins);
      json_builder_add_double_value (builder, b->low);
      json_builder_add_double_value (builder, b->high);
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
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

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

static gboolean
get_finite (JsonArray *array,
            guint      index,
            double    *value)
{
  JsonNode *node = json_array_get_element (array, index);

  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    *value = json_node_get_double (node);
  else if (json_node_get_value_type (node) == G_TYPE_INT64)
    *value = (double) json_node_get_int (node);
  else
    return FALSE;
  return isfinite (*value);
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

OffloadRefinePlan *
offload_refine_plan_from_json (JsonNode  *node,
                               GError   **error)
{
  g_autoptr(OffloadRefinePlan) self = offload_refine_plan_new ();
  JsonObject *object;
  JsonArray *targets, *bins, *text;
  JsonNode *max_exact;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "plan"), NULL;
  object = json_node_get_object (node);
  targets = get_array (object, "targets");
  bins = get_array (object, "bins");
  text = get_array (object, "text");
  max_exact = json_object_get_member (object, "text_max_exact");
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
      JsonArray *tuple = get_tuple (bins, i, 4);
      OffloadRefineBins b;
      gint64 column, n_bins;

      if (tuple == NULL
          || !get_int (tuple, 0, 0, G_MAXINT32, &column)
          || !get_int (tuple, 1, 1, 100000, &n_bins)
          || !get_finite (tuple, 2, &b.low) || !get_finite (tuple, 3, &b.high)
          || !(b.low < b.high))
        return invalid (error, "plan bins"), NULL;
      b.column = (guint) column;
      b.n_bins = (guint) n_bins;
      g_array_append_val (self->bins, b);
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

typedef struct
{
  GArray *targets;              /* of guint: indices into plan->targets */
  int     bins;                 /* index into plan->bins, or -1 */
  double  step;                 /* of those bins, and their count over their range */
  double  norm;
  int     text;                 /* index into plan->text, or -1 */
} ColumnItems;

static void
column_items_free (gpointer data)
{
  ColumnItems *items = data;

  if (items == NULL)
    return;
  g_array_unref (items->targets);
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
      items->bins = -1;
      items->text = -1;
      g_ptr_array_index (self->by_column, column) = items;
    }

  return items;
}

static guint
target_bits (const OffloadRefineTarget *t)
{
  return MIN (OFFLOAD_REFINE_BITS, 64 - t->prefix_bits);
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
                                                              target_bits (t));
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

      self->bins[i] = g_new0 (guint64, b->n_bins);
      items->bins = (int) i;
      items->step = (b->high - b->low) / b->n_bins;
      items->norm = b->n_bins / (b->high - b->low);
    }

  self->text = g_new0 (OffloadTextCounter *, plan->text->len);
  for (guint i = 0; i < plan->text->len; i++)
    {
      self->text[i] = offload_text_counter_new (plan->text_max_exact);
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
  g_free (self->targets);
  g_free (self->bins);
  g_free (self->text);
  g_ptr_array_unref (self->by_column);
  g_free (self);
}

/* numpy.histogram()'s way: the index from the value's distance to the low
 * edge, then corrected against the edges themselves, low + i * step as
 * numpy.linspace makes them. The step and the scale are the pass's. */
static inline guint
bin_index (const OffloadRefineBins *bins,
           double                   step,
           double                   norm,
           double                   value)
{
  double index = (value - bins->low) * norm;
  guint i = index <= 0 ? 0 : index >= bins->n_bins ? bins->n_bins - 1 : (guint) index;

  if (i > 0 && value < i * step + bins->low)
    i--;
  else if (i + 1 < bins->n_bins && value >= (i + 1) * step + bins->low)
    i++;

  return i;
}

/**
 * offload_refine_bin_index:
 * @bins: a histogram's range
 * @value: a number in it
 *
 * Returns: the bin of @value, as numpy.histogram() finds it: the edges
 *   are low + i * step (numpy.linspace) and the last bin holds @high
 */
guint
offload_refine_bin_index (const OffloadRefineBins *bins,
                          double                   value)
{
  double step = (bins->high - bins->low) / bins->n_bins;
  double norm = bins->n_bins / (bins->high - bins->low);

  return bin_index (bins, step, norm, value);
}

static void
add_distinct (GHashTable **distinct,
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
  if (g_hash_table_size (*distinct) >= OFFLOAD_REFINE_DISTINCT_MAX)
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
  guint64 key;

  if (column >= self->by_column->len
      || (items = g_ptr_array_index (self->by_column, column)) == NULL)
    return;

  switch (kind)
    {
    case OFFLOAD_CELL_MISSING:
      return;

    case OFFLOAD_CELL_TEXT:
      if (items->text >= 0)
        offload_text_counter_add (self->text[items->text], text, length, self->position);
      return;

    case OFFLOAD_CELL_NUMBER:
    default:
      break;
    }

  if (items->text >= 0)
    offload_text_counter_add (self->text[items->text], text, length, self->position);

  if (items->bins >= 0 && isfinite (value))
    {
      const OffloadRefineBins *b = &g_array_index (self->plan->bins, OffloadRefineBins,
                                                   items->bins);

      if (value >= b->low && value <= b->high)
        self->bins[items->bins][bin_index (b, items->step, items->norm, value)]++;
    }

  key = offload_order_key (value);
  for (guint i = 0; i < items->targets->len; i++)
    {
      OffloadRefineTargetCounts *counts = &self->targets[g_array_index (items->targets, guint, i)];

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
        add_distinct (&counts->distinct, key, 1);
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
            add_distinct (&self->targets[i].distinct, *(guint64 *) key, *(guint64 *) value);
        }
    }

  for (guint i = 0; i < self->plan->bins->len; i++)
    for (guint j = 0; j < g_array_index (self->plan->bins, OffloadRefineBins, i).n_bins; j++)
      self->bins[i][j] += other->bins[i][j];

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

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

/* Sorted keys as base64 of varint differences: keys in one narrow bucket
 * differ in their low bits only, so each takes a few bytes. */
static char *
encode_keys (GArray *keys)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint64 previous = 0;

  g_array_sort (keys, compare_keys);
  for (guint i = 0; i < keys->len; i++)
    {
      guint64 delta = g_array_index (keys, guint64, i) - previous;

      previous = g_array_index (keys, guint64, i);
      do
        {
          guint8 byte = delta & 0x7f;

          delta >>= 7;
          if (delta != 0)
            byte |= 0x80;
          g_byte_array_append (out, &byte, 1);
        }
      while (delta != 0);
    }

  return g_base64_encode (out->data, out->len);
}

static gboolean
decode_keys (const char                *text,
             const OffloadKeyHistogram *histogram,
             GArray                    *keys)
{
  g_autofree guint8 *data = NULL;
  const guint8 *p, *end;
  guint64 previous = 0;
  gsize length = 0;

  data = g_base64_decode (text, &length);
  p = data;
  end = data + length;
  while (p < end)
    {
      guint64 delta = 0, key;
      guint shift = 0;

      for (;; shift += 7)
        {
          if (p == end || shift > 63)
            return FALSE;
          delta |= (guint64) (*p & 0x7f) << shift;
          if (!(*p++ & 0x80))
            break;
        }
      if (!g_uint64_checked_add (&key, previous, delta)
          || keys->len >= OFFLOAD_REFINE_COLLECT_MAX
          || !key_in_histogram (histogram, key))
        return FALSE;
      g_array_append_val (keys, key);
      previous = key;
    }

  return TRUE;
}

JsonNode *
offload_refine_stats_to_json (const OffloadRefineStats *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

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
      for (guint j = 0; j < g_array_index (self->plan->bins, OffloadRefineBins, i).n_bins; j++)
        json_builder_add_int_value (builder, (gint64) self->bins[i][j]);
      json_builder_end_array (builder);
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
      || json_array_get_length (json_node_get_array (distinct)) > OFFLOAD_REFINE_DISTINCT_MAX)
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
      add_distinct (&counts->distinct, (guint64) key, (guint64) count);
      if (!g_uint64_checked_add (&in_distinct, in_distinct, (guint64) count))
        return FALSE;
    }

  /* Every number of the target is among its distinct keys. */
  return in_distinct == total && counts->distinct != NULL;
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
  JsonArray *targets, *bins, *text;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "refinement"), NULL;
  object = json_node_get_object (node);
  targets = get_array (object, "targets");
  bins = get_array (object, "bins");
  text = get_array (object, "text");
  if (targets == NULL || bins == NULL || text == NULL
      || json_array_get_length (targets) != plan->targets->len
      || json_array_get_length (bins) != plan->bins->len
      || json_array_get_length (text) != plan->text->len)
    return invalid (error, "refinement"), NULL;

  for (guint i = 0; i < plan->targets->len; i++)
    if (!read_target (&self->targets[i], json_array_get_element (targets, i)))
      return invalid (error, "a quartile’s bucket"), NULL;

  for (guint i = 0; i < plan->bins->len; i++)
    {
      guint n_bins = g_array_index (plan->bins, OffloadRefineBins, i).n_bins;
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
                                                plan->text_max_exact, error);
      if (counter == NULL)
        return NULL;
      offload_text_counter_free (self->text[i]);
      self->text[i] = g_steal_pointer (&counter);
    }

  return g_steal_pointer (&self);
}
