/* offload-csv.h: RFC 4180 records from any byte range of a file
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * OffloadCsvFieldFunc:
 * @column: 0 for the first field of a record
 * @data: (array length=length): the field's bytes, quotes removed and
 *   doubled quotes undone; valid only during the call
 * @length: how many
 * @quoted: whether the field was quoted
 * @user_data: the parser's user data
 */
typedef void (*OffloadCsvFieldFunc)  (guint       column,
                                      const char *data,
                                      gsize       length,
                                      gboolean    quoted,
                                      gpointer    user_data);
/**
 * OffloadCsvRecordFunc:
 * @n_fields: how many fields the record had
 * @user_data: the parser's user data
 *
 * Called after the last field of each record. Blank lines are not records.
 */
typedef void (*OffloadCsvRecordFunc) (guint       n_fields,
                                      gpointer    user_data);

typedef enum {
  OFFLOAD_CSV_ERROR_FIELD_TOO_LARGE,
  OFFLOAD_CSV_ERROR_UNCLOSED_QUOTE,
} OffloadCsvError;

#define OFFLOAD_CSV_ERROR (offload_csv_error_quark ())
GQuark offload_csv_error_quark (void);

typedef struct _OffloadCsvParser OffloadCsvParser;

OffloadCsvParser *offload_csv_parser_new    (OffloadCsvFieldFunc   field_func,
                                             OffloadCsvRecordFunc  record_func,
                                             gpointer              user_data);
void              offload_csv_parser_free   (OffloadCsvParser     *self);
gsize             offload_csv_parser_feed   (OffloadCsvParser     *self,
                                             const char           *data,
                                             gsize                 length,
                                             gboolean              stop_after_record);
void              offload_csv_parser_finish (OffloadCsvParser     *self);
gboolean          offload_csv_parser_in_record (OffloadCsvParser *self);
gboolean          offload_csv_parser_is_irregular (OffloadCsvParser *self);
const GError     *offload_csv_parser_get_error (OffloadCsvParser *self);
guint64           offload_csv_parser_get_records (OffloadCsvParser *self);

guint64           offload_csv_count_quotes  (const char           *data,
                                             gsize                 length);
void              offload_csv_count_quotes_and_nul (const char     *data,
                                                    gsize           length,
                                                    guint64        *quotes,
                                                    gsize          *first_nul);
gboolean          offload_csv_find_record_start (const char       *data,
                                                 gsize             length,
                                                 gboolean          in_quotes,
                                                 gsize            *offset);
gsize             offload_csv_skip_bom      (const char           *data,
                                             gsize                 length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OffloadCsvParser, offload_csv_parser_free)

G_END_DECLS
