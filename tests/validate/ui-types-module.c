/* ui-types-module.c: lets gtk4-builder-tool see Offload's and libadwaita's types
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* gtk4-builder-tool validate finds a child's type lazily, by looking up
 * "offload_hud_get_type" and the like in the process, so with this module
 * (which holds the app's objects) and libadwaita preloaded it checks our
 * templates against the real classes. A template's own parent class must
 * already be registered, which the tool does not do for libadwaita; this
 * constructor does. */

#include <adwaita.h>

static void ensure_template_parents (void) __attribute__ ((constructor));

static void
ensure_template_parents (void)
{
  g_type_ensure (ADW_TYPE_APPLICATION_WINDOW);
  g_type_ensure (ADW_TYPE_PREFERENCES_WINDOW);
}
