/* offload-worker-launcher.h: where the helpers are, and starting the worker
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char        *offload_launcher_find_helper     (const char          *name,
                                               const char          *tree_dir,
                                               const char          *env_var);
const char  *offload_worker_launcher_get_path (void);
GSubprocess *offload_worker_launcher_spawn    (const char * const  *args,
                                               int                  stdin_fd,
                                               GError             **error);

G_END_DECLS
