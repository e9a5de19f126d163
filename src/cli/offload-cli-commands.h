/* offload-cli-commands.h: the subcommands, one file each
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int offload_cli_crunch      (int    argc,
                             char **argv);
int offload_cli_demo_server (int    argc,
                             char **argv);
int offload_cli_fetch       (int    argc,
                             char **argv);
int offload_cli_generate    (int    argc,
                             char **argv);

G_END_DECLS
