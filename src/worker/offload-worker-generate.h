/* offload-worker-generate.h: the worker's `generate` mode
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int offload_worker_generate      (const char  *path,
                                  guint64      rows,
                                  guint64      seed);
int offload_worker_generate_main (int          argc,
                                  char       **argv);

G_END_DECLS
