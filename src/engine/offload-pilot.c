/* offload-pilot.c: a sample of a CSV file, to plan its first pass
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "offload-csv-records.h"
#include "offload-json.h"
#include "offload-pilot.h"

/* Exact quartiles cannot be merged from chunks' summaries, and exact
 * histograms need the range before the first number is counted. Both
 * used to cost a second pass over the file. A sample of the file, read
 * first (1/64 of it in 256 blocks spread evenly, 4 to 32 MiB; a small
 * file whole), predicts both, so that the one pass can also count:
 *
 * - for each quartile, the numbers in a window of order keys around where
 *   the sample puts it, and how many lie below the window. The window is
 *   wide enough that the file's quartile lies in it with near certainty:
 *   five standard errors of the sample's fraction below its quartile, the
 *   error taken from the spread between the blocks (so a sorted file, or
 *   one whose halves differ, gets wide windows, or none), never less than
 *   a random sample's. When the file's rank then falls in the window, the
 *   quartile is read off the window's numbers; when not (a file unlike
 *   its sample), a later pass finds it as before;
 * - each numeric column's finite numbers on a grid at least as fine as
 *   the histogram's final grid (offload_grid_exponent() grows with the
 *   range, and the sample's range is within the file's), in cells around
 *   the sample's range, the few numbers outside kept as they are;
 * - the text columns' values.
 *
 * The answer never depends on the sample: it only decides what the first
 * pass can settle, and a later pass settles the rest. */

#define WHOLE_SAMPLE_MIN  (G_GUINT64_CONSTANT (4) * 1024 * 1024)
#define WHOLE_SAMPLE_MAX  (G_GUINT64_CONSTANT (32) * 1024 * 1024)
#define STANDARD_ERRORS   5.0
/* Windows that would hold more of the numbers than this are not worth it. */
#define MAX_WINDOW_SHARE  0.25

/* What the first pass may hold of the plan, in each chunk: the windows'
 * numbers, as many again for a chunk twice the smallest automatic size
 * (8 MiB of keys a 32 MiB chunk, 16 MiB at most: a worker's memory). */
#define PLAN_RANGE_VALUES (1024 * 1024)
#define PLAN_RANGE_VALUES_MAX (2 * PLAN_RANGE_VALUES)
#define CHUNK_SIZE_MIN    (G_GUINT64_CONSTANT (32) * 1024 * 1024)
#define CHUNK_SIZE_MAX    (G_GUINT64_CONSTANT (128) * 1024 * 1024)
#define PLAN_GRID_CELLS   (2 * 1024 * 1024)
#define GRID_MIN_CELLS    4096
#define GRID_MAX_CELLS    32768
#define GRID_MAX_OUTSIDE  65536

typedef struct
{
  guint64  key;
  guint32  block;
} Sampled;

typedef struct
{
  guint64  numbers;
  guint64  finite;
  guint64  text;
  guint64  missing;
  double   min;
  double   max;
  Sampled *values;              /* the sampled numbers, n_values of them */
  guint    n_values;
  guint    values_size;
} Column;

struct _OffloadPilot
{
  guint64            file_size;
  guint64            bytes;
  guint64            rows;
  guint64            seen;
  guint64            first_nul;
  gboolean           utf16;
  guint              blocks;
  gboolean           whole;
  OffloadCsvRecords *records;

  /* The block being read. */
  guint              block;
  gboolean           in_header;
  gboolean           skip_first;
  guint64            block_rows;
  guint64            max_block_rows;

  gint               n_columns;   /* -1 until the header is read */
  GArray            *columns;     /* of Column */
  guint64            values;
};

/**
 * offload_pilot_blocks:
 * @file_size: the file's size
 * @block_size: (out): how many bytes a block
 * @n_blocks: (out): how many blocks, spread evenly from the start
 *
 * Where the sample of a file of this size is read.
 */
