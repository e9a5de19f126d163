/* test-csv.c: records are the same however the file is cut
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "offload-csv.h"
#include "offload-csv-records.h"
#include "offload-test-batched.h"
#include "offload-sample-data.h"

/* Records as strings: fields joined by '|', quoted ones marked with '^'. */
typedef struct
{
  GPtrArray *records;
  GString   *current;
  gboolean   irregular;
} Collector;

static void
on_field (guint       column,
          const char *data,
          gsize       length,
          gboolean    quoted,
          gpointer    user_data)
{
  Collector *collector = user_data;

  if (column > 0)
    g_string_append_c (collector->current, '|');
  if (quoted)
    g_string_append_c (collector->current, '^');
  g_string_append_len (collector->current, data, (gssize) length);
}

static void
on_record (guint    n_fields,
           gpointer user_data)
{
  Collector *collector = user_data;

  g_ptr_array_add (collector->records, g_string_free (collector->current, FALSE));
  collector->current = g_string_new (NULL);
}

static GPtrArray *
collector_finish (Collector *collector)
{
  g_string_free (collector->current, TRUE);
  return collector->records;
}

static void
collector_init (Collector *collector)
{
  collector->records = g_ptr_array_new_with_free_func (g_free);
  collector->current = g_string_new (NULL);
  collector->irregular = FALSE;
}

/* The whole file in one piece, or in pieces of @piece bytes. */
static GPtrArray *
parse_all (const char *data,
           gsize       length,
           gsize       piece)
{
  Collector collector;
  g_autoptr(OffloadCsvParser) parser = NULL;
  gsize offset;

  collector_init (&collector);
  parser = offload_csv_parser_new (on_field, on_record, &collector);
  offset = offload_csv_skip_bom (data, length);
  while (offset < length)
    {
      gsize n = MIN (piece, length - offset);

      g_assert_cmpuint (offload_csv_parser_feed (parser, data + offset, n, FALSE), ==, n);
      offset += n;
    }
  offload_csv_parser_finish (parser);

  return collector_finish (&collector);
}

/* What a worker does with the chunk [start, end): find its first record,
 * read to the end of the chunk, then on to the end of the record it is in. */
static void
parse_chunk (const char *data,
             gsize       length,
             gsize       start,
             gsize       end,
             Collector  *collector)
{
  g_autoptr(OffloadCsvParser) parser = offload_csv_parser_new (on_field, on_record, collector);
  gsize bom = offload_csv_skip_bom (data, length);
  gsize first;

  /* The first record starts after the byte order mark, and belongs to the
   * chunk that holds that position. */
  if (start <= bom)
    first = bom;
  else
    {
      gboolean in_quotes = offload_csv_count_quotes (data, start - 1) % 2 == 1;
      gsize offset;

      if (!offload_csv_find_record_start (data + start - 1, length - (start - 1), in_quotes, &offset))
        return;
      first = start - 1 + offset;
    }

  if (first >= end)
    return;

  offload_csv_parser_feed (parser, data + first, end - first, FALSE);
  if (offload_csv_parser_in_record (parser))
    {
      gsize used = offload_csv_parser_feed (parser, data + end, length - end, TRUE);

      if (used == length - end)
        offload_csv_parser_finish (parser);
    }
  collector->irregular |= offload_csv_parser_is_irregular (parser);
}

static GPtrArray *
parse_chunks_irregular (const char  *data,
                        gsize        length,
                        const gsize *cuts,
                        guint        n_cuts,
                        gboolean    *irregular);

static GPtrArray *
parse_chunks (const char  *data,
              gsize        length,
              const gsize *cuts,
              guint        n_cuts)
{
  gboolean irregular;
  GPtrArray *records = parse_chunks_irregular (data, length, cuts, n_cuts, &irregular);

  g_assert_false (irregular);
  return records;
}

static GPtrArray *
parse_chunks_irregular (const char  *data,
                        gsize        length,
                        const gsize *cuts,
                        guint        n_cuts,
                        gboolean    *irregular)
{
  Collector collector;
  gsize start = 0;

  collector_init (&collector);
  for (guint i = 0; i <= n_cuts; i++)
    {
      gsize end = i < n_cuts ? cuts[i] : length;

      parse_chunk (data, length, start, end, &collector);
      start = end;
    }

  *irregular = collector.irregular;
  return collector_finish (&collector);
}

