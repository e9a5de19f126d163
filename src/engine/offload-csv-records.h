/* offload-csv-records.h: whole CSV records from a buffer, cells classified
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "offload-csv.h"
#include "offload-number.h"

G_BEGIN_DECLS

/**
 * OffloadCsvCell:
 * @text: the cell's bytes, quotes removed and doubled quotes undone;
 *   valid during the record callback only
 * @length: how many
 * @kind: what pandas makes of them
 * @value: the number, for %OFFLOAD_CELL_NUMBER
 */
typedef struct
{
  const char      *text;
  gsize            length;
  OffloadCellKind  kind;
  double           value;
} OffloadCsvCell;

/**
 * OffloadCsvRecordCellsFunc:
 * @cells: (array length=n_cells): the record's cells, in order
 * @n_cells: how many (at least one)
 * @user_data: the reader's
 */
typedef void (*OffloadCsvRecordCellsFunc) (const OffloadCsvCell *cells,
                                           guint                 n_cells,
                                           gpointer              user_data);

/**
 * OffloadCsvBatchedFuncs:
 * @numbers: a batch of a fast column's numbers, in the file's order, and
 *   the missing cells counted in the column since its last batch
 * @records: @count records in a row, each of @n_fields fields, all of
 *   whose cells went to batches
 * @others: a record's other cells (text, a number or a missing cell of a
 *   column that is not fast, any cell past the fast columns), with their
 *   columns; @n_fields is the record's width
 *
 * What a reader in batched mode hands on, in the file's order: the
 * records that @records counts come before the next @others.
 */
typedef struct
{
  void (*numbers) (guint         column,
                   const double *values,
                   gsize         n,
                   guint64       missing,
                   gpointer      user_data);
  void (*records) (guint         n_fields,
                   guint64       count,
                   gpointer      user_data);
  void (*others)  (const OffloadCsvCell *cells,
                   const guint          *columns,
                   guint                 n_cells,
                   guint                 n_fields,
                   gpointer              user_data);
} OffloadCsvBatchedFuncs;

/* Numbers a column's batch holds. */
#define OFFLOAD_CSV_BATCH 256

typedef struct _OffloadCsvRecords OffloadCsvRecords;

OffloadCsvRecords *offload_csv_records_new          (OffloadCsvRecordCellsFunc  func,
                                                     gpointer                   user_data);
void               offload_csv_records_free         (OffloadCsvRecords         *self);
gsize              offload_csv_records_read         (OffloadCsvRecords         *self,
                                                     const char                *data,
                                                     gsize                      length,
                                                     gsize                      limit);
gboolean           offload_csv_records_is_irregular (OffloadCsvRecords         *self);
guint64            offload_csv_records_get_records  (OffloadCsvRecords         *self);
OffloadCsvParser  *offload_csv_records_get_parser   (OffloadCsvRecords         *self);
gboolean           offload_csv_records_read_text    (OffloadCsvRecords         *self,
                                                     const char                *data,
                                                     gsize                      length,
                                                     gsize                      window);
void               offload_csv_records_set_batched  (OffloadCsvRecords            *self,
                                                     const OffloadCsvBatchedFuncs *funcs,
                                                     guint                         n_fast,
                                                     const gboolean               *not_fast,
                                                     guint                         n_not_fast,
                                                     gpointer                      user_data);
void               offload_csv_records_flush        (OffloadCsvRecords         *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OffloadCsvRecords, offload_csv_records_free)

G_END_DECLS