void
offload_pilot_blocks (guint64  file_size,
                      guint64 *block_size,
                      guint   *n_blocks)
{
  guint64 budget;

  if (file_size <= OFFLOAD_PILOT_WHOLE_BYTES)
    {
      *block_size = file_size;
      *n_blocks = 1;
      return;
    }

  budget = CLAMP (file_size / 64, WHOLE_SAMPLE_MIN, WHOLE_SAMPLE_MAX);
  *n_blocks = OFFLOAD_PILOT_BLOCKS;
  *block_size = budget / OFFLOAD_PILOT_BLOCKS;
}

static void
column_clear (gpointer data)
{
  Column *column = data;

  g_clear_pointer (&column->values, g_free);
}

static void on_record (const OffloadCsvCell *cells,
                       guint                 n_cells,
                       gpointer              user_data);

/**
 * offload_pilot_new:
 * @file_size: the size of the file sampled
 * @n_blocks: how many blocks will be added, in order (one: the whole file)
 *
 * Returns: (transfer full): a sample
 */
OffloadPilot *
offload_pilot_new (guint64 file_size,
                   guint   n_blocks)
{
  OffloadPilot *self = g_new0 (OffloadPilot, 1);

  g_return_val_if_fail (n_blocks > 0, NULL);

  self->blocks = n_blocks;
  self->file_size = file_size;
  self->whole = self->blocks == 1;
  self->first_nul = G_MAXUINT64;
  self->n_columns = -1;
  self->columns = g_array_new (FALSE, TRUE, sizeof (Column));
  g_array_set_clear_func (self->columns, column_clear);
  self->records = offload_csv_records_new (on_record, self);

  return self;
}

void
offload_pilot_free (OffloadPilot *self)
{
  if (self == NULL)
    return;

  offload_csv_records_free (self->records);
  g_array_unref (self->columns);
  g_free (self);
}

static void
on_record (const OffloadCsvCell *cells,
           guint                 n_cells,
           gpointer              user_data)
{
  OffloadPilot *self = user_data;

  if (self->in_header)
    {
      self->in_header = FALSE;
      self->n_columns = (gint) MIN (n_cells, 100000);
      g_array_set_size (self->columns, (guint) self->n_columns);
      for (guint i = 0; i < self->columns->len; i++)
        {
          Column *column = &g_array_index (self->columns, Column, i);

          column->min = INFINITY;
          column->max = -INFINITY;
        }
      /* The numbers kept, shared fairly among the blocks. */
      self->max_block_rows = OFFLOAD_PILOT_MAX_VALUES / MAX (self->n_columns, 1) / self->blocks;
      self->max_block_rows = MAX (self->max_block_rows, 1);
      return;
    }

  /* A block starts anywhere: its first line may be the end of a record,
   * or, inside a quoted field, not one at all. What does not have the
   * header's width is such a piece. */
  if (self->skip_first)
    {
      self->skip_first = FALSE;
      return;
    }
  if (self->n_columns < 0 || n_cells != (guint) self->n_columns)
    return;
  self->seen++;
  if (self->block_rows >= self->max_block_rows)
    {
      /* Only the first rows of a file read whole: a sample like any
       * other, not the file (its first rows may be its smallest). */
      self->whole = FALSE;
      return;
    }

  self->block_rows++;
  self->rows++;
  for (guint i = 0; i < n_cells; i++)
    {
      Column *column = &g_array_index (self->columns, Column, i);

      switch (cells[i].kind)
        {
        case OFFLOAD_CELL_MISSING:
          column->missing++;
          break;

        case OFFLOAD_CELL_TEXT:
          column->text++;
          break;

        case OFFLOAD_CELL_NUMBER:
        default:
          {
            Sampled sampled = { offload_order_key (cells[i].value), self->block };

            column->numbers++;
            if (isfinite (cells[i].value))
              {
                column->finite++;
                column->min = MIN (column->min, cells[i].value);
                column->max = MAX (column->max, cells[i].value);
              }
            /* Stored here, not through g_array_append_val(): a call and a
             * memcpy() a number took a quarter of a sample's time. Grown
             * from a few, as a file of 100,000 columns has as many arrays
             * (the sample's numbers are bounded in all, not each). */
            if (G_UNLIKELY (column->n_values == column->values_size))
              {
                column->values_size = MAX (4, 2 * column->values_size);
                column->values = g_renew (Sampled, column->values, column->values_size);
              }
            column->values[column->n_values++] = sampled;
            self->values++;
          }
          break;
        }
    }
}

