/* main.c: a known subcommand runs headless, anything else opens the app
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>
#include <unistd.h>

#include "offload-cli.h"
#include "offload-worker-launcher.h"

/* This binary links the engine and GLib, not GTK: a headless command
 * starts in a few milliseconds (12 of the 25 ms of an `offload fetch` of
 * one URL went to loading GTK and libadwaita, which resolve all their
 * symbols at load). The window is offload-gui, in libexecdir, which
 * replaces this process with the same arguments. */
int
main (int   argc,
      char *argv[])
{
  g_autofree char *gui = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* A worker that dies before it has read its plan must not take us with
   * it: a write to its closed pipe is an error to handle, not a signal. */
  signal (SIGPIPE, SIG_IGN);

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
