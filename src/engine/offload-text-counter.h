/* offload-text-counter.h: distinct values and the most frequent one
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _OffloadTextCounter OffloadTextCounter;

/* Longer values are told apart by their hash, and shown cut. */
#define OFFLOAD_TEXT_COUNTER_SAMPLE_BYTES 100

/* The bits of a sketch's register index: 2^14 registers at most. */
#define OFFLOAD_TEXT_COUNTER_SKETCH_BITS     14
#define OFFLOAD_TEXT_COUNTER_MIN_SKETCH_BITS 7

guint               offload_text_counter_sketch_bits  (guint                     n_columns);
OffloadTextCounter *offload_text_counter_new          (guint                     max_exact,
                                                       guint                     sketch_bits);
void                offload_text_counter_free         (OffloadTextCounter       *self);
void                offload_text_counter_add          (OffloadTextCounter       *self,
                                                       const char               *text,
                                                       gsize                     length,
                                                       guint64                   position);
void                offload_text_counter_merge        (OffloadTextCounter       *self,
                                                       const OffloadTextCounter *other);
gboolean            offload_text_counter_is_exact     (const OffloadTextCounter *self);
guint64             offload_text_counter_get_distinct (const OffloadTextCounter *self);
const char         *offload_text_counter_get_top      (const OffloadTextCounter *self,
                                                       guint64                  *count);
JsonNode           *offload_text_counter_to_json      (const OffloadTextCounter *self);
OffloadTextCounter *offload_text_counter_from_json    (JsonNode                 *node,
                                                       guint                     max_exact,
                                                       guint                     sketch_bits,
                                                       GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OffloadTextCounter, offload_text_counter_free)

G_END_DECLS
