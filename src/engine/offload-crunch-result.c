/* offload-crunch-result.c: the statistics of a whole CSV file
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "offload-crunch-result.h"
#include "offload-number.h"

G_DEFINE_BOXED_TYPE (OffloadCrunchResult, offload_crunch_result,
                     offload_crunch_result_ref, offload_crunch_result_unref)

static void
column_free (gpointer data)
{
  OffloadCrunchColumn *column = data;

  g_free (column->name);
  g_free (column->edges);
  g_free (column->bins);
  g_free (column->top);
  g_free (column);
}

OffloadCrunchResult *
offload_crunch_result_new (void)
{
  OffloadCrunchResult *self = g_new0 (OffloadCrunchResult, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->columns = g_ptr_array_new_with_free_func (column_free);
  self->events = g_ptr_array_new_with_free_func (g_free);

  return self;
}

OffloadCrunchResult *
offload_crunch_result_ref (OffloadCrunchResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
offload_crunch_result_unref (OffloadCrunchResult *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->path);
  g_ptr_array_unref (self->columns);
  g_ptr_array_unref (self->events);
  g_free (self);
}

const char *
offload_crunch_column_type_to_string (OffloadCrunchColumnType type)
{
  switch (type)
    {
    case OFFLOAD_CRUNCH_COLUMN_NUMERIC:
      return "numeric";
    case OFFLOAD_CRUNCH_COLUMN_TEXT:
      return "text";
    case OFFLOAD_CRUNCH_COLUMN_EMPTY:
    default:
      return "empty";
    }
}

/**
 * offload_crunch_column_digits:
 * @column: a numeric column
 *
 * For showing the column's figures of place (mean, minimum, quartiles,
 * maximum) in words: six significant digits, as printf's %g has, and as
 * many more as numbers far from zero against their range need to be told
 * apart. Times in milliseconds since 1970 (1.7e12, a range of 2000) all
 * read 1.7e+12 with six; fifteen show them to a tenth.
 *
 * Returns: the significant digits, 6 to 17
 */
int
offload_crunch_column_digits (const OffloadCrunchColumn *column)
{
  double magnitude, range;

  g_return_val_if_fail (column != NULL, 6);

  magnitude = MAX (fabs (column->min), fabs (column->max));
  range = column->max - column->min;
  if (!isfinite (magnitude) || magnitude == 0 || !isfinite (range))
    return 6;
  /* One number, perhaps repeated: all of it, to the last place that the
   * file's digits are likely to have. */
  if (range <= 0)
    return 15;

  return (int) CLAMP (6 + ceil (log10 (magnitude / range)), 6, 17);
}

/**
 * offload_crunch_figure_digits:
 * @column: a numeric column
 * @value: one of its figures of place: mean, minimum, a quartile, maximum
 *
 * The significant digits to show @value with, as "%.*g" takes them: all
 * of it when that takes twelve digits or fewer (or the column's own, see
 * offload_crunch_column_digits(), if more), else the column's own; and
 * enough to write an integer part of up to sixteen digits out rather than
 * with an exponent. A file's numbers are mostly short, and its minimum,
 * maximum and most quartiles are such numbers: with six digits, a maximum
 * of 2649999 read 2.65e+06, more than it is, and a mean of 499999.5 read
 * 500000.
 *
 * Returns: the significant digits, 1 to 17
 */
int
offload_crunch_figure_digits (const OffloadCrunchColumn *column,
                              double                     value)
{
  int digits;

  g_return_val_if_fail (column != NULL, 6);

  digits = offload_crunch_column_digits (column);
  if (!isfinite (value) || value == 0)
    return digits;

  {
    int shortest = offload_number_shortest_digits (value, MAX (digits, 12));

    if (shortest > 0)
      digits = shortest;
  }
  /* Written out below 10^16, as Python's repr() and the export write
   * them (2000000, not 2e+06; 1000000000002000, not 1.000000000002e+15):
   * every integer below 2^53 is exact. */
  return offload_number_whole_digits (value, digits, 15);
}

/* NaN (pandas' "no value") as null; infinities as strings, which JSON
 * has no number for. */
static void
add_number_value (JsonBuilder *builder,
                  double       value)
{
  if (isnan (value))
    json_builder_add_null_value (builder);
  else if (isinf (value))
    json_builder_add_string_value (builder, value > 0 ? "inf" : "-inf");
  else
    json_builder_add_double_value (builder, value);
}

static void
add_number (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  add_number_value (builder, value);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         guint64      value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, (gint64) value);
}

/**
 * offload_crunch_result_to_json:
 * @self: a result
 *
 * Returns: (transfer full): what `offload crunch --json` prints
 */
