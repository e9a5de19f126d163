/* offload-test-batched.h: what a batched reader hands on, and a reference
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "offload-csv.h"
#include "offload-csv-records.h"

G_BEGIN_DECLS

/* Columns 0 to 4 may be fast, but for column 2; columns from 7 on are
 * digested together in the last. */
#define OFFLOAD_TEST_COLUMNS  8
#define OFFLOAD_TEST_FAST     5
#define OFFLOAD_TEST_NOT_FAST 2

/**
 * OffloadTestColumns:
 *
 * What a batched reader hands on, column by column: the numbers and the
 * missing cells of the fast columns, every other cell, and the records'
 * widths, each in the file's order; or the same sorted out of a push
 * parser's fields, as the reference.
 */
typedef struct
{
  GString *numbers[OFFLOAD_TEST_COLUMNS];
  guint64  missing[OFFLOAD_TEST_COLUMNS];
  GString *others[OFFLOAD_TEST_COLUMNS];
  GString *widths;
  /* The reference's record being read. */
  GString *pending_numbers[OFFLOAD_TEST_COLUMNS];
  GString *pending_others[OFFLOAD_TEST_COLUMNS];
  guint64  pending_missing[OFFLOAD_TEST_COLUMNS];
} OffloadTestColumns;

void               offload_test_columns_init         (OffloadTestColumns *columns);
void               offload_test_columns_clear        (OffloadTestColumns *columns);
void               offload_test_columns_assert_equal (OffloadTestColumns *a,
                                                      OffloadTestColumns *b);
void               offload_test_digest_cell          (GString            *digest,
                                                      OffloadCellKind     kind,
                                                      double              value,
                                                      const char         *text,
                                                      gsize               length);
void               offload_test_reference_field      (guint               column,
                                                      const char         *data,
                                                      gsize               length,
                                                      gboolean            quoted,
                                                      gpointer            user_data);
void               offload_test_reference_record     (guint               n_fields,
                                                      gpointer            user_data);
OffloadCsvRecords *offload_test_batched_records_new  (OffloadTestColumns *columns);

G_END_DECLS
