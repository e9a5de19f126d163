/* offload-worker-launcher.c: where the helpers are, and starting the worker
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "offload-worker-launcher.h"

/**
 * offload_launcher_find_helper:
 * @name: the helper's file name, as installed in libexecdir
 * @tree_dir: its folder under src/ in the build tree
 * @env_var: a variable that may name it (tests, benchmarks)
 *
 * The helpers (the worker, the window) live in libexecdir, never on PATH.
 * A helper is found, in order: through @env_var; in the build tree, from
 * src/offload (src/@tree_dir/@name) or from another helper
 * (src/x/../@tree_dir/@name); beside the running binary, as helpers are to
 * each other once installed; in the libexecdir of the prefix the running
 * binary is installed in, so a relocated install and a Flatpak's /app
 * work; in the configured LIBEXECDIR.
 *
 * Returns: (transfer full): the helper's path, which may not exist
 */
char *
offload_launcher_find_helper (const char *name,
                              const char *tree_dir,
                              const char *env_var)
{
  const char *from_env = g_getenv (env_var);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);

  g_return_val_if_fail (name != NULL && tree_dir != NULL && env_var != NULL, NULL);

  if (from_env != NULL && *from_env != '\0')
    return g_strdup (from_env);

  if (self != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self);
      g_autofree char *prefix = g_path_get_dirname (dir);
      const char *candidates[] = { NULL, NULL, NULL, NULL };
      g_autofree char *in_tree = g_build_filename (dir, tree_dir, name, NULL);
      g_autofree char *from_helper = g_build_filename (prefix, tree_dir, name, NULL);
      g_autofree char *beside = g_build_filename (dir, name, NULL);
      g_autofree char *relocated = NULL;

      /* bin/offload -> libexec/NAME, with the configured names. */
      if (g_str_has_prefix (LIBEXECDIR, PREFIX "/"))
        relocated = g_build_filename (prefix, &LIBEXECDIR[strlen (PREFIX) + 1], name, NULL);

      candidates[0] = in_tree;
      candidates[1] = from_helper;
      candidates[2] = beside;
      candidates[3] = relocated;
      for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
        if (candidates[i] != NULL && g_file_test (candidates[i], G_FILE_TEST_IS_EXECUTABLE)
            && !g_file_test (candidates[i], G_FILE_TEST_IS_DIR))
          return g_strdup (candidates[i]);
    }

  return g_build_filename (LIBEXECDIR, name, NULL);
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
      path = offload_launcher_find_helper ("offload-worker", "worker", "OFFLOAD_WORKER_BINARY");
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
