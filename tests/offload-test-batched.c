/* offload-test-batched.c: what a batched reader hands on, and a reference
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "offload-test-batched.h"

/**
 * offload_test_digest_cell:
 * @digest: where to add it
 * @kind: what the cell is
 * @value: its number
 * @text: (array length=length): its bytes
 * @length: how many
 *
 * A cell in a line of text that tells it from any other.
 */
void
offload_test_digest_cell (GString         *digest,
                          OffloadCellKind  kind,
                          double           value,
                          const char      *text,
                          gsize            length)
{
  g_string_append_c (digest, "MNT"[kind]);
  if (kind == OFFLOAD_CELL_NUMBER)
    g_string_append_printf (digest, "%a", value);
  g_string_append_c (digest, ':');
  g_string_append_len (digest, text, (gssize) length);
  g_string_append_c (digest, '|');
}

/* What a batched reader hands on, column by column: the numbers and the
 * missing cells of the fast columns, every other cell, and the records'
 * widths, each in the file's order. */
void
offload_test_columns_init (OffloadTestColumns *columns)
{
  memset (columns, 0, sizeof *columns);
  for (guint c = 0; c < OFFLOAD_TEST_COLUMNS; c++)
    {
      columns->numbers[c] = g_string_new (NULL);
      columns->others[c] = g_string_new (NULL);
      columns->pending_numbers[c] = g_string_new (NULL);
      columns->pending_others[c] = g_string_new (NULL);
    }
  columns->widths = g_string_new (NULL);
}

void
offload_test_columns_clear (OffloadTestColumns *columns)
{
  for (guint c = 0; c < OFFLOAD_TEST_COLUMNS; c++)
    {
      g_string_free (columns->numbers[c], TRUE);
      g_string_free (columns->others[c], TRUE);
      g_string_free (columns->pending_numbers[c], TRUE);
      g_string_free (columns->pending_others[c], TRUE);
    }
  g_string_free (columns->widths, TRUE);
}

void
offload_test_columns_assert_equal (OffloadTestColumns *a,
                                   OffloadTestColumns *b)
{
  for (guint c = 0; c < OFFLOAD_TEST_COLUMNS; c++)
    {
      g_assert_cmpstr (a->numbers[c]->str, ==, b->numbers[c]->str);
      g_assert_cmpuint (a->missing[c], ==, b->missing[c]);
      g_assert_cmpstr (a->others[c]->str, ==, b->others[c]->str);
    }
  g_assert_cmpstr (a->widths->str, ==, b->widths->str);
}

/* The reference: every field through the push parser, sorted the way the
 * batched reader is told to (the last column takes what is past it). */
void
offload_test_reference_field (guint       column,
                              const char *data,
                              gsize       length,
                              gboolean    quoted,
                              gpointer    user_data)
{
  OffloadTestColumns *columns = user_data;
  guint c = MIN (column, OFFLOAD_TEST_COLUMNS - 1);
  double value = 0;
  OffloadCellKind kind = offload_cell_classify (data, length, &value);

  if (column < OFFLOAD_TEST_FAST && column != OFFLOAD_TEST_NOT_FAST && kind == OFFLOAD_CELL_NUMBER)
    g_string_append_printf (columns->pending_numbers[c], "N%a ", value);
  else if (column < OFFLOAD_TEST_FAST && column != OFFLOAD_TEST_NOT_FAST && kind == OFFLOAD_CELL_MISSING)
    columns->pending_missing[c]++;
  else
    {
      g_string_append_printf (columns->pending_others[c], "O%u:", column);
      offload_test_digest_cell (columns->pending_others[c], kind, value, data, length);
    }
}

void
offload_test_reference_record (guint    n_fields,
                               gpointer user_data)
{
  OffloadTestColumns *columns = user_data;

  for (guint c = 0; c < OFFLOAD_TEST_COLUMNS; c++)
    {
      g_string_append_len (columns->numbers[c], columns->pending_numbers[c]->str,
                           (gssize) columns->pending_numbers[c]->len);
      g_string_append_len (columns->others[c], columns->pending_others[c]->str,
                           (gssize) columns->pending_others[c]->len);
      g_string_truncate (columns->pending_numbers[c], 0);
      g_string_truncate (columns->pending_others[c], 0);
      columns->missing[c] += columns->pending_missing[c];
      columns->pending_missing[c] = 0;
    }
  g_string_append_printf (columns->widths, "%u ", n_fields);
}

static void
batched_numbers (guint         column,
                 const double *values,
                 gsize         n,
                 guint64       missing,
                 gpointer      user_data)
{
  OffloadTestColumns *columns = user_data;

  g_assert_cmpuint (column, <, OFFLOAD_TEST_FAST);
  g_assert_cmpuint (column, !=, OFFLOAD_TEST_NOT_FAST);
  g_assert_cmpuint (n, <=, OFFLOAD_CSV_BATCH);
  for (gsize i = 0; i < n; i++)
    g_string_append_printf (columns->numbers[column], "N%a ", values[i]);
  columns->missing[column] += missing;
}

static void
batched_records (guint    n_fields,
                 guint64  count,
                 gpointer user_data)
{
  OffloadTestColumns *columns = user_data;

  g_assert_cmpuint (count, >, 0);
  for (guint64 i = 0; i < count; i++)
    g_string_append_printf (columns->widths, "%u ", n_fields);
}

static void
batched_others (const OffloadCsvCell *cells,
                const guint          *cell_columns,
                guint                 n_cells,
                guint                 n_fields,
                gpointer              user_data)
{
  OffloadTestColumns *columns = user_data;

  g_assert_cmpuint (n_cells, >, 0);
  for (guint i = 0; i < n_cells; i++)
    {
      GString *out = columns->others[MIN (cell_columns[i], OFFLOAD_TEST_COLUMNS - 1)];

      g_assert_cmpuint (cell_columns[i], <, n_fields);
      if (i > 0)
        g_assert_cmpuint (cell_columns[i], >, cell_columns[i - 1]);
      g_string_append_printf (out, "O%u:", cell_columns[i]);
      offload_test_digest_cell (out, cells[i].kind, cells[i].value, cells[i].text, cells[i].length);
    }
  g_string_append_printf (columns->widths, "%u ", n_fields);
}

static void
never_called (const OffloadCsvCell *cells,
              guint                 n_cells,
              gpointer              user_data)
{
  g_assert_not_reached ();
}

/**
 * offload_test_batched_records_new:
 * @columns: where what it hands on goes
 *
 * Returns: (transfer full): a reader in batched mode from its first record
 */
OffloadCsvRecords *
offload_test_batched_records_new (OffloadTestColumns *columns)
{
  static const OffloadCsvBatchedFuncs funcs = { batched_numbers, batched_records,
                                                batched_others };
  static const gboolean not_fast[] = { FALSE, FALSE, TRUE };
  OffloadCsvRecords *records = offload_csv_records_new (never_called, NULL);

  G_STATIC_ASSERT (G_N_ELEMENTS (not_fast) == OFFLOAD_TEST_NOT_FAST + 1);
  offload_csv_records_set_batched (records, &funcs, OFFLOAD_TEST_FAST, not_fast,
                                   G_N_ELEMENTS (not_fast), columns);
  return records;
}
