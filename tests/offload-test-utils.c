/* offload-test-utils.c: what several tests need
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "offload-test-utils.h"

/* A condition that never comes true fails the test instead of hanging it.
 * Generous: this is a guard against hangs, not a timing threshold. */
#define GUARD_SECONDS 90

static gboolean
on_guard (gpointer user_data)
{
  g_error ("timed out waiting for %s", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
on_poll (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/**
 * offload_test_wait_for:
 * @condition: what to wait for
 * @data: for @condition
 * @what: what it is, for the failure message
 *
 * Iterates the default main context until @condition is true. Some
 * conditions are pulled (progress), not signalled, so it also wakes up
 * every 10 ms to look again.
 */
void
offload_test_wait_for (OffloadTestCondition  condition,
                       gpointer              data,
                       const char           *what)
{
  guint guard = g_timeout_add_seconds (GUARD_SECONDS, on_guard, (gpointer) what);
  guint poll = g_timeout_add (10, on_poll, NULL);

  while (!condition (data))
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (poll);
  g_source_remove (guard);
}