/**
 * offload_pilot_add_block:
 * @self: a sample
 * @offset: where the block starts in the file
 * @data: (array length=length): its bytes, followed by a NUL
 * @length: how many (fewer at the end of the file)
 *
 * Takes the whole records of a block: from the file's start, the header
 * and what follows; from elsewhere, what follows the first two line ends.
 */
void
offload_pilot_add_block (OffloadPilot *self,
                         guint64       offset,
                         const char   *data,
                         gsize         length)
{
  const char *nul;
  gsize start = 0;

  g_return_if_fail (self != NULL);
  g_return_if_fail (data != NULL || length == 0);

  self->bytes += length;
  nul = memchr (data, '\0', length);
  if (nul != NULL)
    self->first_nul = MIN (self->first_nul, offset + (guint64) (nul - data));

  self->block_rows = 0;
  if (offset == 0)
    {
      /* UTF-16 text (Excel's "Unicode text", some Windows tools) is NUL
       * bytes between ASCII letters: worth saying what it is, and what to
       * do, rather than "binary data". */
      self->utf16 = length >= 2 && (((guint8) data[0] == 0xFF && (guint8) data[1] == 0xFE)
                                    || ((guint8) data[0] == 0xFE && (guint8) data[1] == 0xFF));
      start = offload_csv_skip_bom (data, length);
      self->in_header = TRUE;
      self->skip_first = FALSE;
    }
  else
    {
      while (start < length && data[start] != '\n' && data[start] != '\r')
        start++;
      self->skip_first = TRUE;
    }

  if (start < length)
    offload_csv_records_read (self->records, data + start, length - start, length - start);
  self->block++;
}

/* By key, in O(n): a byte a pass, least significant first (a stable
 * sort), a pass skipped where every key has the same byte, as the top
 * bytes of one column's keys often are; a few keys by insertion. */
static void
sort_sampled (Sampled *keys,
              guint    n)
{
  g_autofree Sampled *scratch = NULL;
  guint counts[8][256] = { { 0 } };
  Sampled *from = keys, *to;

  if (n < 64)
    {
      for (guint i = 1; i < n; i++)
        {
          Sampled key = keys[i];
          guint j = i;

          for (; j > 0 && keys[j - 1].key > key.key; j--)
            keys[j] = keys[j - 1];
          keys[j] = key;
        }
      return;
    }

  for (guint i = 0; i < n; i++)
    for (guint b = 0; b < 8; b++)
      counts[b][(keys[i].key >> (8 * b)) & 0xff]++;

  scratch = g_new (Sampled, n);
  to = scratch;
  for (guint b = 0; b < 8; b++)
    {
      guint position = 0;

      if (counts[b][(keys[0].key >> (8 * b)) & 0xff] == n)
        continue;
      for (guint d = 0; d < 256; d++)
        {
          guint count = counts[b][d];

          counts[b][d] = position;
          position += count;
        }
      for (guint i = 0; i < n; i++)
        to[counts[b][(from[i].key >> (8 * b)) & 0xff]++] = from[i];
      {
        Sampled *swap = from;

        from = to;
        to = swap;
      }
    }
  if (from != keys)
    memcpy (keys, from, n * sizeof (Sampled));
}

