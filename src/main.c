/* main.c: a known subcommand runs headless, anything else opens the app
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <unistd.h>

#include "offload-cli.h"
#include "offload-worker-launcher.h"

/* This binary links the engine and GLib, not GTK: a headless command
 * starts in a few milliseconds (12 of the 22 ms of an `offload fetch` of
 * one URL went to loading GTK and libadwaita, which resolve all their
 * symbols at load). The window is offload-gui, in libexecdir, which
 * replaces this process with the same arguments. */
int
main (int   argc,
      char *argv[])
{
  g_autofree char *gui = NULL;

  offload_cli_init_process ();

  if (argc > 1 && offload_cli_is_command (argv[1]))
    return offload_cli_run (argc - 1, argv + 1);

  gui = offload_launcher_find_helper ("offload-gui", "app", "OFFLOAD_GUI_BINARY");
  execv (gui, argv);

  {
    int saved = errno;

    g_printerr (_("Offload cannot open its window: %s could not be started (%s). Install "
                  "Offload, or run it from a build tree with build-aux/dev run.\n"),
                gui, g_strerror (saved));
  }
  return 1;
}
