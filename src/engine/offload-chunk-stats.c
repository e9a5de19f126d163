/* offload-chunk-stats.c: what a worker learns from one chunk of a CSV file
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "offload-chunk-stats.h"
#include "offload-number.h"

/* Carried between processes as JSON. Doubles go as JSON numbers, which
 * json-glib writes with 17 significant digits, so they come back exactly;
 * the infinities, which JSON has no number for, go as "inf" and "-inf".
 * Histograms go sparse, as [bucket, count] pairs. Everything read back is
 * checked: a worker that prints garbage must give an error, not a crash. */

#define MAX_FIRST_TEXT 200

static OffloadColumnPartial *
column_new (void)
{
  OffloadColumnPartial *column = g_new0 (OffloadColumnPartial, 1);

  offload_moments_init (&column->moments);

  return column;
}

/* Histograms are made for the columns that hold numbers, within the
 * memory bound: FALSE past it. */
static gboolean
ensure_histogram (OffloadChunkStats    *self,
                  OffloadColumnPartial *column)
{
  guint64 size = sizeof (guint64) << self->histogram_bits;

  if (column->histogram != NULL)
    return TRUE;
  if (self->histogram_bytes + size > OFFLOAD_CHUNK_STATS_MAX_HISTOGRAM_BYTES)
    return FALSE;

  self->histogram_bytes += size;
  column->histogram = offload_key_histogram_new (0, 0, self->histogram_bits);
  return TRUE;
}

static void
column_free (gpointer data)
{
  OffloadColumnPartial *column = data;

  g_free (column->first_text);
  offload_key_histogram_free (column->histogram);
  g_free (column);
}

/**
 * offload_chunk_stats_new:
 * @histogram_bits: how finely numbers are counted by their order key, 1 to 20
 *
 * Returns: (transfer full): empty statistics
 */
OffloadChunkStats *
offload_chunk_stats_new (guint histogram_bits)
{
  OffloadChunkStats *self;

  g_return_val_if_fail (histogram_bits >= 1 && histogram_bits <= 20, NULL);

  self = g_new0 (OffloadChunkStats, 1);
  self->histogram_bits = histogram_bits;
  self->widths = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  self->columns = g_ptr_array_new_with_free_func (column_free);

  return self;
}

void
offload_chunk_stats_free (OffloadChunkStats *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->widths);
  g_ptr_array_unref (self->columns);
  g_strfreev (self->header);
  g_free (self);
}

/**
 * offload_chunk_stats_get_column:
 * @self: statistics
 * @column: 0 for the first
 *
 * Returns: (transfer none): the column's partial, made when first asked for
 */
OffloadColumnPartial *
offload_chunk_stats_get_column (OffloadChunkStats *self,
                                guint              column)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_return_val_if_fail (column < OFFLOAD_CHUNK_STATS_MAX_COLUMNS, NULL);

  while (self->columns->len <= column)
    g_ptr_array_add (self->columns, column_new ());

  return g_ptr_array_index (self->columns, column);
}

/**
 * offload_chunk_stats_add_cell:
 * @self: statistics
 * @column: the cell's column
 * @text: (array length=length): the cell, unquoted
 * @length: its length
 *
 * Counts one cell as pandas reads it: missing, a number, or text.
 *
 * Returns: %FALSE when the record is wider than
 *   %OFFLOAD_CHUNK_STATS_MAX_COLUMNS, or the histograms would take more than
 *   %OFFLOAD_CHUNK_STATS_MAX_HISTOGRAM_BYTES (fewer histogram bits, then)
 */
gboolean
offload_chunk_stats_add_cell (OffloadChunkStats *self,
                              guint              column,
                              const char        *text,
                              gsize              length)
{
  double value = 0;
  OffloadCellKind kind;

  g_return_val_if_fail (self != NULL, FALSE);

  kind = offload_cell_classify (text, length, &value);
  return offload_chunk_stats_add_value (self, column, kind, value, text, length);
}

/**
 * offload_chunk_stats_add_value:
 * @self: statistics
 * @column: the cell's column
 * @kind: what offload_cell_classify() says of the cell
 * @value: the number, for %OFFLOAD_CELL_NUMBER
 * @text: (array length=length): the cell, unquoted
 * @length: its length
 *
 * The same as offload_chunk_stats_add_cell(), for a cell already
 * classified.
 *
 * Returns: as offload_chunk_stats_add_cell() does
 */