JsonNode *
offload_crunch_result_to_json (const OffloadCrunchResult *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  /* A file name is bytes; JSON is text. */
  {
    g_autofree char *name = self->path != NULL ? g_filename_display_name (self->path) : NULL;

    json_builder_add_string_value (builder, name);
  }
  add_int (builder, "rows", self->rows);
  add_int (builder, "ragged_rows", self->ragged_rows);
  json_builder_set_member_name (builder, "first_ragged_row");
  if (self->first_ragged_row > 0)
    json_builder_add_int_value (builder, (gint64) self->first_ragged_row);
  else
    json_builder_add_null_value (builder);
  add_int (builder, "bytes", self->bytes);
  add_number (builder, "seconds", self->seconds);
  add_int (builder, "workers", self->workers);
  add_int (builder, "chunks", self->chunks);
  add_int (builder, "passes", self->passes);
  add_int (builder, "chunks_read_again", self->rereads);

  json_builder_set_member_name (builder, "columns");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->columns->len; i++)
    {
      const OffloadCrunchColumn *c = g_ptr_array_index (self->columns, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, c->name);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, offload_crunch_column_type_to_string (c->type));
      add_int (builder, "count", c->count);
      add_int (builder, "missing", c->missing);

      if (c->type == OFFLOAD_CRUNCH_COLUMN_NUMERIC)
        {
          add_number (builder, "mean", c->mean);
          add_number (builder, "std", c->std);
          add_number (builder, "min", c->min);
          add_number (builder, "p25", c->p25);
          add_number (builder, "p50", c->p50);
          add_number (builder, "p75", c->p75);
          add_number (builder, "max", c->max);
          json_builder_set_member_name (builder, "histogram");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "edges");
          json_builder_begin_array (builder);
          for (guint b = 0; c->n_bins > 0 && b <= c->n_bins; b++)
            /* The bins of numbers near the largest double may end past it. */
            add_number_value (builder, c->edges[b]);
          json_builder_end_array (builder);
          json_builder_set_member_name (builder, "counts");
          json_builder_begin_array (builder);
          for (guint b = 0; b < c->n_bins; b++)
            json_builder_add_int_value (builder, (gint64) c->bins[b]);
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      else if (c->type == OFFLOAD_CRUNCH_COLUMN_TEXT)
        {
          add_int (builder, "distinct", c->distinct);
          json_builder_set_member_name (builder, "distinct_estimated");
          json_builder_add_boolean_value (builder, c->distinct_estimated);
          json_builder_set_member_name (builder, "top");
          if (c->top != NULL)
            json_builder_add_string_value (builder, c->top);
          else
            json_builder_add_null_value (builder);
          add_int (builder, "top_count", c->top_count);
          json_builder_set_member_name (builder, "top_estimated");
          json_builder_add_boolean_value (builder, c->top_estimated);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "errors");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->events->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (self->events, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
append_field (GString    *out,
              const char *text)
{
  if (text == NULL)
    return;
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
append_number (GString *out,
               double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (out, ',');
  if (isnan (value))
    return;
  if (isinf (value))
    g_string_append (out, value > 0 ? "inf" : "-inf");
  else
    {
      /* The shortest text that reads back the same, written out below
       * 10^16 (100, not 1e+02), as pandas (Python's repr()) writes it. */
      char format[8];
      int digits = offload_number_whole_digits (value,
                                                offload_number_shortest_digits (value, 17), 15);

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, format, value));
    }
}

/**
 * offload_crunch_result_to_csv:
 * @self: a result
 *
 * Returns: (transfer full): a row per column of the file, with the
 *   columns of describe() and the text columns' ones
 */
char *
offload_crunch_result_to_csv (const OffloadCrunchResult *self)
{
  GString *out = g_string_new ("column,type,count,missing,mean,std,min,25%,50%,75%,max,"
                               "distinct,top,freq,distinct_estimated,top_estimated\r\n");

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->columns->len; i++)
    {
      const OffloadCrunchColumn *c = g_ptr_array_index (self->columns, i);
      gboolean numeric = c->type == OFFLOAD_CRUNCH_COLUMN_NUMERIC;

      append_field (out, c->name);
      g_string_append_printf (out, ",%s,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT,
                              offload_crunch_column_type_to_string (c->type),
                              c->count, c->missing);
      append_number (out, numeric ? c->mean : NAN);
      append_number (out, numeric ? c->std : NAN);
      append_number (out, numeric ? c->min : NAN);
      append_number (out, numeric ? c->p25 : NAN);
      append_number (out, numeric ? c->p50 : NAN);
      append_number (out, numeric ? c->p75 : NAN);
      append_number (out, numeric ? c->max : NAN);
      g_string_append_c (out, ',');
      /* Numbers stay numbers for a spreadsheet ("~168656" was text): an
       * estimate says so in a column of its own, as in the JSON. */
      if (c->type == OFFLOAD_CRUNCH_COLUMN_TEXT)
        {
          g_string_append_printf (out, "%" G_GUINT64_FORMAT ",", c->distinct);
          append_field (out, c->top);
          g_string_append_printf (out, ",%" G_GUINT64_FORMAT ",%s,%s", c->top_count,
                                  c->distinct_estimated ? "true" : "false",
                                  c->top_estimated ? "true" : "false");
        }
      else
        g_string_append (out, ",,,,");
      g_string_append (out, "\r\n");
    }

  return g_string_free (out, FALSE);
}