/* The window of keys around the quartile @q of a column's sample. */
static gboolean
window (OffloadPilot *self,
        Column       *column,
        double        q,
        guint64      *low,
        guint64      *high,
        guint64      *inside)
{
  const Sampled *values = column->values;
  guint64 n = column->n_values;
  guint64 index, below = 0;
  g_autofree guint64 *block_n = NULL;
  g_autofree guint64 *block_below = NULL;
  double p, variance = 0, delta;
  guint64 target;

  if (n == 0)
    return FALSE;

  index = (guint64) floor (q * (double) (n - 1));
  target = values[index].key;

  /* The share of the sample below its quartile, and how it varies from
   * block to block: the error of a cluster sample's ratio. */
  block_n = g_new0 (guint64, self->blocks);
  block_below = g_new0 (guint64, self->blocks);
  for (guint64 i = 0; i < n; i++)
    {
      const Sampled *s = &values[i];

      block_n[s->block]++;
      if (s->key < target)
        {
          block_below[s->block]++;
          below++;
        }
    }
  p = (double) below / (double) n;
  if (!self->whole)
    {
      /* The blocks are spread evenly over the file: a systematic sample.
       * Its error is estimated from successive differences, which also
       * holds for sorted or trending columns (an id, a time), where
       * neighbouring blocks look alike; never below a random sample's. */
      double previous = 0;
      guint used = 0;

      for (guint b = 0; b < self->blocks; b++)
        if (block_n[b] > 0)
          {
            double d = (double) block_below[b] - p * (double) block_n[b];

            if (used > 0)
              variance += (d - previous) * (d - previous);
            previous = d;
            used++;
          }
      variance = used > 1 ? variance * used / (2.0 * (used - 1)) / ((double) n * (double) n) : 1;
      variance = MAX (variance, q * (1 - q) / (double) n);
      delta = STANDARD_ERRORS * sqrt (variance) + 2.0 / (double) n;
    }
  else
    delta = 2.0 / (double) n;     /* the file itself, but for a cut last record */

  if (2 * delta > MAX_WINDOW_SHARE)
    return FALSE;

  {
    guint64 first = q - delta <= 0 ? 0 : (guint64) floor ((q - delta) * (double) (n - 1));
    guint64 last = q + delta >= 1 ? n - 1 : (guint64) ceil ((q + delta) * (double) (n - 1));

    *low = q - delta <= 0 ? 0 : values[first].key;
    *high = q + delta >= 1 ? G_MAXUINT64 : values[last].key;
    /* About: ties at either end may add some. */
    *inside += last - first + 1;
  }
  return TRUE;
}

/**
 * offload_pilot_finish:
 * @self: a sample, with its blocks
 *
 * Returns: (transfer full): what it says of the file
 */
OffloadPilotSummary *
offload_pilot_finish (OffloadPilot *self)
{
  OffloadPilotSummary *summary;

  g_return_val_if_fail (self != NULL, NULL);

  summary = g_new0 (OffloadPilotSummary, 1);
  summary->file_size = self->file_size;
  summary->bytes = self->bytes;
  summary->rows = self->rows;
  summary->seen = self->seen;
  summary->whole = self->whole;
  summary->first_nul = self->first_nul;
  summary->utf16 = self->utf16;
  summary->n_columns = (guint) MAX (self->n_columns, 0);
  summary->columns = g_array_new (FALSE, TRUE, sizeof (OffloadPilotColumn));

  for (guint c = 0; c < self->columns->len; c++)
    {
      Column *column = &g_array_index (self->columns, Column, c);
      OffloadPilotColumn out = { 0 };

      out.numbers = column->numbers;
      out.finite = column->finite;
      out.text = column->text;
      out.missing = column->missing;
      out.min = column->min;
      out.max = column->max;
      if (column->text == 0 && column->numbers > 0)
        {
          sort_sampled (column->values, column->n_values);
          for (guint q = 0; q < 3; q++)
            out.has_window[q] = window (self, column, 0.25 * (q + 1), &out.window_low[q],
                                        &out.window_high[q], &out.in_windows);
        }
      g_clear_pointer (&column->values, g_free);
      column->n_values = column->values_size = 0;
      g_array_append_val (summary->columns, out);
    }

  return summary;
}

void
offload_pilot_summary_free (OffloadPilotSummary *self)
{
  if (self == NULL)
    return;

  g_array_unref (self->columns);
  g_free (self);
}

