/* fuzz-csv.c: the CSV parser and the chunking rule on any bytes
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "offload-csv.h"
#include "offload-csv-records.h"
#include "offload-number.h"
#include "offload-test-batched.h"

/* Checks, for any input: no crash or sanitizer report; the same records
 * whether the bytes come in one piece or one byte at a time; and, unless a
 * stray quote was reported, the same records when the input is cut in two
 * at a place chosen from the input itself; and the same complete records
 * and cells from the fast reader of whole records (offload-csv-records.c)
 * with a window chosen from the input, in its plain and its batched mode.
 * Every field also goes through the cell classifier. */

typedef struct
{
  GString *digest;
} Sink;

static void
on_field (guint       column,
          const char *data,
          gsize       length,
          gboolean    quoted,
          gpointer    user_data)
{
  Sink *sink = user_data;
  double value;

  offload_cell_classify (data, length, &value);
  g_string_append_printf (sink->digest, "%u:%c:", column, quoted ? 'q' : 'u');
  g_string_append_len (sink->digest, data, (gssize) length);
  g_string_append_c (sink->digest, '\x1f');
}

static void
on_record (guint    n_fields,
           gpointer user_data)
{
  Sink *sink = user_data;

  g_string_append_c (sink->digest, '\x1e');
}

static char *
parse (const char *data,
       gsize       length,
       gsize       piece,
       gboolean   *failed)
{
  Sink sink = { g_string_new (NULL) };
  OffloadCsvParser *parser = offload_csv_parser_new (on_field, on_record, &sink);

  for (gsize offset = 0; offset < length; offset += piece)
    offload_csv_parser_feed (parser, data + offset, MIN (piece, length - offset), FALSE);
  offload_csv_parser_finish (parser);
  *failed = offload_csv_parser_get_error (parser) != NULL;
  offload_csv_parser_free (parser);

  return g_string_free (sink.digest, FALSE);
}

static char *
parse_two_chunks (const char *data,
                  gsize       length,
                  gsize       cut,
                  gboolean   *irregular,
                  gboolean   *failed)
{
  Sink sink = { g_string_new (NULL) };
  gsize starts[2] = { 0, cut };
  gsize ends[2] = { cut, length };

  *irregular = FALSE;
  *failed = FALSE;
  for (guint c = 0; c < 2; c++)
    {
      OffloadCsvParser *parser = offload_csv_parser_new (on_field, on_record, &sink);
      gsize first = 0;
      gboolean have = TRUE;

      if (starts[c] > 0)
        {
          gboolean in_quotes = offload_csv_count_quotes (data, starts[c] - 1) % 2 == 1;
          gsize offset;

          have = offload_csv_find_record_start (data + starts[c] - 1, length - (starts[c] - 1),
                                                in_quotes, &offset);
          first = starts[c] - 1 + offset;
        }

      if (have && first < ends[c])
        {
          offload_csv_parser_feed (parser, data + first, ends[c] - first, FALSE);
          if (offload_csv_parser_in_record (parser)
              && offload_csv_parser_feed (parser, data + ends[c], length - ends[c], TRUE)
                 == length - ends[c])
            offload_csv_parser_finish (parser);
        }

      *irregular |= offload_csv_parser_is_irregular (parser);
      *failed |= offload_csv_parser_get_error (parser) != NULL;
      offload_csv_parser_free (parser);
    }

  return g_string_free (sink.digest, FALSE);
}

/* Complete records only: cells cut off by an error are no record. */
typedef struct
{
  GString *digest;
  GString *pending;
} RecordSink;

static void
digest_cell (GString         *digest,
             OffloadCellKind  kind,
             double           value,
             const char      *text,
             gsize            length)
{
  g_string_append_printf (digest, "%d:%a:", (int) kind, kind == OFFLOAD_CELL_NUMBER ? value : 0.0);
  g_string_append_len (digest, text, (gssize) length);
  g_string_append_c (digest, '\x1f');
}

static void
on_record_field (guint       column,
                 const char *data,
                 gsize       length,
                 gboolean    quoted,
                 gpointer    user_data)
{
  RecordSink *sink = user_data;
  double value = 0;
  OffloadCellKind kind = offload_cell_classify (data, length, &value);

  digest_cell (sink->pending, kind, value, data, length);
}