gboolean
offload_chunk_stats_add_value (OffloadChunkStats *self,
                               guint              column,
                               OffloadCellKind    kind,
                               double             value,
                               const char        *text,
                               gsize              length)
{
  OffloadColumnPartial *partial;

  if (G_UNLIKELY (column >= OFFLOAD_CHUNK_STATS_MAX_COLUMNS))
    return FALSE;
  if (G_LIKELY (column < self->columns->len))
    partial = g_ptr_array_index (self->columns, column);
  else
    partial = offload_chunk_stats_get_column (self, column);

  switch (kind)
    {
    case OFFLOAD_CELL_MISSING:
      partial->missing++;
      break;

    case OFFLOAD_CELL_NUMBER:
      if (G_UNLIKELY (partial->histogram == NULL) && !ensure_histogram (self, partial))
        return FALSE;
      partial->pending[partial->n_pending++] = value;
      if (partial->n_pending == G_N_ELEMENTS (partial->pending))
        {
          offload_moments_add_values (&partial->moments, partial->pending, partial->n_pending);
          partial->n_pending = 0;
        }
      offload_key_histogram_add (partial->histogram, offload_order_key (value));
      break;

    case OFFLOAD_CELL_TEXT:
      partial->text++;
      if (partial->first_text == NULL)
        {
          gsize n = MIN (length, MAX_FIRST_TEXT);

          partial->first_text = g_utf8_make_valid (text, (gssize) n);
        }
      break;

    default:
      g_assert_not_reached ();
    }

  return TRUE;
}

/**
 * offload_chunk_stats_add_numbers:
 * @self: statistics
 * @column: their column
 * @values: (array length=n): numbers of it, in the file's order
 * @n: how many, a few hundred at most
 *
 * The same as adding them one by one with offload_chunk_stats_add_value(),
 * in one block: the moments of the block, then the histogram, each in a
 * loop of its own.
 *
 * Returns: as offload_chunk_stats_add_value() does
 */
gboolean
offload_chunk_stats_add_numbers (OffloadChunkStats *self,
                                 guint              column,
                                 const double      *values,
                                 gsize              n)
{
  OffloadColumnPartial *partial;
  OffloadKeyHistogram *histogram;
  guint shift;

  if (G_UNLIKELY (column >= OFFLOAD_CHUNK_STATS_MAX_COLUMNS))
    return FALSE;
  partial = offload_chunk_stats_get_column (self, column);
  if (n == 0)
    return TRUE;
  if (G_UNLIKELY (partial->histogram == NULL) && !ensure_histogram (self, partial))
    return FALSE;

  /* In the file's order: what came one by one first. */
  if (partial->n_pending > 0)
    {
      offload_moments_add_values (&partial->moments, partial->pending, partial->n_pending);
      partial->n_pending = 0;
    }
  offload_moments_add_values (&partial->moments, values, n);

  histogram = partial->histogram;
  shift = 64 - histogram->bits;
  for (gsize i = 0; i < n; i++)
    histogram->counts[offload_order_key (values[i]) >> shift]++;
  histogram->total += n;

  return TRUE;
}

/* @count records of @n_fields fields, the first of them at @first. */
static OffloadChunkWidth *
add_width (GHashTable *widths,
           guint       n_fields,
           guint64     count,
           guint64     first)
{
  OffloadChunkWidth *width = g_hash_table_lookup (widths, GUINT_TO_POINTER (n_fields));

  if (width == NULL)
    {
      width = g_new0 (OffloadChunkWidth, 1);
      width->first = first;
      g_hash_table_insert (widths, GUINT_TO_POINTER (n_fields), width);
    }
  width->records += count;
  width->first = MIN (width->first, first);
  return width;
}

/**
 * offload_chunk_stats_end_record:
 * @self: statistics
 * @n_fields: how many fields the record had
 *
 * Counts a data record. The widths let the parent count ragged rows
 * against the header, which only one chunk reads.
 */
void
offload_chunk_stats_end_record (OffloadChunkStats *self,
                                guint              n_fields)
{
  offload_chunk_stats_end_records (self, n_fields, 1);
}

/**
 * offload_chunk_stats_end_records:
 * @self: statistics
 * @n_fields: how many fields the records had
 * @count: how many records
 *
 * Counts @count data records of the same width.
 */
void
offload_chunk_stats_end_records (OffloadChunkStats *self,
                                 guint              n_fields,
                                 guint64            count)
{
  g_return_if_fail (self != NULL);

  if (count == 0)
    return;
  /* Most records are as wide as the last one. */
  if (self->last_records != NULL && n_fields == self->last_width)
    self->last_records->records += count;
  else
    {
      self->last_records = add_width (self->widths, n_fields, count, self->records);
      self->last_width = n_fields;
    }
  self->records += count;
}