JsonNode *
offload_pilot_summary_to_json (const OffloadPilotSummary *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file_size");
  json_builder_add_int_value (builder, (gint64) self->file_size);
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, (gint64) self->bytes);
  json_builder_set_member_name (builder, "rows");
  json_builder_add_int_value (builder, (gint64) self->rows);
  json_builder_set_member_name (builder, "seen");
  json_builder_add_int_value (builder, (gint64) self->seen);
  json_builder_set_member_name (builder, "whole");
  json_builder_add_boolean_value (builder, self->whole);
  if (self->first_nul != G_MAXUINT64)
    {
      json_builder_set_member_name (builder, "nul");
      json_builder_add_int_value (builder, (gint64) self->first_nul);
    }
  if (self->utf16)
    {
      json_builder_set_member_name (builder, "utf16");
      json_builder_add_boolean_value (builder, TRUE);
    }
  json_builder_set_member_name (builder, "columns");
  json_builder_begin_array (builder);
  for (guint c = 0; c < self->columns->len; c++)
    {
      const OffloadPilotColumn *column = &g_array_index (self->columns, OffloadPilotColumn, c);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "numbers");
      json_builder_add_int_value (builder, (gint64) column->numbers);
      json_builder_set_member_name (builder, "finite");
      json_builder_add_int_value (builder, (gint64) column->finite);
      json_builder_set_member_name (builder, "text");
      json_builder_add_int_value (builder, (gint64) column->text);
      json_builder_set_member_name (builder, "missing");
      json_builder_add_int_value (builder, (gint64) column->missing);
      if (column->finite > 0)
        {
          json_builder_set_member_name (builder, "min");
          json_builder_add_double_value (builder, column->min);
          json_builder_set_member_name (builder, "max");
          json_builder_add_double_value (builder, column->max);
        }
      if (column->in_windows != G_MAXUINT64)
        {
          json_builder_set_member_name (builder, "in_windows");
          json_builder_add_int_value (builder, (gint64) column->in_windows);
        }
      json_builder_set_member_name (builder, "windows");
      json_builder_begin_array (builder);
      for (guint q = 0; q < 3; q++)
        {
          if (!column->has_window[q])
            {
              json_builder_add_null_value (builder);
              continue;
            }
          json_builder_begin_array (builder);
          json_builder_add_int_value (builder, (gint64) column->window_low[q]);
          json_builder_add_int_value (builder, (gint64) column->window_high[q]);
          json_builder_end_array (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
read_column (JsonNode           *node,
             OffloadPilotColumn *column)
{
  JsonObject *object;
  JsonNode *windows;
  JsonArray *array;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);
  if (!offload_json_member_count (object, "numbers", &column->numbers)
      || !offload_json_member_count (object, "finite", &column->finite)
      || !offload_json_member_count (object, "text", &column->text)
      || !offload_json_member_count (object, "missing", &column->missing)
      || column->finite > column->numbers)
    return FALSE;
  column->min = INFINITY;
  column->max = -INFINITY;
  if (column->finite > 0
      && (!offload_json_member_finite (object, "min", &column->min)
          || !offload_json_member_finite (object, "max", &column->max)
          || column->min > column->max))
    return FALSE;

  column->in_windows = G_MAXUINT64;
  if (json_object_has_member (object, "in_windows")
      && !offload_json_member_count (object, "in_windows", &column->in_windows))
    return FALSE;

  windows = json_object_get_member (object, "windows");
  if (windows == NULL || !JSON_NODE_HOLDS_ARRAY (windows)
      || json_array_get_length (array = json_node_get_array (windows)) != 3)
    return FALSE;
  for (guint q = 0; q < 3; q++)
    {
      JsonNode *element = json_array_get_element (array, q);
      JsonArray *pair;

      if (JSON_NODE_HOLDS_NULL (element))
        continue;
      if (!JSON_NODE_HOLDS_ARRAY (element)
          || json_array_get_length (pair = json_node_get_array (element)) != 2
          || json_node_get_value_type (json_array_get_element (pair, 0)) != G_TYPE_INT64
          || json_node_get_value_type (json_array_get_element (pair, 1)) != G_TYPE_INT64)
        return FALSE;
      column->has_window[q] = TRUE;
      column->window_low[q] = (guint64) json_array_get_int_element (pair, 0);
      column->window_high[q] = (guint64) json_array_get_int_element (pair, 1);
      if (column->window_low[q] > column->window_high[q])
        return FALSE;
    }

  return TRUE;
}

/**
 * offload_pilot_summary_from_json:
 * @node: what offload_pilot_summary_to_json() made
 * @error: when it is not that
 *
 * Returns: (transfer full) (nullable): the summary
 */
OffloadPilotSummary *
offload_pilot_summary_from_json (JsonNode  *node,
                                 GError   **error)
{
  g_autoptr(OffloadPilotSummary) self = g_new0 (OffloadPilotSummary, 1);
  JsonObject *object;
  JsonNode *whole, *nul, *utf16, *columns;

  self->columns = g_array_new (FALSE, TRUE, sizeof (OffloadPilotColumn));
  self->first_nul = G_MAXUINT64;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    goto invalid;
  object = json_node_get_object (node);
  whole = json_object_get_member (object, "whole");
  nul = json_object_get_member (object, "nul");
  utf16 = json_object_get_member (object, "utf16");
  columns = json_object_get_member (object, "columns");
  if (!offload_json_member_count (object, "file_size", &self->file_size)
      || !offload_json_member_count (object, "bytes", &self->bytes)
      || !offload_json_member_count (object, "rows", &self->rows)
      || !offload_json_member_count (object, "seen", &self->seen)
      || self->seen < self->rows
      || whole == NULL || json_node_get_value_type (whole) != G_TYPE_BOOLEAN
      || (nul != NULL && !offload_json_member_count (object, "nul", &self->first_nul))
      || (utf16 != NULL && json_node_get_value_type (utf16) != G_TYPE_BOOLEAN)
      || columns == NULL || !JSON_NODE_HOLDS_ARRAY (columns)
      || json_array_get_length (json_node_get_array (columns)) > 100000)
    goto invalid;
  self->whole = json_node_get_boolean (whole);
  self->utf16 = utf16 != NULL && json_node_get_boolean (utf16);

  for (guint c = 0; c < json_array_get_length (json_node_get_array (columns)); c++)
    {
      OffloadPilotColumn column = { 0 };

      if (!read_column (json_array_get_element (json_node_get_array (columns), c), &column))
        goto invalid;
      g_array_append_val (self->columns, column);
    }
  self->n_columns = self->columns->len;

  return g_steal_pointer (&self);

invalid:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("The worker’s result is not valid: %s"), "sample");
  return NULL;
}

