/* offload-gui.c: the window, a binary of its own that offload starts
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "offload-application.h"
#include "offload-cli.h"

/* `offload` runs the headless commands itself and execs this for anything
 * else, with its own arguments (argv[0] stays "offload", and with it the
 * program's name). GTK and libadwaita are loaded here only: their
 * libraries took 12 of the 22 ms of an `offload fetch` of one URL. */
int
main (int   argc,
      char *argv[])
{
  g_autoptr(OffloadApplication) app = NULL;
  g_autofree char *commands = NULL;

  offload_cli_init_process ();

  /* Started by hand, it still runs the commands. */
  if (argc > 1 && offload_cli_is_command (argv[1]))
    return offload_cli_run (argc - 1, argv + 1);

  offload_application_choose_renderer ();
  app = offload_application_new ();
  commands = offload_cli_describe ();
  g_application_set_option_context_parameter_string (G_APPLICATION (app),
                                                     _("[COMMAND … | FILE.csv]"));
  g_application_set_option_context_summary (G_APPLICATION (app),
                                            _("Keep a GUI responsive while heavy work runs."));
  g_application_set_option_context_description (G_APPLICATION (app), commands);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
