/* offload-sample-data.h: the deterministic sample CSV dataset
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The columns of the header row, in order. */
#define OFFLOAD_SAMPLE_DATA_N_COLUMNS 10

/* What /csv and `offload generate` use when no seed is given. */
#define OFFLOAD_SAMPLE_DATA_DEFAULT_SEED G_GUINT64_CONSTANT (42)

void offload_sample_data_append_header (GString *out);
void offload_sample_data_append_row    (GString *out,
                                        guint64  row_index,
                                        guint64  seed);

G_END_DECLS