static void
on_record_end (guint    n_fields,
               gpointer user_data)
{
  RecordSink *sink = user_data;

  g_string_append_len (sink->digest, sink->pending->str, (gssize) sink->pending->len);
  g_string_append_c (sink->digest, '\x1e');
  g_string_truncate (sink->pending, 0);
}

static void
on_cells (const OffloadCsvCell *cells,
          guint                 n_cells,
          gpointer              user_data)
{
  RecordSink *sink = user_data;

  for (guint i = 0; i < n_cells; i++)
    digest_cell (sink->digest, cells[i].kind, cells[i].value, cells[i].text, cells[i].length);
  g_string_append_c (sink->digest, '\x1e');
}

static void
check_fast_records (const char *data,
                    gsize       length,
                    gsize       window)
{
  RecordSink reference = { g_string_new (NULL), g_string_new (NULL) };
  RecordSink fast = { g_string_new (NULL), NULL };
  OffloadCsvParser *parser = offload_csv_parser_new (on_record_field, on_record_end, &reference);
  OffloadCsvRecords *records = offload_csv_records_new (on_cells, &fast);
  gboolean ok = offload_csv_records_read_text (records, data, length, window);

  offload_csv_parser_feed (parser, data, length, FALSE);
  offload_csv_parser_finish (parser);
  g_assert_cmpint (ok, ==, offload_csv_parser_get_error (parser) == NULL);
  g_assert_cmpstr (fast.digest->str, ==, reference.digest->str);
  if (ok)
    g_assert_cmpint (offload_csv_records_is_irregular (records), ==,
                     offload_csv_parser_is_irregular (parser));

  offload_csv_records_free (records);
  offload_csv_parser_free (parser);
  g_string_free (fast.digest, TRUE);
  g_string_free (reference.digest, TRUE);
  g_string_free (reference.pending, TRUE);
}

/* Batched mode (the workers'): the same numbers, missing cells, other
 * cells and records, column by column, as the push parser; a record the
 * window cuts takes its numbers out of the batches again. */
static void
check_batched_records (const char *data,
                       gsize       length,
                       gsize       window)
{
  OffloadTestColumns reference, batched;
  OffloadCsvParser *parser;
  OffloadCsvRecords *records;
  gboolean ok;

  offload_test_columns_init (&reference);
  offload_test_columns_init (&batched);
  parser = offload_csv_parser_new (offload_test_reference_field, offload_test_reference_record,
                                   &reference);
  offload_csv_parser_feed (parser, data, length, FALSE);
  offload_csv_parser_finish (parser);
  records = offload_test_batched_records_new (&batched);
  ok = offload_csv_records_read_text (records, data, length, window);
  g_assert_cmpint (ok, ==, offload_csv_parser_get_error (parser) == NULL);
  if (ok)
    {
      offload_csv_records_flush (records);
      offload_test_columns_assert_equal (&batched, &reference);
    }

  offload_csv_records_free (records);
  offload_csv_parser_free (parser);
  offload_test_columns_clear (&batched);
  offload_test_columns_clear (&reference);
}

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const char *text = (const char *) data;
  g_autofree char *whole = NULL;
  g_autofree char *bytewise = NULL;
  gboolean failed_whole, failed_bytewise;
  double value;

  offload_number_parse (text, size, &value);

  whole = parse (text, size, G_MAXSIZE, &failed_whole);
  bytewise = parse (text, size, 1, &failed_bytewise);
  g_assert_cmpint (failed_whole, ==, failed_bytewise);
  if (!failed_whole)
    g_assert_cmpstr (whole, ==, bytewise);

  check_fast_records (text, size, size > 0 ? 1 + data[size - 1] % 64 : 1);
  check_fast_records (text, size, G_MAXSIZE);
  check_batched_records (text, size, size > 0 ? 1 + data[size - 1] % 64 : 1);
  check_batched_records (text, size, G_MAXSIZE);

  if (size > 1 && !failed_whole)
    {
      gsize cut = 1 + data[0] % (size - 1);
      gboolean irregular, failed;
      g_autofree char *chunked = parse_two_chunks (text, size, cut, &irregular, &failed);

      if (!irregular && !failed)
        g_assert_cmpstr (whole, ==, chunked);
    }

  return 0;
}