static void
assert_same_records (GPtrArray *expected,
                     GPtrArray *got,
                     const char *how)
{
  if (expected->len != got->len)
    g_error ("%s: %u records instead of %u", how, got->len, expected->len);
  for (guint i = 0; i < expected->len; i++)
    if (g_strcmp0 (expected->pdata[i], got->pdata[i]) != 0)
      g_error ("%s: record %u is “%s”, not “%s”", how, i,
               (char *) got->pdata[i], (char *) expected->pdata[i]);
}

static const char fixture[] =
  "\xEF\xBB\xBF" "id,name,comment,value\r\n"
  "1,plain,\"with, a comma\",1.5\r\n"
  "2,\"quoted \"\"twice\"\"\",\"line one\nline two\",-3\r\n"
  "\r\n"
  "3,,\"\",\n"
  "4,caf\xC3\xA9,\"\xE6\x97\xA5\xE6\x9C\xAC, \"\"\n\"\" ok\",NA\n"
  "\n"
  "5,last,no newline at the end,7e3";

static void
test_fixture (void)
{
  g_autoptr(GPtrArray) records = parse_all (fixture, sizeof fixture - 1, G_MAXSIZE);
  static const char * const expected[] = {
    "id|name|comment|value",
    "1|plain|^with, a comma|1.5",
    "2|^quoted \"twice\"|^line one\nline two|-3",
    "3||^|",
    "4|caf\xC3\xA9|^\xE6\x97\xA5\xE6\x9C\xAC, \"\n\" ok|NA",
    "5|last|no newline at the end|7e3",
  };

  g_assert_cmpuint (records->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (records->pdata[i], ==, expected[i]);
}

static void
test_any_piece_size (void)
{
  gsize length = sizeof fixture - 1;
  g_autoptr(GPtrArray) whole = parse_all (fixture, length, G_MAXSIZE);

  for (gsize piece = 1; piece < length; piece++)
    {
      g_autoptr(GPtrArray) pieces = parse_all (fixture, length, piece);
      g_autofree char *how = g_strdup_printf ("pieces of %" G_GSIZE_FORMAT, piece);

      assert_same_records (whole, pieces, how);
    }
}

/* Every place a chunk boundary can fall: in quotes, between CR and LF,
 * inside a multi-byte character, on a blank line. */
static void
test_every_boundary (void)
{
  gsize length = sizeof fixture - 1;
  g_autoptr(GPtrArray) whole = parse_all (fixture, length, G_MAXSIZE);

  for (gsize cut = 1; cut < length; cut++)
    for (gsize cut2 = cut; cut2 < length; cut2 += 3)
      {
        gsize cuts[] = { cut, cut2 };
        g_autoptr(GPtrArray) chunked = parse_chunks (fixture, length, cuts, G_N_ELEMENTS (cuts));
        g_autofree char *how = g_strdup_printf ("cuts at %" G_GSIZE_FORMAT " and %" G_GSIZE_FORMAT,
                                                cut, cut2);

        assert_same_records (whole, chunked, how);
      }
}

/* The sample dataset: quoted commas, quotes and newlines in every few rows. */
static void
test_sample_data_chunks (void)
{
  g_autoptr(GString) csv = g_string_new (NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (99);
  g_autoptr(GPtrArray) whole = NULL;

  offload_sample_data_append_header (csv);
  for (guint64 row = 0; row < 3000; row++)
    offload_sample_data_append_row (csv, row, OFFLOAD_SAMPLE_DATA_DEFAULT_SEED);

  whole = parse_all (csv->str, csv->len, G_MAXSIZE);
  g_assert_cmpuint (whole->len, ==, 3001);

  for (guint trial = 0; trial < 200; trial++)
    {
      gsize cuts[7];
      g_autoptr(GPtrArray) chunked = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
        cuts[i] = (gsize) g_rand_int_range (rand, 1, (gint32) csv->len);
      /* In order; equal cuts make empty chunks, which must be harmless. */
      for (guint i = 1; i < G_N_ELEMENTS (cuts); i++)
        for (guint j = i; j > 0 && cuts[j - 1] > cuts[j]; j--)
          {
            gsize t = cuts[j];
            cuts[j] = cuts[j - 1];
            cuts[j - 1] = t;
          }

      chunked = parse_chunks (csv->str, csv->len, cuts, G_N_ELEMENTS (cuts));
      assert_same_records (whole, chunked, "random cuts of the sample data");
    }
}

static void
test_long_field (void)
{
  g_autoptr(GString) csv = g_string_new ("a,b\n\"");
  g_autoptr(GPtrArray) records = NULL;

  /* A field of several megabytes, with newlines in it. */
  for (guint i = 0; i < 200000; i++)
    g_string_append (csv, "0123456789,\n\"\"");
  g_string_append (csv, "\",2\n");

  records = parse_all (csv->str, csv->len, 65536);
  g_assert_cmpuint (records->len, ==, 2);
  /* Each repetition is 13 characters once the doubled quote is undone. */
  g_assert_cmpuint (strlen (records->pdata[1]), ==, 1 + 200000 * 13 + 2);
}

/* Line ends as pandas reads them: LF, CRLF and lone CR; lines of only
 * blanks skipped. At every cut, the same records. */
static const char line_ends[] =
  "a,b\r1,2\r\n \t \n3,\"x\ry\"\r\r\n4,5\n\t\r6,7\r";

static void
test_line_ends (void)
{
  gsize length = sizeof line_ends - 1;
  g_autoptr(GPtrArray) whole = parse_all (line_ends, length, G_MAXSIZE);
  static const char * const expected[] = { "a|b", "1|2", "3|^x\ry", "4|5", "6|7" };

  g_assert_cmpuint (whole->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (whole->pdata[i], ==, expected[i]);

  for (gsize piece = 1; piece < length; piece++)
    {
      g_autoptr(GPtrArray) pieces = parse_all (line_ends, length, piece);
      assert_same_records (whole, pieces, "line ends, in pieces");
    }
  for (gsize cut = 1; cut < length; cut++)
    for (gsize cut2 = cut; cut2 < length; cut2++)
      {
        gsize cuts[] = { cut, cut2 };
        g_autoptr(GPtrArray) chunked = parse_chunks (line_ends, length, cuts, 2);
        g_autofree char *how = g_strdup_printf ("line ends cut at %" G_GSIZE_FORMAT " and %"
                                                G_GSIZE_FORMAT, cut, cut2);
        assert_same_records (whole, chunked, how);
      }
}

/* A stray quote (an inch mark) breaks quote parity: a chunked read may
 * differ from a whole read, but then a chunk always says so. */
static void
test_stray_quote (void)
{
  static const char data[] = "id,name\n1,5\" screen\n2,b\n3,\"c,\nd\"\n4,e\n";
  gsize length = sizeof data - 1;
  g_autoptr(GPtrArray) whole = parse_all (data, length, G_MAXSIZE);

  g_assert_cmpuint (whole->len, ==, 5);
  g_assert_cmpstr (whole->pdata[1], ==, "1|5\" screen");

  for (gsize cut = 1; cut < length; cut++)
    {
      gboolean irregular = FALSE;
      g_autoptr(GPtrArray) chunked = parse_chunks_irregular (data, length, &cut, 1, &irregular);

      if (!irregular)
        assert_same_records (whole, chunked, "a stray quote, not reported");
    }
}

static void
on_ignore_field (guint       column,
                 const char *data,
                 gsize       length,
                 gboolean    quoted,
                 gpointer    user_data)
{
}

static void
test_errors (void)
{
  g_autoptr(OffloadCsvParser) unclosed = offload_csv_parser_new (on_ignore_field, NULL, NULL);
  g_autoptr(OffloadCsvParser) huge = offload_csv_parser_new (on_ignore_field, NULL, NULL);
  gsize size = 33 * 1024 * 1024;
  g_autofree char *big = g_malloc (size);

  /* A quoted field still open at the end: pandas says "EOF inside string". */
  static const char open_quote[] = "a,b\n1,\"open\n2,3\n";

  offload_csv_parser_feed (unclosed, open_quote, strlen (open_quote), FALSE);
  offload_csv_parser_finish (unclosed);
  g_assert_error (offload_csv_parser_get_error (unclosed), OFFLOAD_CSV_ERROR,
                  OFFLOAD_CSV_ERROR_UNCLOSED_QUOTE);

  /* A field past the limit stops the parser instead of taking all memory. */
  memset (big, 'x', size);
  offload_csv_parser_feed (huge, "\"", 1, FALSE);
  for (gsize offset = 0; offset < size; offset += 1024 * 1024)
    offload_csv_parser_feed (huge, big + offset, 1024 * 1024, FALSE);
  g_assert_error (offload_csv_parser_get_error (huge), OFFLOAD_CSV_ERROR,
                  OFFLOAD_CSV_ERROR_FIELD_TOO_LARGE);
  g_assert_nonnull (strstr (offload_csv_parser_get_error (huge)->message, "unclosed quote"));

  /* Without a quote, the message blames none. */
  {
    g_autoptr(OffloadCsvParser) plain = offload_csv_parser_new (on_ignore_field, NULL, NULL);

    for (gsize offset = 0; offset < size; offset += 1024 * 1024)
      offload_csv_parser_feed (plain, big + offset, 1024 * 1024, FALSE);
    g_assert_error (offload_csv_parser_get_error (plain), OFFLOAD_CSV_ERROR,
                    OFFLOAD_CSV_ERROR_FIELD_TOO_LARGE);
    g_assert_null (strstr (offload_csv_parser_get_error (plain)->message, "quote"));
  }
}

static void
test_count_quotes (void)
{
  g_assert_cmpuint (offload_csv_count_quotes ("", 0), ==, 0);
  g_assert_cmpuint (offload_csv_count_quotes ("a\"b\"\"c", 6), ==, 3);
  g_assert_cmpuint (offload_csv_skip_bom ("\xEF\xBB\xBFx", 4), ==, 3);
  g_assert_cmpuint (offload_csv_skip_bom ("abc", 3), ==, 0);

  /* 64 bytes at a time with vectors, the rest one by one: the same counts
   * and the first NUL, wherever they fall and however many (up to 64 in
   * a block). */
  {
    g_autoptr(GRand) rand = g_rand_new_with_seed (64);

    for (guint run = 0; run < 2000; run++)
      {
        gsize length = (gsize) g_rand_int_range (rand, 0, 400);
        g_autofree char *data = g_malloc (length + 1);
        guint64 quotes = 0, expected_quotes = 0;
        gsize first_nul = G_MAXSIZE, expected_nul = G_MAXSIZE;
        /* Some runs all quotes, some none, most a mix. */
        gint32 share = run % 10 == 0 ? 100 : run % 10 == 1 ? 0 : g_rand_int_range (rand, 1, 60);

        for (gsize i = 0; i < length; i++)
          {
            gint32 roll = g_rand_int_range (rand, 0, 100);

            data[i] = roll < share ? '"' : roll == 99 && run % 3 == 0 ? '\0' : 'x';
            expected_quotes += data[i] == '"';
            if (data[i] == '\0' && expected_nul == G_MAXSIZE)
              expected_nul = i;
          }
        offload_csv_count_quotes_and_nul (data, length, &quotes, &first_nul);
        g_assert_cmpuint (quotes, ==, expected_quotes);
        g_assert_cmpuint (first_nul, ==, expected_nul);
      }
  }
}

/* The fast reader of whole records (offload-csv-records.c), with the push
 * parser for what it leaves, gives the same records and cells as the push
 * parser alone, however small its window, on random bytes of the kinds
 * that matter: separators, quotes, line ends, blanks, digits, NA. */

typedef struct
{
  GString  *digest;
  GString  *pending;   /* the record being read: a record cut off by an error is none */
} Digest;

static void
digest_field (guint       column,
              const char *data,
              gsize       length,
              gboolean    quoted,
              gpointer    user_data)
{
  Digest *digest = user_data;
  double value = 0;
  OffloadCellKind kind = offload_cell_classify (data, length, &value);

  offload_test_digest_cell (digest->pending, kind, value, data, length);
}

static void
digest_record (guint    n_fields,
               gpointer user_data)
{
  Digest *digest = user_data;

  g_string_append_len (digest->digest, digest->pending->str, (gssize) digest->pending->len);
  g_string_append_c (digest->digest, '\n');
  g_string_truncate (digest->pending, 0);
}

static void
digest_cells (const OffloadCsvCell *cells,
              guint                 n_cells,
              gpointer              user_data)
{
  Digest *digest = user_data;

  for (guint i = 0; i < n_cells; i++)
    offload_test_digest_cell (digest->digest, cells[i].kind, cells[i].value, cells[i].text, cells[i].length);
  g_string_append_c (digest->digest, '\n');
}

static void
test_fast_records (void)
{
  static const char alphabet[] = "a1.e-,\"\n\r NA9+";
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261203);
  const gsize windows[] = { 1, 2, 3, 5, 8, 64, G_MAXSIZE };

  for (guint run = 0; run < 20000; run++)
    {
      gsize length = (gsize) g_rand_int_range (rand, 0, 120);
      g_autofree char *text = g_malloc (length + 1);
      Digest reference = { g_string_new (NULL), g_string_new (NULL) };
      g_autoptr(OffloadCsvParser) parser = offload_csv_parser_new (digest_field, digest_record,
                                                                   &reference);
      gboolean failed, irregular;

      for (gsize i = 0; i < length; i++)
        text[i] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
      text[length] = '\0';
      offload_csv_parser_feed (parser, text, length, FALSE);
      offload_csv_parser_finish (parser);
      failed = offload_csv_parser_get_error (parser) != NULL;
      irregular = offload_csv_parser_is_irregular (parser);

      for (guint w = 0; w < G_N_ELEMENTS (windows); w++)
        {
          Digest fast = { g_string_new (NULL), NULL };
          g_autoptr(OffloadCsvRecords) records = offload_csv_records_new (digest_cells, &fast);
          gboolean ok = offload_csv_records_read_text (records, text, length, windows[w]);

          if (g_strcmp0 (fast.digest->str, reference.digest->str) != 0 || ok == failed)
            {
              g_autofree char *escaped = g_strescape (text, NULL);

              g_test_message ("input \"%s\", window %" G_GSIZE_FORMAT, escaped, windows[w]);
            }
          g_assert_cmpstr (fast.digest->str, ==, reference.digest->str);
          g_assert_cmpint (ok, ==, !failed);
          /* A stray quote seen by one is seen by the other, unless the
           * text ended in an error first. */
          if (!failed)
            g_assert_cmpint (offload_csv_records_is_irregular (records), ==, irregular);
          g_assert_cmpuint (offload_csv_records_get_records (records), ==,
                            offload_csv_parser_get_records (parser));
          g_string_free (fast.digest, TRUE);
        }
      g_string_free (reference.digest, TRUE);
      g_string_free (reference.pending, TRUE);
    }
}

/* Batched mode hands on the same numbers, missing cells, other cells and
 * records as the push parser, whatever the window: records cut by the end
 * of a window take their numbers out of the batches again. */
static void
test_batched_records (void)
{
  static const char alphabet[] = "a1.e-,,,\"\n\r NA999000++E.";
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261207);
  const gsize windows[] = { 1, 2, 3, 5, 8, 64, 100, 1000, G_MAXSIZE };

  /* As many as a sanitized build reads in seconds. */
  for (guint run = 0; run < 4000; run++)
    {
      /* Now and then long enough for full batches. */
      gsize length = (gsize) g_rand_int_range (rand, 0, run % 100 == 0 ? 4000 : 200);
      g_autofree char *text = g_malloc (length + 1);
      OffloadTestColumns reference;
      g_autoptr(OffloadCsvParser) parser = NULL;

      for (gsize i = 0; i < length; i++)
        text[i] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
      text[length] = '\0';
      offload_test_columns_init (&reference);
      parser = offload_csv_parser_new (offload_test_reference_field,
                                       offload_test_reference_record, &reference);
      offload_csv_parser_feed (parser, text, length, FALSE);
      offload_csv_parser_finish (parser);

      for (guint w = 0; w < G_N_ELEMENTS (windows); w++)
        {
          OffloadTestColumns batched;
          g_autoptr(OffloadCsvRecords) records = NULL;
          gboolean ok;

          offload_test_columns_init (&batched);
          records = offload_test_batched_records_new (&batched);
          ok = offload_csv_records_read_text (records, text, length, windows[w]);
          g_assert_cmpint (ok, ==, offload_csv_parser_get_error (parser) == NULL);
          /* A record cut off by an error is no record either way, but its
           * cells may have gone to the batches already: the worker then
           * fails the chunk. */
          if (ok)
            {
              offload_csv_records_flush (records);
              offload_test_columns_assert_equal (&batched, &reference);
              g_assert_cmpuint (offload_csv_records_get_records (records), ==,
                                offload_csv_parser_get_records (parser));
            }
          offload_test_columns_clear (&batched);
        }
      offload_test_columns_clear (&reference);
    }
}

/* Numbers of every shape, and their neighbours that are no numbers: the
 * batches get them as the push parser reads them. */
static void
test_batched_number_shapes (void)
{
  static const char *const shapes[] = {
    "0", "-0", "+0", "7", "-7", "+7", "007", "0.5", "-.5", "+.5", ".5", "5.", "-5.",
    "123456.789012", "-1234567890.12345", "999999999999999", "9999999999999999",
    "1234567890123456", "9007199254740992", "9007199254740993", "12345678901234567",
    "-0.000000000001", "3.14159265358979", "1e5", "1E5", "-1e-5", "1.5e+3", "2.5E-22",
    "1e22", "1e23", "1e-22", "1e-23", "0.1e-21", "12.5e-20", "1e", "1e+", "e5", "1.2.3",
    "--1", "+-1", "1-", "1 ", " 1", "1e1000", "1e-400", "9e999", "NA", "", "nan", "inf",
    "-inf", "1,5", "0x10", "1_000", "١", "12345678901234.5", "1234567890123.45e2",
  };
  g_autoptr(GString) csv = g_string_new (NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(OffloadCsvParser) parser = NULL;
  OffloadTestColumns reference;

  for (guint row = 0; row < 3000; row++)
    {
      for (guint c = 0; c < 4; c++)
        {
          if (c > 0)
            g_string_append_c (csv, ',');
          g_string_append (csv, shapes[g_rand_int_range (rand, 0, G_N_ELEMENTS (shapes))]);
        }
      g_string_append (csv, row % 7 == 0 ? "\r\n" : row % 11 == 0 ? "\r" : "\n");
    }

  offload_test_columns_init (&reference);
  parser = offload_csv_parser_new (offload_test_reference_field, offload_test_reference_record,
                                   &reference);
  offload_csv_parser_feed (parser, csv->str, csv->len, FALSE);
  offload_csv_parser_finish (parser);
  g_assert_null (offload_csv_parser_get_error (parser));

  /* In windows of a few records, and of many. */
  for (gsize window = 100; window <= 100000; window *= 1000)
    {
      OffloadTestColumns batched;
      g_autoptr(OffloadCsvRecords) records = NULL;

      offload_test_columns_init (&batched);
      records = offload_test_batched_records_new (&batched);
      g_assert_true (offload_csv_records_read_text (records, csv->str, csv->len, window));
      offload_csv_records_flush (records);
      offload_test_columns_assert_equal (&batched, &reference);
      offload_test_columns_clear (&batched);
    }
  offload_test_columns_clear (&reference);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/offload/csv/fixture", test_fixture);
  g_test_add_func ("/offload/csv/any-piece-size", test_any_piece_size);
  g_test_add_func ("/offload/csv/every-boundary", test_every_boundary);
  g_test_add_func ("/offload/csv/sample-data-chunks", test_sample_data_chunks);
  g_test_add_func ("/offload/csv/long-field", test_long_field);
  g_test_add_func ("/offload/csv/count-quotes", test_count_quotes);
  g_test_add_func ("/offload/csv/line-ends", test_line_ends);
  g_test_add_func ("/offload/csv/stray-quote", test_stray_quote);
  g_test_add_func ("/offload/csv/errors", test_errors);
  g_test_add_func ("/offload/csv/fast-records", test_fast_records);
  g_test_add_func ("/offload/csv/batched-records", test_batched_records);
  g_test_add_func ("/offload/csv/batched-number-shapes", test_batched_number_shapes);

  return g_test_run ();
}