/* The largest power of two at most @n. */
static guint
power_of_two_below (guint64 n)
{
  guint p = 1;

  while ((guint64) p * 2 <= n && p < G_MAXUINT / 2)
    p *= 2;
  return p;
}

/* The first key of a cell of a grid: that of its lowest number (-0 for
 * the cell that starts at 0). */
static guint64
cell_first_key (const OffloadRefineGrid *grid,
                gint64                   cell)
{
  double lowest = ldexp ((double) (cell + grid->base), grid->exponent);

  return offload_order_key (lowest == 0 ? -0.0 : lowest);
}

/* A window widened to whole cells of its column's grid, when that costs
 * little: the workers then count it in the grid's loop, where a window by
 * key costs a loop of its own over every number of the column (an eighth
 * of a worker's time on the benchmark's numeric file). Little means at
 * most twice the window's width: a coarse grid (a column whose range is
 * wide for its spread) would put far more numbers in the window than the
 * sample wanted, and the window is then left as it is. */
static void
align_window (const OffloadRefineGrid *grid,
              OffloadRefineRange      *range)
{
  double scale = offload_grid_scale (grid->exponent);
  double low = offload_order_key_value (range->low);
  double high = offload_order_key_value (range->high);
  guint64 aligned_low, aligned_high;
  guint first, last;
  gint64 a, b;

  if (!isfinite (low) || !isfinite (high))
    return;
  a = offload_grid_cell (low, scale) - grid->base;
  b = offload_grid_cell (high, scale) - grid->base;
  if (a < 0 || b + 1 >= (gint64) grid->size
      || ldexp ((double) (b - a + 1), grid->exponent) > 2 * (high - low))
    return;

  aligned_low = cell_first_key (grid, a);
  aligned_high = cell_first_key (grid, b + 1) - 1;
  /* Taken only as the workers will see it: whole cells, these ones. */
  if (aligned_low <= range->low && aligned_high >= range->high
      && offload_refine_grid_window_cells (grid, aligned_low, aligned_high, &first, &last)
      && first == (guint) a && last == (guint) b)
    {
      range->low = aligned_low;
      range->high = aligned_high;
    }
}

