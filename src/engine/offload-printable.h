/* offload-printable.h: text from outside, safe to show
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *offload_printable (const char *text);

G_END_DECLS
