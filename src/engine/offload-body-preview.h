/* offload-body-preview.h: a readable preview of a response body
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* How much of a body is kept for the preview; the rest is only counted. */
#define OFFLOAD_PREVIEW_MAX_BYTES (256 * 1024)
/* A hex view of more than this is unreadable anyway (and 12 KiB of hex
 * fits the 64 KiB the details view shows). */
#define OFFLOAD_PREVIEW_MAX_HEX_BYTES (12 * 1024)

typedef enum {
  OFFLOAD_PREVIEW_NONE,
  OFFLOAD_PREVIEW_JSON,
  OFFLOAD_PREVIEW_TEXT,
  OFFLOAD_PREVIEW_HEX,
} OffloadPreviewKind;

GType  offload_preview_kind_get_type (void) G_GNUC_CONST;
#define OFFLOAD_TYPE_PREVIEW_KIND (offload_preview_kind_get_type ())

char  *offload_body_preview (const guint8       *data,
                             gsize               length,
                             gboolean            complete,
                             const char         *content_type,
                             OffloadPreviewKind *kind);
GString *offload_preview_break_lines (const char *text,
                                      gsize       length,
                                      guint       max_chars);

G_END_DECLS
