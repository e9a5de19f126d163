/* offload-chunk-scanner.c: CSV records into a chunk's statistics
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "offload-chunk-scanner.h"

/* The glue between the records and the statistics, in one place for the
 * worker and the tests that check it: the first record of the chunk that
 * holds the file's header is the header; every other record is data.
 * Records come from the fast reader (offload-csv-records.c) or, for those
 * it leaves, from the push parser, cell by cell into the same reader.
 * After the header the reader is in batched mode: it hands on the numbers
 * and missing cells of most columns a batch at a time (on_batch()), runs
 * of records that held nothing else (on_batched_records()), and a record's
 * other cells (on_other_cells()). */

#define MAX_NAME_BYTES 1024
/* Numbers go to the statistics a batch at a time, each column's in a
 * buffer of its own (for the first columns: beyond, one at a time): the
 * reader's batches, and these for the numbers of the columns counted as
 * text. */
#define BATCH           OFFLOAD_CSV_BATCH
#define BATCHED_COLUMNS 1024

typedef struct
{
  double values[BATCH];
  guint  n;
} Batch;

struct _OffloadChunkScanner
{
  OffloadChunkStats  *stats;
  OffloadRefineStats *planned;     /* what the plan asks for besides, or NULL */
  OffloadCsvRecords  *records;
  gboolean            header_first;
  gboolean            too_large;
  Batch              *batches;
  guint               n_batches;
  gboolean           *text_columns; /* which the plan counts as text */
  guint               n_text_columns;
};

static void
add_numbers (OffloadChunkScanner *self,
             guint                column,
             const double        *values,
             gsize                n)
{
  if (!self->too_large && !offload_chunk_stats_add_numbers (self->stats, column, values, n))
    self->too_large = TRUE;
  if (self->planned != NULL)
    offload_refine_stats_add_numbers (self->planned, column, values, n);
}

static void
flush_batches (OffloadChunkScanner *self)
{
  for (guint i = 0; i < self->n_batches; i++)
    if (self->batches[i].n > 0)
      {
        add_numbers (self, i, self->batches[i].values, self->batches[i].n);
        self->batches[i].n = 0;
      }
}

/* A cell of a record that the reader did not put in a batch. */
static void
add_cell (OffloadChunkScanner  *self,
          const OffloadCsvCell *cell,
          guint                 column)
{
  if (cell->kind != OFFLOAD_CELL_MISSING && column < self->n_text_columns
      && self->text_columns[column])
    offload_refine_stats_add_text (self->planned, column, cell->text, cell->length);

  if (cell->kind != OFFLOAD_CELL_NUMBER)
    {
      if (!self->too_large
          && !offload_chunk_stats_add_value (self->stats, column, cell->kind, cell->value,
                                             cell->text, cell->length))
        self->too_large = TRUE;
    }
  else if (column < BATCHED_COLUMNS)
    {
      Batch *batch;

      if (column >= self->n_batches)
        {
          guint n = MIN (MAX (column + 1, 2 * self->n_batches), BATCHED_COLUMNS);

          self->batches = g_renew (Batch, self->batches, n);
          for (guint i = self->n_batches; i < n; i++)
            self->batches[i].n = 0;
          self->n_batches = n;
        }
      batch = &self->batches[column];
      batch->values[batch->n++] = cell->value;
      if (batch->n == BATCH)
        {
          add_numbers (self, column, batch->values, BATCH);
          batch->n = 0;
        }
    }
  else
    add_numbers (self, column, &cell->value, 1);
}

static void
end_records (OffloadChunkScanner *self,
             guint                n_fields,
             guint64              count)
{
  offload_chunk_stats_end_records (self->stats, n_fields, count);
  if (self->planned != NULL)
    self->planned->position += count;
}

static void
on_batch (guint         column,
          const double *values,
          gsize         n,
          guint64       missing,
          gpointer      user_data)
{
  OffloadChunkScanner *self = user_data;

  if (missing > 0 && !self->too_large)
    offload_chunk_stats_get_column (self->stats, column)->missing += missing;
  if (n > 0)
    add_numbers (self, column, values, n);
}

static void
on_batched_records (guint    n_fields,
                    guint64  count,
                    gpointer user_data)
{
  end_records (user_data, n_fields, count);
}

static void
on_other_cells (const OffloadCsvCell *cells,
                const guint          *columns,
                guint                 n_cells,
                guint                 n_fields,
                gpointer              user_data)
{
  OffloadChunkScanner *self = user_data;

  for (guint i = 0; i < n_cells; i++)
    add_cell (self, &cells[i], columns[i]);
  end_records (self, n_fields, 1);
}

static const OffloadCsvBatchedFuncs batched_funcs = {
  on_batch,
  on_batched_records,
  on_other_cells,
};

