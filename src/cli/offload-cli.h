/* offload-cli.h: the headless subcommands
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes shared by every subcommand. */
#define OFFLOAD_EXIT_OK     0
#define OFFLOAD_EXIT_FAILED 1
#define OFFLOAD_EXIT_USAGE  2

void      offload_cli_init_process (void);
gboolean  offload_cli_is_command (const char  *name);
int       offload_cli_run        (int          argc,
                                  char       **argv);
char     *offload_cli_describe   (void);

G_END_DECLS