/**
 * offload_chunk_stats_flush:
 * @self: statistics
 *
 * Moves the numbers added in blocks into the moments: done before the
 * moments are read or merged.
 */
void
offload_chunk_stats_flush (OffloadChunkStats *self)
{
  g_return_if_fail (self != NULL);

  for (guint i = 0; i < self->columns->len; i++)
    {
      OffloadColumnPartial *column = g_ptr_array_index (self->columns, i);

      offload_moments_add_values (&column->moments, column->pending, column->n_pending);
      column->n_pending = 0;
    }
}

/**
 * offload_chunk_stats_merge:
 * @self: statistics to merge into
 * @other: another chunk's
 * @error: when the two were made with different histograms
 *
 * Returns: whether they could be merged
 */
gboolean
offload_chunk_stats_merge (OffloadChunkStats        *self,
                           const OffloadChunkStats  *other,
                           GError                  **error)
{
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (other != NULL, FALSE);

  if (self->histogram_bits != other->histogram_bits)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Chunks counted with %u and %u histogram bits cannot be merged"),
                   self->histogram_bits, other->histogram_bits);
      return FALSE;
    }

  offload_chunk_stats_flush (self);
  /* Moments not flushed in @other are flushed in a copy of them. */

  /* @other's records follow ours (a merge of chunks out of the file's
   * order keeps the counts right, not where the first of a width is:
   * the caller keeps that per chunk). */
  g_hash_table_iter_init (&iter, other->widths);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const OffloadChunkWidth *width = value;

      add_width (self->widths, GPOINTER_TO_UINT (key), width->records,
                 self->records + width->first);
    }
  self->last_records = NULL;

  self->records += other->records;
  self->irregular |= other->irregular;
  if (self->header == NULL && other->header != NULL)
    self->header = g_strdupv (other->header);

  for (guint i = 0; i < other->columns->len; i++)
    {
      const OffloadColumnPartial *theirs = g_ptr_array_index (other->columns, i);
      OffloadColumnPartial *ours = offload_chunk_stats_get_column (self, i);

      ours->missing += theirs->missing;
      ours->text += theirs->text;
      if (ours->first_text == NULL && theirs->first_text != NULL)
        ours->first_text = g_strdup (theirs->first_text);
      {
        OffloadMoments moments = theirs->moments;

        offload_moments_add_values (&moments, theirs->pending, theirs->n_pending);
        offload_moments_merge (&ours->moments, &moments);
      }
      if (theirs->histogram != NULL)
        {
          if (!ensure_histogram (self, ours))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                           _("Too many numeric columns to count them all in memory"));
              return FALSE;
            }
          offload_key_histogram_merge (ours->histogram, theirs->histogram);
        }
    }

  return TRUE;
}

static void
add_double (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_string_value (builder, isnan (value) ? "nan" : value > 0 ? "inf" : "-inf");
}

static void
add_count (JsonBuilder *builder,
           const char  *name,
           guint64      value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, (gint64) value);
}

/**
 * offload_chunk_stats_to_json:
 * @self: statistics
 *
 * Returns: (transfer full): the statistics as a JSON object
 */
