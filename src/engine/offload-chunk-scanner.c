/* offload-chunk-scanner.c: CSV records into a chunk's statistics
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "offload-chunk-scanner.h"

/* The glue between the parser and the statistics, in one place for the
 * worker and the tests that check it: the first record of the chunk that
 * holds the file's header is the header; every other record is data. */

#define MAX_NAME_BYTES 1024

struct _OffloadChunkScanner
{
  OffloadChunkStats *stats;
  OffloadCsvParser  *parser;
  GPtrArray         *names;       /* while the header record is read */
  gboolean           too_large;
};

static void
on_field (guint       column,
          const char *data,
          gsize       length,
          gboolean    quoted,
          gpointer    user_data)
{
  OffloadChunkScanner *self = user_data;

  if (self->names != NULL)
    {
      if (column < OFFLOAD_CHUNK_STATS_MAX_COLUMNS)
        g_ptr_array_add (self->names,
                         g_utf8_make_valid (data, (gssize) MIN (length, MAX_NAME_BYTES)));
      else
        self->too_large = TRUE;
    }
  else if (!self->too_large && !offload_chunk_stats_add_cell (self->stats, column, data, length))
    self->too_large = TRUE;
}

static void
on_record (guint    n_fields,
           gpointer user_data)
{
  OffloadChunkScanner *self = user_data;

  if (self->names != NULL)
    {
      g_ptr_array_add (self->names, NULL);
      self->stats->header = (GStrv) g_ptr_array_free (self->names, FALSE);
      self->names = NULL;
      return;
    }
  offload_chunk_stats_end_record (self->stats, n_fields);
}

/**
 * offload_chunk_scanner_new:
 * @histogram_bits: for the statistics
 * @header_first: whether the first record is the file's header
 *
 * Returns: (transfer full): a scanner; feed its parser the chunk's bytes
 */
OffloadChunkScanner *
offload_chunk_scanner_new (guint    histogram_bits,
                           gboolean header_first)
{
  OffloadChunkScanner *self = g_new0 (OffloadChunkScanner, 1);

  self->stats = offload_chunk_stats_new (histogram_bits);
  self->parser = offload_csv_parser_new (on_field, on_record, self);
  if (header_first)
    self->names = g_ptr_array_new_with_free_func (g_free);

  return self;
}

void
offload_chunk_scanner_free (OffloadChunkScanner *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->names, g_ptr_array_unref);
  g_clear_pointer (&self->parser, offload_csv_parser_free);
  g_clear_pointer (&self->stats, offload_chunk_stats_free);
  g_free (self);
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

  return self->parser;
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

  /* A chunk that ended before its header did has no header. */
  g_clear_pointer (&self->names, g_ptr_array_unref);
  self->stats->irregular = offload_csv_parser_is_irregular (self->parser);
  offload_chunk_stats_flush (self->stats);

  return g_steal_pointer (&self->stats);
}
