/* fuzz-csv.c: the CSV parser and the chunking rule on any bytes
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "offload-csv.h"
#include "offload-number.h"

/* Checks, for any input: no crash or sanitizer report; the same records
 * whether the bytes come in one piece or one byte at a time; and, unless a
 * stray quote was reported, the same records when the input is cut in two
 * at a place chosen from the input itself. Every field also goes through
 * the cell classifier. */

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