/* The data records' numbers and missing cells go into the reader's
 * batches, but for the columns counted as text (their numbers too). */
static void
start_batches (OffloadChunkScanner *self)
{
  offload_csv_records_set_batched (self->records, &batched_funcs, BATCHED_COLUMNS,
                                   self->text_columns, self->n_text_columns, self);
}

/* The records the reader hands on whole: the header, and before it is
 * read, nothing else. */
static void
on_record (const OffloadCsvCell *cells,
           guint                 n_cells,
           gpointer              user_data)
{
  OffloadChunkScanner *self = user_data;
  OffloadChunkStats *stats = self->stats;

  if (self->header_first)
    {
      guint n = MIN (n_cells, OFFLOAD_CHUNK_STATS_MAX_COLUMNS);

      self->header_first = FALSE;
      self->too_large |= n_cells > OFFLOAD_CHUNK_STATS_MAX_COLUMNS;
      stats->header = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        stats->header[i] = g_utf8_make_valid (cells[i].text,
                                              (gssize) MIN (cells[i].length, MAX_NAME_BYTES));
      start_batches (self);
      return;
    }

  g_assert_not_reached ();
}

/**
 * offload_chunk_scanner_new:
 * @histogram_bits: for the statistics
 * @header_first: whether the first record is the file's header
 * @plan: (nullable): what to count besides, in the same pass; must outlive
 *   the scanner
 * @position: where the first data record starts in the file: with its
 *   index in the chunk, a record's place, by which text ties are broken
 *
 * Returns: (transfer full): a scanner; feed its records, or its parser,
 *   the chunk's bytes
 */
OffloadChunkScanner *
offload_chunk_scanner_new (guint                    histogram_bits,
                           gboolean                 header_first,
                           const OffloadRefinePlan *plan,
                           guint64                  position)
{
  OffloadChunkScanner *self = g_new0 (OffloadChunkScanner, 1);

  self->stats = offload_chunk_stats_new (histogram_bits);
  self->records = offload_csv_records_new (on_record, self);
  self->header_first = header_first;
  if (plan != NULL && plan->text->len > 0)
    {
      for (guint i = 0; i < plan->text->len; i++)
        self->n_text_columns = MAX (self->n_text_columns,
                                    g_array_index (plan->text, guint, i) + 1);
      self->text_columns = g_new0 (gboolean, self->n_text_columns);
      for (guint i = 0; i < plan->text->len; i++)
        self->text_columns[g_array_index (plan->text, guint, i)] = TRUE;
    }
  if (plan != NULL)
    {
      self->planned = offload_refine_stats_new (plan);
      self->planned->position = position;
    }
  if (!header_first)
    start_batches (self);

  return self;
}

void
offload_chunk_scanner_free (OffloadChunkScanner *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->records, offload_csv_records_free);
  g_clear_pointer (&self->planned, offload_refine_stats_free);
  g_clear_pointer (&self->stats, offload_chunk_stats_free);
  g_free (self->batches);
  g_free (self->text_columns);
  g_free (self);
}

/**
 * offload_chunk_scanner_get_records:
 * @self: a scanner
 *
 * Returns: (transfer none): the fast reader of whole records
 */
OffloadCsvRecords *
offload_chunk_scanner_get_records (OffloadChunkScanner *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->records;
}

/**
 * offload_chunk_scanner_get_parser:
 * @self: a scanner
 *
 * Returns: (transfer none): the parser to feed
 */
OffloadCsvParser *
offload_chunk_scanner_get_parser (OffloadChunkScanner *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return offload_csv_records_get_parser (self->records);
}

/**
 * offload_chunk_scanner_is_too_large:
 * @self: a scanner
 *
 * Returns: whether records were wider than the statistics can hold (the
 *   cells since are not counted)
 */
gboolean
offload_chunk_scanner_is_too_large (OffloadChunkScanner *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->too_large;
}

/**
 * offload_chunk_scanner_finish:
 * @self: a scanner, fed
 * @planned: (out) (optional) (transfer full) (nullable): what it counted
 *   of its plan
 *
 * Returns: (transfer full): the statistics, with whether the parser met a
 *   stray quote; the scanner is spent
 */
OffloadChunkStats *
offload_chunk_scanner_finish (OffloadChunkScanner  *self,
                              OffloadRefineStats  **planned)
{
  g_return_val_if_fail (self != NULL && self->stats != NULL, NULL);

  if (!self->header_first)
    offload_csv_records_flush (self->records);
  flush_batches (self);
  self->stats->irregular = offload_csv_records_is_irregular (self->records);
  offload_chunk_stats_flush (self->stats);
  if (planned != NULL)
    *planned = g_steal_pointer (&self->planned);

  return g_steal_pointer (&self->stats);
}
