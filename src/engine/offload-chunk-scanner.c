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
 * it leaves, from the push parser, cell by cell into the same reader. */

#define MAX_NAME_BYTES 1024

struct _OffloadChunkScanner
{
  OffloadChunkStats *stats;
  OffloadCsvRecords *records;
  gboolean           header_first;
  gboolean           too_large;
};

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
      return;
    }

  if (!self->too_large)
    for (guint i = 0; i < n_cells; i++)
      if (!offload_chunk_stats_add_value (stats, i, cells[i].kind, cells[i].value,
                                          cells[i].text, cells[i].length))
        {
          self->too_large = TRUE;
          break;
        }
  offload_chunk_stats_end_record (stats, n_cells);
}

/**
 * offload_chunk_scanner_new:
 * @histogram_bits: for the statistics
 * @header_first: whether the first record is the file's header
 *
 * Returns: (transfer full): a scanner; feed its records, or its parser,
 *   the chunk's bytes
 */
OffloadChunkScanner *
offload_chunk_scanner_new (guint    histogram_bits,
                           gboolean header_first)
{
  OffloadChunkScanner *self = g_new0 (OffloadChunkScanner, 1);

  self->stats = offload_chunk_stats_new (histogram_bits);
  self->records = offload_csv_records_new (on_record, self);
  self->header_first = header_first;

  return self;
}

void
offload_chunk_scanner_free (OffloadChunkScanner *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->records, offload_csv_records_free);
  g_clear_pointer (&self->stats, offload_chunk_stats_free);
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
 *
 * Returns: (transfer full): the statistics, with whether the parser met a
 *   stray quote; the scanner is spent
 */
OffloadChunkStats *
offload_chunk_scanner_finish (OffloadChunkScanner *self)
{
  g_return_val_if_fail (self != NULL && self->stats != NULL, NULL);

  self->stats->irregular = offload_csv_records_is_irregular (self->records);
  offload_chunk_stats_flush (self->stats);

  return g_steal_pointer (&self->stats);
}
