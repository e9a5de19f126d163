/* offload-crunch-column-item.c: one column of a crunch result, as a list item
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "offload-crunch-column-item.h"

/* List models hold objects; a result is a boxed struct. An item holds a
 * reference on the result and points into it, so the column view never
 * copies statistics and a result lives as long as any row shows it. */

struct _OffloadCrunchColumnItem
{
  GObject              parent_instance;

  OffloadCrunchResult *result;
  guint                index;
};

enum {
  PROP_0,
  PROP_NAME,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (OffloadCrunchColumnItem, offload_crunch_column_item, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
offload_crunch_column_item_finalize (GObject *object)
{
  OffloadCrunchColumnItem *self = (OffloadCrunchColumnItem *)object;

  g_clear_pointer (&self->result, offload_crunch_result_unref);

  G_OBJECT_CLASS (offload_crunch_column_item_parent_class)->finalize (object);
}

static void
offload_crunch_column_item_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  OffloadCrunchColumnItem *self = OFFLOAD_CRUNCH_COLUMN_ITEM (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, offload_crunch_column_item_get_name (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
offload_crunch_column_item_class_init (OffloadCrunchColumnItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = offload_crunch_column_item_finalize;
  object_class->get_property = offload_crunch_column_item_get_property;

  /**
   * OffloadCrunchColumnItem:name:
   *
   * The column's name, from the header row.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
offload_crunch_column_item_init (OffloadCrunchColumnItem *self)
{
}

/**
 * offload_crunch_column_item_new:
 * @result: a crunch result
 * @index: one of its columns
 *
 * Returns: (transfer full): an item for that column
 */
OffloadCrunchColumnItem *
offload_crunch_column_item_new (OffloadCrunchResult *result,
                                guint                index)
{
  OffloadCrunchColumnItem *self;

  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (index < result->columns->len, NULL);

  self = g_object_new (OFFLOAD_TYPE_CRUNCH_COLUMN_ITEM, NULL);
  self->result = offload_crunch_result_ref (result);
  self->index = index;

  return self;
}

/**
 * offload_crunch_column_item_get_index:
 * @self: an item
 *
 * Returns: the column's place in the file, from 0
 */
guint
offload_crunch_column_item_get_index (OffloadCrunchColumnItem *self)
{
  g_return_val_if_fail (OFFLOAD_IS_CRUNCH_COLUMN_ITEM (self), 0);

  return self->index;
}

/**
 * offload_crunch_column_item_get_column:
 * @self: an item
 *
 * Returns: (transfer none): the column's statistics, owned by the result
 */
const OffloadCrunchColumn *
offload_crunch_column_item_get_column (OffloadCrunchColumnItem *self)
{
  g_return_val_if_fail (OFFLOAD_IS_CRUNCH_COLUMN_ITEM (self), NULL);

  return g_ptr_array_index (self->result->columns, self->index);
}

/**
 * offload_crunch_column_item_get_name:
 * @self: an item
 *
 * Returns: (transfer none): the column's name
 */
const char *
offload_crunch_column_item_get_name (OffloadCrunchColumnItem *self)
{
  g_return_val_if_fail (OFFLOAD_IS_CRUNCH_COLUMN_ITEM (self), NULL);

  return offload_crunch_column_item_get_column (self)->name;
}