/* The windows' numbers a chunk of @chunk_size may keep. */
static guint
range_values (guint64 chunk_size)
{
  guint64 values = PLAN_RANGE_VALUES * (chunk_size / (CHUNK_SIZE_MIN / 8)) / 8;

  return (guint) CLAMP (values, PLAN_RANGE_VALUES, PLAN_RANGE_VALUES_MAX);
}

/**
 * offload_pilot_chunk_size:
 * @summary: what a sample says of the file
 * @file_size: the file's size
 * @workers: how many read it
 *
 * The chunks the file is best cut into when nobody says: each costs a
 * worker's start and its result (about 7 ms of CPU measured, a tenth of a
 * 32 MiB chunk's time), so they are as large as the file allows, 32 to
 * 128 MiB with four chunks a worker at least, so that none waits long for
 * the last one. The numbers the sample puts in its windows, twice over
 * (room for the plan's widening of the windows to the grid), must fit
 * what a chunk may keep: a file whose windows hold more of it keeps
 * smaller chunks, down to 32 MiB, as before.
 *
 * Returns: the chunk size, in bytes
 */
guint64
offload_pilot_chunk_size (const OffloadPilotSummary *summary,
                          guint64                    file_size,
                          guint                      workers)
{
  guint64 chunk = file_size / (4 * MAX (workers, 1));
  guint64 in_windows = 0;
  double per_byte, limit;

  g_return_val_if_fail (summary != NULL, CHUNK_SIZE_MIN);

  chunk = CLAMP (chunk, CHUNK_SIZE_MIN, CHUNK_SIZE_MAX);
  if (chunk == CHUNK_SIZE_MIN || summary->bytes == 0)
    return CHUNK_SIZE_MIN;
  for (guint c = 0; c < summary->columns->len; c++)
    {
      const OffloadPilotColumn *column = &g_array_index (summary->columns, OffloadPilotColumn, c);

      if (column->in_windows == G_MAXUINT64)
        return CHUNK_SIZE_MIN;
      in_windows += column->in_windows;
    }

  /* Twice the expected numbers within the chunk's budget. The sample's
   * blocks take a share of their records each (its memory): the numbers
   * in the windows are those of the records taken, the bytes those of
   * all the records read. */
  if (summary->rows == 0)
    return CHUNK_SIZE_MIN;
  per_byte = (double) in_windows / (double) summary->rows
             * (double) summary->seen / (double) summary->bytes;
  limit = per_byte > 0 ? PLAN_RANGE_VALUES_MAX / (2 * per_byte) : (double) CHUNK_SIZE_MAX;
  if (2 * per_byte * (double) chunk <= range_values (chunk))
    return chunk;
  chunk = (guint64) MAX (limit, 0);
  if (chunk > CHUNK_SIZE_MIN && 2 * per_byte * (double) chunk <= range_values (chunk))
    return chunk;
  return CHUNK_SIZE_MIN;
}

