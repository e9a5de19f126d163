/* offload-number.h: CSV cells as pandas reads them, numbers parsed exactly
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  OFFLOAD_CELL_MISSING,   /* empty, or one of pandas' default NA strings */
  OFFLOAD_CELL_NUMBER,    /* a decimal number, an exponent, inf or -inf */
  OFFLOAD_CELL_TEXT,      /* anything else */
} OffloadCellKind;

gboolean        offload_number_parse  (const char *text,
                                       gsize       length,
                                       double     *value);
gboolean        offload_cell_is_na    (const char *text,
                                       gsize       length);
OffloadCellKind offload_cell_classify (const char *text,
                                       gsize       length,
                                       double     *value);
int             offload_number_shortest_digits (double value,
                                                int    max_digits);
int             offload_number_whole_digits    (double value,
                                                int    digits,
                                                int    max_exponent);

G_END_DECLS
