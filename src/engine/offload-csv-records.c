/* offload-csv-records.c: whole CSV records from a buffer, cells classified
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <float.h>
#include <string.h>

#include "offload-csv.h"
#include "offload-csv-records.h"

/* The fast way through a CSV file, for the workers: the records that lie
 * whole in a buffer, read in one loop that also parses the numbers, and
 * handed on one record at a time with every cell classified. The push
 * parser (offload-csv.c) stays the reference: it takes bytes in pieces of
 * any size, which this does not, and the reader falls back on it for a
 * record longer than its buffer and at the end of the file. Both read the
 * same rules (see there): fields separated by commas, records ended by LF,
 * CRLF or a lone CR, quoted fields with commas, line ends and doubled
 * quotes, blank lines skipped; a stray quote kept as it is and noted; text
 * after a closing quote kept. A test and the fuzzer hold the two to the
 * same records and cells.
 *
 * Numbers are parsed where they lie, while the field's end is looked for:
 * a sign, up to 19 digits with a fraction, an exponent, exactly what
 * Clinger's fast path in offload-number.c takes. Anything else (blanks,
 * NA, text, long mantissas) goes through offload_cell_classify(). */

/* The records are kept for the one record being read; a record's cells
 * and the bytes of its unquoted fields, which may lie in the scratch
 * buffer, are then handed on.
 *
 * In batched mode (offload_csv_records_set_batched()) the numbers and the
 * missing cells of the fast columns go into a batch per column as they are
 * read, and only the other cells are kept and handed on: a file of numbers
 * then costs no cell and no call per record (callgrind: 5 % fewer of a
 * worker's instructions; 2 % less time). */

/* What a record put in a column's batch, to take it out again when the
 * record turns out to end past the bytes at hand (it is read again). */
enum
{
  TAKEN_NONE,
  TAKEN_NUMBER,
  TAKEN_MISSING,
};

typedef struct
{
  double   values[OFFLOAD_CSV_BATCH];
  guint    n;
  gboolean fast;
  guint64  missing;
} Batch;

struct _OffloadCsvRecords
{
  OffloadCsvRecordCellsFunc  func;
  gpointer                   user_data;
  OffloadCsvCell            *cells;
  guint                      n_cells;
  guint                      cells_size;
  guint                      n_fields;     /* of this record, cells or not */
  GByteArray                *scratch;      /* unescaped fields of this record */
  GArray                    *scratch_at;   /* per cell: offset in scratch, or G_MAXSIZE */
  gboolean                   irregular;
  guint64                    records;
  OffloadCsvParser          *parser;       /* for the records left to it */

  /* Batched mode. */
  gboolean                   batched;
  OffloadCsvBatchedFuncs     funcs;
  gpointer                   batched_data;
  Batch                     *batches;      /* of the fast columns seen so far */
  guint8                    *taken;        /* per batch: what this record put in it */
  guint                      n_batches;
  guint                      max_batches;
  gboolean                   full;         /* a batch is, to hand on after this record */
  gboolean                  *not_fast;
  guint                      n_not_fast;
  guint                     *columns;      /* per kept cell, its column */
  guint                      run_width;    /* records all in batches, not handed on yet */
  guint64                    run_count;
};

static void on_parsed_field  (guint       column,
                              const char *data,
                              gsize       length,
                              gboolean    quoted,
                              gpointer    user_data);
static void on_parsed_record (guint       n_fields,
                              gpointer    user_data);