/**
 * offload_pilot_make_plan:
 * @summary: what a sample says of a file
 * @n_bins: the histograms' bins
 * @chunk_size: the bytes of the chunks the pass reads, for its budget
 * @covered: (out): whether every column the sample calls numeric has its
 *   three windows and a grid (a first pass then settles it, most likely)
 *
 * Returns: (transfer full): what the first pass counts besides its own
 *   statistics
 */
OffloadRefinePlan *
offload_pilot_make_plan (const OffloadPilotSummary *summary,
                         guint                      n_bins,
                         guint64                    chunk_size,
                         gboolean                  *covered)
{
  OffloadRefinePlan *plan = offload_refine_plan_new ();
  const OffloadRefineGrid *grid;
  guint n_numeric = 0;
  guint grid_cells, max_values;

  g_return_val_if_fail (summary != NULL, plan);
  g_return_val_if_fail (n_bins > 0, plan);

  *covered = TRUE;
  for (guint c = 0; c < summary->columns->len; c++)
    {
      const OffloadPilotColumn *column = &g_array_index (summary->columns, OffloadPilotColumn, c);

      if (column->text == 0 && column->numbers > 0)
        n_numeric++;
    }

  grid_cells = CLAMP (power_of_two_below (PLAN_GRID_CELLS / MAX (n_numeric, 1)),
                      GRID_MIN_CELLS, GRID_MAX_CELLS);
  /* Any one window may take the whole budget (a sorted column puts all of
   * it in one chunk); all of them together, no more. */
  max_values = range_values (chunk_size);
  plan->range_values = max_values;

  for (guint c = 0; c < summary->columns->len; c++)
    {
      const OffloadPilotColumn *column = &g_array_index (summary->columns, OffloadPilotColumn, c);

      if (column->text > 0)
        {
          g_array_append_val (plan->text, c);
          continue;
        }
      if (column->numbers == 0)
        continue;

      /* Cells for a few hundred columns at most: a wider file's other
       * histograms take a later pass, and a worker's memory stays bounded. */
      grid = NULL;
      if (column->finite > 0 && (guint64) (plan->grids->len + 1) * grid_cells > PLAN_GRID_CELLS)
        *covered = FALSE;
      else if (column->finite > 0)
        {
          /* The cells of the histogram's grid for the sample's range (the
           * file's is the same or wider: its grid as coarse or coarser),
           * the range in the middle of the cells. */
          double low = column->min, high = column->max, scale;
          OffloadRefineGrid g = { c, 0, 0, grid_cells, GRID_MAX_OUTSIDE };
          gint64 first, cells;

          if (low == high)
            {
              low -= 0.5;
              high += 0.5;
            }
          if (!isfinite (low) || !isfinite (high) || !isfinite (high - low))
            *covered = FALSE;
          else
            {
              g.exponent = offload_grid_exponent (low, high, n_bins);
              scale = offload_grid_scale (g.exponent);
              first = offload_grid_cell (low, scale);
              cells = offload_grid_cell (high, scale) - first + 1;
              g.base = first - MAX ((gint64) grid_cells - cells, 0) / 2;
              g_array_append_val (plan->grids, g);
              grid = &g_array_index (plan->grids, OffloadRefineGrid, plan->grids->len - 1);
            }
        }

      for (guint q = 0; q < 3; q++)
        {
          OffloadRefineRange range = { c, column->window_low[q], column->window_high[q],
                                       max_values };

          if (!column->has_window[q])
            {
              *covered = FALSE;
              continue;
            }
          if (grid != NULL)
            align_window (grid, &range);
          /* Windows that meet (quartiles that are close, or equal) are one:
           * a number is in one window at most. They come in order. */
          if (plan->ranges->len > 0)
            {
              OffloadRefineRange *last = &g_array_index (plan->ranges, OffloadRefineRange,
                                                         plan->ranges->len - 1);

              if (last->column == c && range.low <= last->high)
                {
                  last->high = MAX (last->high, range.high);
                  continue;
                }
            }
          g_array_append_val (plan->ranges, range);
        }
    }

  offload_refine_plan_set_text_budget (plan);
  return plan;
}
