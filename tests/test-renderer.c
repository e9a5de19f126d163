/* test-renderer.c: GTK's renderer, chosen for a machine without a GPU
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "offload-application.h"

/* Cairo where GTK's GL renderer would run on the CPU (no render node, or
 * software GL asked for); GTK's own choice where there is a GPU; the
 * user's choice always. */
static void
test_pick (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("offload-dri-XXXXXX", &error);
  g_autofree char *card = NULL;
  g_autofree char *node = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (offload_application_pick_renderer (NULL, NULL, dir), ==, "cairo");
  g_assert_cmpstr (offload_application_pick_renderer (NULL, NULL, "/nonexistent"), ==, "cairo");

  /* A display controller only (card0) is no GPU to render with. */
  card = g_build_filename (dir, "card0", NULL);
  g_assert_true (g_file_set_contents (card, "", 0, NULL));
  g_assert_cmpstr (offload_application_pick_renderer (NULL, NULL, dir), ==, "cairo");

  node = g_build_filename (dir, "renderD128", NULL);
  g_assert_true (g_file_set_contents (node, "", 0, NULL));
  g_assert_null (offload_application_pick_renderer (NULL, NULL, dir));
  g_assert_null (offload_application_pick_renderer ("", NULL, dir));
  g_assert_cmpstr (offload_application_pick_renderer (NULL, "1", dir), ==, "cairo");
  g_assert_null (offload_application_pick_renderer (NULL, "0", dir));

  g_assert_null (offload_application_pick_renderer ("ngl", NULL, "/nonexistent"));
  g_assert_null (offload_application_pick_renderer ("gl", "1", dir));

  g_unlink (node);
  g_unlink (card);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/offload/renderer/pick", test_pick);

  return g_test_run ();
}
