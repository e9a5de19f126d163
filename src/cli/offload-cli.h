/* offload-cli.h: the headless subcommands
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

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

/* Ctrl+C and SIGTERM cancel a command's work; the exit status then says
 * which stopped it, as a shell's does (130, 143). */
typedef struct
{
  GCancellable *cancellable;
  int           signal;        /* the first one received, or 0 */
  guint         sources[2];
} OffloadCliStop;

void      offload_cli_stop_watch   (OffloadCliStop *stop,
                                    GCancellable   *cancellable);
void      offload_cli_stop_unwatch (OffloadCliStop *stop);
int       offload_cli_stop_status  (const OffloadCliStop *stop,
                                    int                   status);

gboolean  offload_cli_output_closed (void);
void      offload_cli_show_progress (const char *text);
guint     offload_cli_text_width   (const char *text);
char     *offload_cli_cell         (const char *text,
                                    guint       width,
                                    gboolean    left,
                                    gboolean    cut);

G_END_DECLS
