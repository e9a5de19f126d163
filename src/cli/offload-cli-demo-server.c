/* offload-cli-demo-server.c: `offload demo-server`
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdio.h>

#include "offload-cli.h"
#include "offload-cli-commands.h"
#include "offload-demo-server.h"

static gboolean
on_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* Runs the demo server in the foreground until Ctrl+C or SIGTERM. The
 * first line on stdout is the base URL alone, so scripts can read it. */
int
offload_cli_demo_server (int    argc,
                         char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(OffloadDemoServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  int port = 0;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      N_("Listen on this port (default: a free one)"), N_("PORT") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Run the built-in demo server on 127.0.0.1 until interrupted.\n"
                                  "Endpoints: /delay/MS, /bytes/N, /status/CODE, /stall, /reset,\n"
                                  "/redirect/N, /redirect-loop, /json/records?n=N, /csv?rows=N."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("offload demo-server: %s\n", error->message);
      return OFFLOAD_EXIT_USAGE;
    }
  if (argc > 1)
    {
      g_printerr (_("offload demo-server: unexpected argument “%s”\n"), argv[1]);
      return OFFLOAD_EXIT_USAGE;
    }
  if (port < 0 || port > 65535)
    {
      g_printerr (_("offload demo-server: the port must be between 0 and 65535\n"));
      return OFFLOAD_EXIT_USAGE;
    }

  server = offload_demo_server_new ();
  if (!offload_demo_server_start (server, (guint) port, &error))
    {
      g_printerr (_("offload demo-server: could not start: %s\n"), error->message);
      return OFFLOAD_EXIT_FAILED;
    }

  g_print ("%s\n", offload_demo_server_get_base_url (server));
  fflush (stdout);
  g_printerr (_("Demo server running; press Ctrl+C to stop it.\n"));

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_main_loop_run (loop);

  offload_demo_server_stop (server);

  return OFFLOAD_EXIT_OK;
}