JsonNode *
offload_chunk_stats_to_json (const OffloadChunkStats *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (self != NULL, NULL);

  /* Numbers waiting for their block are part of the value, not a change
   * to it. */
  offload_chunk_stats_flush ((OffloadChunkStats *) self);

  json_builder_begin_object (builder);
  add_count (builder, "bits", self->histogram_bits);
  add_count (builder, "records", self->records);
  json_builder_set_member_name (builder, "irregular");
  json_builder_add_boolean_value (builder, self->irregular);

  json_builder_set_member_name (builder, "widths");
  json_builder_begin_array (builder);
  g_hash_table_iter_init (&iter, self->widths);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const OffloadChunkWidth *width = value;

      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, GPOINTER_TO_UINT (key));
      json_builder_add_int_value (builder, (gint64) width->records);
      json_builder_add_int_value (builder, (gint64) width->first);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);

  if (self->header != NULL)
    {
      json_builder_set_member_name (builder, "header");
      json_builder_begin_array (builder);
      for (guint i = 0; self->header[i] != NULL; i++)
        json_builder_add_string_value (builder, self->header[i]);
      json_builder_end_array (builder);
    }

  json_builder_set_member_name (builder, "columns");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->columns->len; i++)
    {
      const OffloadColumnPartial *column = g_ptr_array_index (self->columns, i);
      const OffloadMoments *m = &column->moments;

      json_builder_begin_object (builder);
      add_count (builder, "missing", column->missing);
      add_count (builder, "text", column->text);
      if (column->first_text != NULL)
        {
          json_builder_set_member_name (builder, "first_text");
          json_builder_add_string_value (builder, column->first_text);
        }
      add_count (builder, "count", m->count);
      add_count (builder, "finite", m->finite);
      add_count (builder, "pinf", m->positive_infinite);
      add_count (builder, "ninf", m->negative_infinite);
      add_double (builder, "mean", m->mean);
      /* Most means are exact in one double: then no second part. */
      if (m->mean_low != 0 && isfinite (m->mean_low))
        add_double (builder, "mean_low", m->mean_low);
      add_double (builder, "m2", m->m2);
      add_double (builder, "min", m->min);
      add_double (builder, "max", m->max);

      if (column->histogram != NULL)
        {
          g_autofree char *histogram = offload_key_histogram_encode (column->histogram);

          json_builder_set_member_name (builder, "histogram");
          json_builder_add_string_value (builder, histogram);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Reading back, every value checked. */

static gboolean
invalid (GError     **error,
         const char  *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("The worker’s result is not valid: %s"), what);
  return FALSE;
}

static gboolean
get_count (JsonObject  *object,
           const char  *name,
           guint64     *value,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) < 0)
    return invalid (error, name);

  *value = (guint64) json_node_get_int (node);
  return TRUE;
}

static gboolean
get_double (JsonObject  *object,
            const char  *name,
            double      *value,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return invalid (error, name);

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_DOUBLE:
      *value = json_node_get_double (node);
      return TRUE;

    case G_TYPE_INT64:
      *value = (double) json_node_get_int (node);
      return TRUE;

    case G_TYPE_STRING:
      if (g_strcmp0 (json_node_get_string (node), "inf") == 0)
        *value = INFINITY;
      else if (g_strcmp0 (json_node_get_string (node), "-inf") == 0)
        *value = -INFINITY;
      else if (g_strcmp0 (json_node_get_string (node), "nan") == 0)
        *value = NAN;
      else
        return invalid (error, name);
      return TRUE;

    default:
      return invalid (error, name);
    }
}

/* An array of arrays of three counts each. */
static gboolean
get_triples (JsonObject  *object,
             const char  *name,
             JsonArray  **array,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, name);

  *array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (*array); i++)
    {
      JsonNode *triple = json_array_get_element (*array, i);

      if (!JSON_NODE_HOLDS_ARRAY (triple) || json_array_get_length (json_node_get_array (triple)) != 3)
        return invalid (error, name);
      for (guint j = 0; j < 3; j++)
        {
          JsonNode *n = json_array_get_element (json_node_get_array (triple), j);

          if (json_node_get_value_type (n) != G_TYPE_INT64 || json_node_get_int (n) < 0)
            return invalid (error, name);
        }
    }

  return TRUE;
}

static gboolean
read_column (OffloadChunkStats  *self,
             guint               index,
             JsonNode           *node,
             GError            **error)
{
  OffloadColumnPartial *column = offload_chunk_stats_get_column (self, index);
  OffloadMoments *m = &column->moments;
  JsonObject *object;
  JsonNode *histogram;
  JsonNode *first_text;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "a column");
  object = json_node_get_object (node);

  if (!get_count (object, "missing", &column->missing, error)
      || !get_count (object, "text", &column->text, error)
      || !get_count (object, "count", &m->count, error)
      || !get_count (object, "finite", &m->finite, error)
      || !get_count (object, "pinf", &m->positive_infinite, error)
      || !get_count (object, "ninf", &m->negative_infinite, error)
      || !get_double (object, "mean", &m->mean, error)
      || !get_double (object, "m2", &m->m2, error)
      || !get_double (object, "min", &m->min, error)
      || !get_double (object, "max", &m->max, error))
    return FALSE;
  m->mean_low = 0;
  if (json_object_has_member (object, "mean_low"))
    {
      if (!get_double (object, "mean_low", &m->mean_low, error))
        return FALSE;
      if (!isfinite (m->mean_low))
        return invalid (error, "mean_low");
    }

  {
    guint64 sum;

    if (!g_uint64_checked_add (&sum, m->finite, m->positive_infinite)
        || !g_uint64_checked_add (&sum, sum, m->negative_infinite)
        || sum != m->count)
      return invalid (error, "the counts of a column");
  }
  /* A mean or a variance can overflow to infinity or NaN with numbers near
   * the largest double: honest, and shown as such. */
  if (isnan (m->min) || isnan (m->max) || m->m2 < 0)
    return invalid (error, "the moments of a column");

  first_text = json_object_get_member (object, "first_text");
  if (first_text != NULL)
    {
      if (json_node_get_value_type (first_text) != G_TYPE_STRING
          || !g_utf8_validate (json_node_get_string (first_text), -1, NULL))
        return invalid (error, "first_text");
      column->first_text = g_strdup (json_node_get_string (first_text));
    }

  if (m->count > 0 && !ensure_histogram (self, column))
    return invalid (error, "too many numeric columns");
  histogram = json_object_get_member (object, "histogram");
  if ((m->count == 0) != (histogram == NULL))
    return invalid (error, "the histogram of a column");
  if (histogram != NULL
      && (json_node_get_value_type (histogram) != G_TYPE_STRING
          || !offload_key_histogram_decode (column->histogram, json_node_get_string (histogram))))
    return invalid (error, "a histogram bucket");

  if (column->histogram != NULL && column->histogram->total != m->count)
    return invalid (error, "the histogram of a column");

  return TRUE;
}

