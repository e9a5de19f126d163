/* offload-crunch-column-item.h: one column of a crunch result, as a list item
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "offload-crunch-result.h"

G_BEGIN_DECLS

#define OFFLOAD_TYPE_CRUNCH_COLUMN_ITEM (offload_crunch_column_item_get_type ())

G_DECLARE_FINAL_TYPE (OffloadCrunchColumnItem, offload_crunch_column_item,
                      OFFLOAD, CRUNCH_COLUMN_ITEM, GObject)

OffloadCrunchColumnItem   *offload_crunch_column_item_new        (OffloadCrunchResult     *result,
                                                                  guint                    index);
guint                      offload_crunch_column_item_get_index  (OffloadCrunchColumnItem *self);
const OffloadCrunchColumn *offload_crunch_column_item_get_column (OffloadCrunchColumnItem *self);
const char                *offload_crunch_column_item_get_name   (OffloadCrunchColumnItem *self);

G_END_DECLS
