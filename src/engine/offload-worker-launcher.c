/* offload-worker-launcher.c: where offload-worker is, and starting it
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "offload-worker-launcher.h"

/* The worker lives in libexecdir, never on PATH. It is found, in order:
 * through OFFLOAD_WORKER_BINARY (tests, benchmarks); beside the running
 * binary in the build tree (src/offload -> src/worker/offload-worker); in
 * the libexecdir of the prefix the running binary is installed in, so a
 * relocated install and a Flatpak's /app work; in the configured
 * LIBEXECDIR. */

static char *
find_worker (void)
{
  const char *from_env = g_getenv ("OFFLOAD_WORKER_BINARY");
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);

  if (from_env != NULL && *from_env != '\0')
    return g_strdup (from_env);

  if (self != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self);
      g_autofree char *in_tree = g_build_filename (dir, "worker", "offload-worker", NULL);
      g_autofree char *prefix = g_path_get_dirname (dir);
      g_autofree char *relocated = NULL;

      if (g_file_test (in_tree, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&in_tree);

      /* bin/offload -> libexec/offload-worker, with the configured names. */
      if (g_str_has_prefix (LIBEXECDIR, PREFIX "/"))
        {
          relocated = g_build_filename (prefix, LIBEXECDIR + strlen (PREFIX) + 1,
                                        "offload-worker", NULL);
          if (g_file_test (relocated, G_FILE_TEST_IS_EXECUTABLE))
            return g_steal_pointer (&relocated);
        }
    }

  return g_build_filename (LIBEXECDIR, "offload-worker", NULL);
}

/**
 * offload_worker_launcher_get_path:
 *
 * Returns: (transfer none): the worker binary's path, found once
 */
const char *
offload_worker_launcher_get_path (void)
{
  static char *path;
  static gsize found;

  if (g_once_init_enter (&found))
    {
      path = find_worker ();
      g_once_init_leave (&found, 1);
    }

  return path;
}

/**
 * offload_worker_launcher_spawn:
 * @args: (array zero-terminated=1): the worker's arguments, without the
 *   binary itself
 * @stdin_fd: a file for its standard input (taken), or -1 for none
 * @error: where a failure to start goes
 *
 * Starts the worker directly (no shell, whose children would be orphaned
 * on cancel), with pipes for its standard output and error. Call from the
 * main thread: the worker dies with the thread that started it.
 *
 * Returns: (transfer full): the process, or %NULL
 */
GSubprocess *
offload_worker_launcher_spawn (const char * const  *args,
                               int                  stdin_fd,
                               GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  /* Descriptors inherited, and no child setup: GLib then starts the
   * worker with posix_spawn() (vfork and exec) instead of a fork that
   * copies the app's page tables and makes its every page copy-on-write
   * until the child has exec'd; 8 % of a crunch's time went to that. The
   * worker closes what it inherits first thing. */
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE
                           | G_SUBPROCESS_FLAGS_INHERIT_FDS;

  g_return_val_if_fail (args != NULL, NULL);

  g_ptr_array_add (argv, (gpointer) offload_worker_launcher_get_path ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (flags);
  if (stdin_fd >= 0)
    g_subprocess_launcher_take_stdin_fd (launcher, stdin_fd);
  /* Messages in the app's language; numbers in the C locale regardless. */
  return g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
}