/**
 * offload_chunk_stats_from_json:
 * @node: what offload_chunk_stats_to_json() made, or anything else
 * @error: what is wrong with it
 *
 * Returns: (transfer full) (nullable): the statistics, or %NULL
 */
OffloadChunkStats *
offload_chunk_stats_from_json (JsonNode  *node,
                               GError   **error)
{
  g_autoptr(OffloadChunkStats) self = NULL;
  JsonObject *object;
  JsonArray *widths;
  JsonNode *member;
  guint64 bits;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, "not an object");
      return NULL;
    }
  object = json_node_get_object (node);

  if (!get_count (object, "bits", &bits, error))
    return NULL;
  if (bits < 1 || bits > 20)
    {
      invalid (error, "bits");
      return NULL;
    }

  self = offload_chunk_stats_new ((guint) bits);
  if (!get_count (object, "records", &self->records, error)
      || !get_triples (object, "widths", &widths, error))
    return NULL;

  member = json_object_get_member (object, "irregular");
  if (member == NULL || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
    {
      invalid (error, "irregular");
      return NULL;
    }
  self->irregular = json_node_get_boolean (member);

  {
    guint64 sum = 0;

    /* Every record has a width, between 1 and the most columns. */
    for (guint i = 0; i < json_array_get_length (widths); i++)
      {
        JsonArray *triple = json_array_get_array_element (widths, i);
        gint64 width = json_array_get_int_element (triple, 0);
        gint64 count = json_array_get_int_element (triple, 1);
        gint64 first = json_array_get_int_element (triple, 2);

        if (width < 1 || width > OFFLOAD_CHUNK_STATS_MAX_COLUMNS || count < 1
            || (guint64) first >= self->records
            || (guint64) count > self->records - (guint64) first
            || g_hash_table_contains (self->widths, GINT_TO_POINTER ((int) width))
            || !g_uint64_checked_add (&sum, sum, (guint64) count))
          {
            invalid (error, "widths");
            return NULL;
          }
        add_width (self->widths, (guint) width, (guint64) count, (guint64) first);
      }
    if (sum != self->records)
      {
        invalid (error, "widths");
        return NULL;
      }
  }

  member = json_object_get_member (object, "header");
  if (member != NULL)
    {
      JsonArray *names;
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      if (!JSON_NODE_HOLDS_ARRAY (member)
          || json_array_get_length (json_node_get_array (member))
             > OFFLOAD_CHUNK_STATS_MAX_COLUMNS)
        {
          invalid (error, "header");
          return NULL;
        }
      names = json_node_get_array (member);
      for (guint i = 0; i < json_array_get_length (names); i++)
        {
          JsonNode *name = json_array_get_element (names, i);

          if (json_node_get_value_type (name) != G_TYPE_STRING
              || !g_utf8_validate (json_node_get_string (name), -1, NULL))
            {
              invalid (error, "header");
              return NULL;
            }
          g_strv_builder_add (builder, json_node_get_string (name));
        }
      self->header = g_strv_builder_end (builder);
    }

  member = json_object_get_member (object, "columns");
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    {
      invalid (error, "columns");
      return NULL;
    }
  if (json_array_get_length (json_node_get_array (member)) > OFFLOAD_CHUNK_STATS_MAX_COLUMNS)
    {
      invalid (error, "columns");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (member)); i++)
    if (!read_column (self, i, json_array_get_element (json_node_get_array (member), i), error))
      return NULL;

  return g_steal_pointer (&self);
}
