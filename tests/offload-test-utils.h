/* offload-test-utils.h: what several tests need
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef gboolean (*OffloadTestCondition) (gpointer data);

void offload_test_wait_for (OffloadTestCondition  condition,
                            gpointer              data,
                            const char           *what);

G_END_DECLS
