/* replay.c: runs a fuzz target over its seed corpus, as a plain test
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  guint n = 0;

  if (argc != 2)
    g_error ("usage: %s CORPUS-DIRECTORY", argv[0]);

  dir = g_dir_open (argv[1], 0, &error);
  g_assert_no_error (error);

  g_print ("1..1\n");
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (argv[1], name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      g_file_get_contents (path, &contents, &length, &error);
      g_assert_no_error (error);
      LLVMFuzzerTestOneInput ((const guint8 *) contents, length);
      n++;
    }

  g_assert_cmpuint (n, >, 0);
  g_print ("ok 1 %u inputs replayed\n", n);
  return 0;
}