static const double powers_of_ten[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

#define MAX_EXACT_MANTISSA (G_GUINT64_CONSTANT (1) << 53)

/**
 * offload_csv_records_new:
 * @func: called with every record
 * @user_data: for @func
 *
 * Returns: (transfer full): a reader of records
 */
OffloadCsvRecords *
offload_csv_records_new (OffloadCsvRecordCellsFunc func,
                         gpointer                  user_data)
{
  OffloadCsvRecords *self;

  g_return_val_if_fail (func != NULL, NULL);

  self = g_new0 (OffloadCsvRecords, 1);
  self->func = func;
  self->user_data = user_data;
  self->cells_size = 64;
  self->cells = g_new (OffloadCsvCell, self->cells_size);
  self->scratch = g_byte_array_new ();
  self->scratch_at = g_array_new (FALSE, FALSE, sizeof (gsize));
  self->parser = offload_csv_parser_new (on_parsed_field, on_parsed_record, self);

  return self;
}

void
offload_csv_records_free (OffloadCsvRecords *self)
{
  if (self == NULL)
    return;

  offload_csv_parser_free (self->parser);
  g_free (self->cells);
  g_free (self->columns);
  g_free (self->batches);
  g_free (self->taken);
  g_free (self->not_fast);
  g_byte_array_unref (self->scratch);
  g_array_unref (self->scratch_at);
  g_free (self);
}

/* The next cell kept of the record, in field @self->n_fields. */
static inline OffloadCsvCell *
next_cell (OffloadCsvRecords *self)
{
  if (G_UNLIKELY (self->n_cells == self->cells_size))
    {
      self->cells_size *= 2;
      self->cells = g_renew (OffloadCsvCell, self->cells, self->cells_size);
      if (self->columns != NULL)
        self->columns = g_renew (guint, self->columns, self->cells_size);
    }
  if (self->batched)
    {
      self->columns[self->n_cells] = self->n_fields;
      if (self->n_fields < self->n_batches)
        self->taken[self->n_fields] = TAKEN_NONE;
    }
  self->n_fields++;

  return &self->cells[self->n_cells++];
}

static void
flush_batch (OffloadCsvRecords *self,
             guint              column)
{
  Batch *batch = &self->batches[column];

  self->funcs.numbers (column, batch->values, batch->n, batch->missing, self->batched_data);
  batch->n = 0;
  batch->missing = 0;
}

/* Batches for the fast columns up to @column, when it is within them. */
static gboolean
grow_batches (OffloadCsvRecords *self,
              guint              column)
{
  guint n;

  if (column >= self->max_batches)
    return FALSE;

  n = MIN (MAX (column + 1, 2 * self->n_batches), self->max_batches);
  self->batches = g_renew (Batch, self->batches, n);
  self->taken = g_renew (guint8, self->taken, n);
  for (guint i = self->n_batches; i < n; i++)
    {
      self->taken[i] = TAKEN_NONE;
      self->batches[i].n = 0;
      self->batches[i].missing = 0;
      self->batches[i].fast = i >= self->n_not_fast || !self->not_fast[i];
    }
  self->n_batches = n;

  return TRUE;
}

/* In batched mode, a number or a missing cell of a fast column goes to its
 * batch: TRUE then, and the cell is not kept. */
static inline gboolean
take_fast (OffloadCsvRecords *self,
           OffloadCellKind    kind,
           double             value)
{
  guint column = self->n_fields;
  Batch *batch;

  if (G_UNLIKELY (column >= self->n_batches) && !grow_batches (self, column))
    return FALSE;
  batch = &self->batches[column];
  if (G_UNLIKELY (!batch->fast))
    return FALSE;

  /* A full batch waits for the end of the record: until then, the
   * record's numbers may have to come out again. Each record puts at most
   * one number in a batch. */
  if (G_LIKELY (kind == OFFLOAD_CELL_NUMBER))
    {
      batch->values[batch->n++] = value;
      self->full |= batch->n == OFFLOAD_CSV_BATCH;
      self->taken[column] = TAKEN_NUMBER;
    }
  else if (kind == OFFLOAD_CELL_MISSING)
    {
      batch->missing++;
      self->taken[column] = TAKEN_MISSING;
    }
  else
    return FALSE;

  self->n_fields++;
  return TRUE;
}

/* The batched cells of a record read only in part, out again. */
static void
take_back (OffloadCsvRecords *self)
{
  guint n = MIN (self->n_fields, self->n_batches);

  for (guint i = 0; i < n; i++)
    {
      if (self->taken[i] == TAKEN_NUMBER)
        self->batches[i].n--;
      else if (self->taken[i] == TAKEN_MISSING)
        self->batches[i].missing--;
      self->taken[i] = TAKEN_NONE;
    }
}

static void
flush_full_batches (OffloadCsvRecords *self)
{
  for (guint i = 0; i < self->n_batches; i++)
    if (self->batches[i].n == OFFLOAD_CSV_BATCH)
      flush_batch (self, i);
  self->full = FALSE;
}

/* A cell classified where it lies: kept, or in batched mode perhaps taken. */
static inline void
add_cell (OffloadCsvRecords *self,
          const char        *text,
          gsize              length,
          OffloadCellKind    kind,
          double             value)
{
  OffloadCsvCell *cell;

  if (self->batched && take_fast (self, kind, value))
    return;

  cell = next_cell (self);
  cell->text = text;
  cell->length = length;
  cell->kind = kind;
  cell->value = value;
}

/* A cell whose bytes are the scratch buffer's from @start on: its text
 * pointer is set when the record is handed on, as the buffer may move
 * until then. In batched mode it is classified now, and taken or kept. */
static void
scratch_cell (OffloadCsvRecords *self,
              gsize              start)
{
  OffloadCsvCell *cell;
  gsize index, length = self->scratch->len - start;
  OffloadCellKind kind = OFFLOAD_CELL_TEXT;
  double value = 0;

  if (self->batched)
    {
      /* Quoted empty cells alone leave the scratch without storage. */
      const char *text = length > 0 ? (const char *) self->scratch->data + start : "";

      kind = offload_cell_classify (text, length, &value);
      if (take_fast (self, kind, value))
        {
          g_byte_array_set_size (self->scratch, (guint) start);
          return;
        }
    }

  cell = next_cell (self);
  index = self->n_cells - 1;
  while (self->scratch_at->len < index)
    {
      gsize none = G_MAXSIZE;

      g_array_append_val (self->scratch_at, none);
    }
  g_array_append_val (self->scratch_at, start);
  cell->text = NULL;
  cell->length = length;
  cell->kind = kind;
  cell->value = value;
}

static inline void
drop_record (OffloadCsvRecords *self)
{
  self->n_cells = 0;
  self->n_fields = 0;
  if (self->scratch_at->len > 0)
    g_array_set_size (self->scratch_at, 0);
  if (self->scratch->len > 0)
    g_byte_array_set_size (self->scratch, 0);
}

static void
flush_run (OffloadCsvRecords *self)
{
  if (self->run_count > 0)
    self->funcs.records (self->run_width, self->run_count, self->batched_data);
  self->run_count = 0;
}

static void
hand_on (OffloadCsvRecords *self)
{
  if (self->scratch_at->len > 0)
    {
      for (guint i = 0; i < self->scratch_at->len; i++)
        {
          gsize at = g_array_index (self->scratch_at, gsize, i);
          OffloadCsvCell *cell = &self->cells[i];

          if (at == G_MAXSIZE)
            continue;
          /* Quoted empty cells alone leave the scratch without storage. */
          cell->text = self->scratch->len > 0 ? (const char *) self->scratch->data + at : "";
          /* Batched mode classified it already. */
          if (!self->batched)
            cell->kind = offload_cell_classify (cell->text, cell->length, &cell->value);
        }
    }

  self->records++;
  if (!self->batched)
    self->func (self->cells, self->n_cells, self->user_data);
  else if (self->n_cells == 0)
    {
      /* All in batches: counted with the records before it when as wide. */
      if (self->run_count > 0 && self->n_fields != self->run_width)
        flush_run (self);
      self->run_width = self->n_fields;
      self->run_count++;
    }
  else
    {
      flush_run (self);
      self->funcs.others (self->cells, self->columns, self->n_cells, self->n_fields,
                          self->batched_data);
    }
  if (self->full)
    flush_full_batches (self);
  drop_record (self);
}


/* Clinger's fast path where the number lies: [sign] digits [. digits]
 * [e [sign] digits], 19 digits at most in all. Stops at the first byte
 * that cannot continue the number; FALSE when what was read is not such a
 * number (the caller then looks at the field as a whole). */
static inline gboolean
parse_number (const char **cursor,
              double      *value)
{
  const char *p = *cursor;
  gboolean negative = FALSE;
  guint64 mantissa = 0;
  int digits, fraction = 0, exponent = 0;
  const char *start;
  guint d;

  /* The sign without a branch: half the numbers of a column may be
   * negative, at random. The byte after the data is no digit (the
   * caller's sentinel), so the digit runs need no other bound, and p never
   * passes end. */
  negative = *p == '-';
  p += negative | (*p == '+');

  start = p;
  while ((d = (guint) (guchar) *p - '0') < 10)
    {
      mantissa = mantissa * 10 + d;
      p++;
    }
  digits = (int) (p - start);
  if (*p == '.')
    {
      start = ++p;
      while ((d = (guint) (guchar) *p - '0') < 10)
        {
          mantissa = mantissa * 10 + d;
          p++;
        }
      fraction = (int) (p - start);
      digits += fraction;
    }
  if (G_UNLIKELY (digits == 0 || digits > 19))
    return FALSE;

  if (G_LIKELY (*p != 'e' && *p != 'E'))
    {
      /* No exponent: 10^-fraction, fraction at most 19, is exact. */
      if (G_UNLIKELY (FLT_EVAL_METHOD != 0 || mantissa > MAX_EXACT_MANTISSA))
        return FALSE;
      exponent = -fraction;
    }
  else
    {
      gboolean exponent_negative = FALSE;
      int written = 0;

      p++;
      if (*p == '-' || *p == '+')
        exponent_negative = *p++ == '-';
      start = p;
      while ((d = (guint) (guchar) *p - '0') < 10 && written < 100000)
        {
          written = written * 10 + (int) d;
          p++;
        }
      if (p == start)
        return FALSE;
      exponent = (exponent_negative ? -written : written) - fraction;
      /* Each operation rounded once, to double: not so on the x87. */
      if (FLT_EVAL_METHOD != 0 || mantissa > MAX_EXACT_MANTISSA || exponent < -22 || exponent > 22)
        return FALSE;
    }

  {
    double result = (double) mantissa;
    guint64 bits;

    result = exponent < 0 ? result / powers_of_ten[-exponent] : result * powers_of_ten[exponent];
    /* The sign, as a bit: no branch. */
    memcpy (&bits, &result, sizeof bits);
    bits |= (guint64) negative << 63;
    memcpy (value, &bits, sizeof bits);
  }
  *cursor = p;
  return TRUE;
}

static inline gboolean
is_separator (char c)
{
  return c == ',' || c == '\n' || c == '\r';
}

/* Past the line end at *p: LF, CRLF or a lone CR. FALSE for a CR that is
 * the last byte, which a LF may follow in the bytes not read yet. */
static inline gboolean
skip_line_end (const char **p,
               const char  *end)
{
  if (**p != '\r')
    {
      (*p)++;
      return TRUE;
    }
  if (*p + 1 == end)
    return FALSE;
  *p += (*p)[1] == '\n' ? 2 : 1;
  return TRUE;
}

static inline gboolean
only_blanks (const char *data,
             gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (data[i] != ' ' && data[i] != '\t')
      return FALSE;

  return TRUE;
}

/**
 * offload_csv_records_read:
 * @self: a reader of records
 * @data: (array length=length): bytes that begin at a record's start,
 *   followed by a byte that is no digit (a NUL, say), at which the numbers
 *   are read to without looking where the data ends
 * @length: how many
 * @limit: read the records that begin before this offset in @data
 *
 * Hands on every record that begins before @limit and ends within
 * @length bytes, blank lines skipped. A record that does not end within
 * them (or that ends with a CR as the last byte, which a LF may follow) is
 * left for the caller, who reads it again with more bytes after it, or
 * gives it to the push parser.
 *
 * Returns: how many bytes were read: up to the start of the first record
 *   not read
 */
gsize
offload_csv_records_read (OffloadCsvRecords *self,
                          const char        *data,
                          gsize              length,
                          gsize              limit)
{
  const char *p = data;
  const char *end = data + length;
  const char *stop = data + MIN (limit, length);

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (data != NULL || length == 0, 0);

  while (p < stop)
    {
      const char *record = p;
      gboolean irregular = FALSE;

      for (;;)
        {
          const char *field = p;
          double value = 0;

          if (p < end && *p == '"')
            {
              /* Quoted: to the closing quote; doubled quotes undone in the
               * scratch buffer; text after the closing quote kept. */
              const char *inside = p + 1;
              const char *quote = memchr (inside, '"', (gsize) (end - inside));
              gsize start;

              if (quote == NULL)
                goto incomplete;
              if (quote + 1 < end && quote[1] != '"' && is_separator (quote[1]))
                {
                  gsize n = (gsize) (quote - inside);
                  OffloadCellKind kind = offload_cell_classify (inside, n, &value);

                  add_cell (self, inside, n, kind, value);
                  p = quote + 1;
                }
              else
                {
                  start = self->scratch->len;
                  for (;;)
                    {
                      if (quote == NULL)
                        goto incomplete;
                      g_byte_array_append (self->scratch, (const guint8 *) inside,
                                           (guint) (quote - inside));
                      if (quote + 1 < end && quote[1] == '"')
                        {
                          g_byte_array_append (self->scratch, (const guint8 *) "\"", 1);
                          inside = quote + 2;
                          quote = memchr (inside, '"', (gsize) (end - inside));
                          continue;
                        }
                      break;
                    }
                  p = quote + 1;
                  /* After the closing quote, up to the separator, as is. */
                  while (p < end && !is_separator (*p))
                    {
                      if (*p == '"')
                        irregular = TRUE;
                      g_byte_array_append (self->scratch, (const guint8 *) p, 1);
                      p++;
                    }
                  if (p == end)
                    goto incomplete;
                  scratch_cell (self, start);
                }
            }
          else if (parse_number (&p, &value) && p < end && is_separator (*p))
            add_cell (self, field, (gsize) (p - field), OFFLOAD_CELL_NUMBER, value);
          else
            {
              /* Unquoted: to the separator. A quote inside is a stray one,
               * kept as it is. */
              p = field;
              while (p < end && !is_separator (*p))
                {
                  if (*p == '"')
                    irregular = TRUE;
                  p++;
                }
              if (p == end)
                goto incomplete;

              /* A blank line, or one of blanks only: no record. */
              if (self->n_fields == 0 && *p != ',' && only_blanks (field, (gsize) (p - field)))
                {
                  if (!skip_line_end (&p, end))
                    goto incomplete;
                  drop_record (self);
                  goto next_record;
                }

              {
                gsize n = (gsize) (p - field);
                OffloadCellKind kind = offload_cell_classify (field, n, &value);

                add_cell (self, field, n, kind, value);
              }
            }

          /* The separator after the field. */
          if (*p == ',')
            {
              p++;
              continue;
            }
          if (!skip_line_end (&p, end))
            goto incomplete;
          break;
        }

      self->irregular |= irregular;
      hand_on (self);
    next_record:
      continue;

    incomplete:
      if (self->batched)
        take_back (self);
      drop_record (self);
      return (gsize) (record - data);
    }

  return (gsize) (p - data);
}

/* The push parser's cells go into the same record, copied: records read
 * either way reach the same function. */
static void
on_parsed_field (guint       column,
                 const char *data,
                 gsize       length,
                 gboolean    quoted,
                 gpointer    user_data)
{
  OffloadCsvRecords *self = user_data;
  gsize start = self->scratch->len;

  g_assert (column == self->n_fields);
  g_byte_array_append (self->scratch, (const guint8 *) data, (guint) length);
  scratch_cell (self, start);
}

static void
on_parsed_record (guint    n_fields,
                  gpointer user_data)
{
  OffloadCsvRecords *self = user_data;

  hand_on (self);
}

/**
 * offload_csv_records_get_parser:
 * @self: a reader of records
 *
 * Returns: (transfer none): the push parser for the records that
 *   offload_csv_records_read() leaves; what it reads is handed on too
 */
OffloadCsvParser *
offload_csv_records_get_parser (OffloadCsvRecords *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->parser;
}

/**
 * offload_csv_records_read_text:
 * @self: a reader of records
 * @data: (array length=length): a whole text, from a record's start
 * @length: how many bytes
 * @window: the most bytes the fast reader sees at once (a reader's buffer)
 *
 * Reads every record of a text in memory as a worker reads a file: whole
 * records through the fast reader, a window at a time, and the push parser
 * for a record that no window holds and for the end.
 *
 * Returns: whether it was CSV the parser takes
 */
gboolean
offload_csv_records_read_text (OffloadCsvRecords *self,
                               const char        *data,
                               gsize              length,
                               gsize              window)
{
  gsize offset = 0;
  g_autofree char *copy = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (window > 0, FALSE);

  copy = g_malloc (MIN (window, length) + 1);
  while (offset < length)
    {
      gsize n = MIN (window, length - offset);
      gsize used;

      /* As a reader's buffer: the window, then a NUL. */
      memcpy (copy, data + offset, n);
      copy[n] = '\0';
      used = offload_csv_records_read (self, copy, n, n);

      if (used > 0)
        {
          offset += used;
          continue;
        }

      /* One record through the push parser, to its end. */
      do
        {
          n = MIN (window, length - offset);
          offset += offload_csv_parser_feed (self->parser, data + offset, n, TRUE);
        }
      while (offset < length && offload_csv_parser_in_record (self->parser)
             && offload_csv_parser_get_error (self->parser) == NULL);
      if (offload_csv_parser_get_error (self->parser) != NULL)
        return FALSE;
    }
  offload_csv_parser_finish (self->parser);

  return offload_csv_parser_get_error (self->parser) == NULL;
}

/**
 * offload_csv_records_is_irregular:
 * @self: a reader of records
 *
 * Returns: whether a record held a quote outside the rules (read by
 *   either reader), as offload_csv_parser_is_irregular() says
 */
gboolean
offload_csv_records_is_irregular (OffloadCsvRecords *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->irregular || offload_csv_parser_is_irregular (self->parser);
}

/**
 * offload_csv_records_get_records:
 * @self: a reader of records
 *
 * Returns: the records handed on so far, by either reader
 */
guint64
offload_csv_records_get_records (OffloadCsvRecords *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->records;
}

/**
 * offload_csv_records_set_batched:
 * @self: a reader of records, between two records (as in its callback)
 * @funcs: where the records go from the next one on
 * @n_fast: the fast columns are among the first @n_fast
 * @not_fast: (array length=n_not_fast) (nullable): columns that are not
 *   fast, whose every cell is handed on (a column counted as text, say)
 * @n_not_fast: how many
 * @user_data: for @funcs
 *
 * From the next record on, the numbers and the missing cells of the fast
 * columns go into batches, handed on by @funcs->numbers when full and by
 * offload_csv_records_flush(); the records and their other cells go to
 * @funcs instead of the reader's function. A column's numbers are never
 * split between batches and other cells.
 */
void
offload_csv_records_set_batched (OffloadCsvRecords            *self,
                                 const OffloadCsvBatchedFuncs *funcs,
                                 guint                         n_fast,
                                 const gboolean               *not_fast,
                                 guint                         n_not_fast,
                                 gpointer                      user_data)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (funcs != NULL && funcs->numbers != NULL && funcs->records != NULL
                    && funcs->others != NULL);
  g_return_if_fail (!self->batched);
  g_return_if_fail (not_fast != NULL || n_not_fast == 0);

  self->batched = TRUE;
  self->funcs = *funcs;
  self->batched_data = user_data;
  self->max_batches = n_fast;
  self->not_fast = g_memdup2 (not_fast, n_not_fast * sizeof (gboolean));
  self->n_not_fast = n_not_fast;
  self->columns = g_new (guint, self->cells_size);
}

/**
 * offload_csv_records_flush:
 * @self: a reader of records in batched mode
 *
 * Hands on the records counted and the batches filled so far.
 */
void
offload_csv_records_flush (OffloadCsvRecords *self)
{
  g_return_if_fail (self != NULL && self->batched);

  flush_run (self);
  for (guint i = 0; i < self->n_batches; i++)
    if (self->batches[i].n > 0 || self->batches[i].missing > 0)
      flush_batch (self, i);
}
