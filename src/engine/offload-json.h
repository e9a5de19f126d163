/* offload-json.h: JSON as the workers and the exports write and read it
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <math.h>

G_BEGIN_DECLS

char *offload_json_to_string    (JsonNode *node,
                                 gboolean  pretty);
void  offload_json_fix_numbers  (char     *text);
char *offload_json_to_display_string (JsonNode *node,
                                      gboolean  pretty);

/* What a worker prints is checked, whatever it prints: each reads one
 * member of an object and says FALSE when it is missing or of another
 * kind. */

static inline gboolean
offload_json_member_count (JsonObject *object,
                           const char *name,
                           guint64    *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) < 0)
    return FALSE;
  *value = (guint64) json_node_get_int (node);
  return TRUE;
}

static inline gboolean
offload_json_member_finite (JsonObject *object,
                            const char *name,
                            double     *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    *value = json_node_get_double (node);
  else if (json_node_get_value_type (node) == G_TYPE_INT64)
    *value = (double) json_node_get_int (node);
  else
    return FALSE;
  return isfinite (*value);
}

static inline gboolean
offload_json_member_bool (JsonObject *object,
                          const char *name,
                          gboolean   *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  *value = json_node_get_boolean (node);
  return TRUE;
}

/* NULL when missing or no string. */
static inline const char *
offload_json_member_text (JsonObject *object,
                          const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

G_END_DECLS
