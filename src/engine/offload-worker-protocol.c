/* offload-worker-protocol.c: what offload-worker says on its standard output
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "offload-worker-protocol.h"
#include "offload-json.h"

/* json-glib parses recursively, and a line of 100,000 '[' overflows the
 * stack: a real message is a few levels deep, so deeper is garbage. */
#define MAX_DEPTH 8

static gboolean
depth_ok (const char *json)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (const char *p = json; *p != '\0'; p++)
    {
      if (in_string)
        {
          if (*p == '\\' && p[1] != '\0')
            p++;
          else if (*p == '"')
            in_string = FALSE;
        }
      else if (*p == '"')
        in_string = TRUE;
      else if (*p == '[' || *p == '{')
        {
          if (++depth > MAX_DEPTH)
            return FALSE;
        }
      else if ((*p == ']' || *p == '}') && depth > 0)
        depth--;
    }

  return TRUE;
}

static const char * const words[] = {
  [OFFLOAD_WORKER_PROGRESS] = "progress",
  [OFFLOAD_WORKER_RESULT] = "result",
  [OFFLOAD_WORKER_ERROR] = "error",
};

/**
 * offload_worker_write_line:
 * @message: what kind of message
 * @payload: (transfer full): a JSON object, freed before the line is
 *   written
 * @out: where to
 *
 * Writes "WORD {json}" and a newline (json-glib escapes newlines inside
 * strings: one message, one line), without a copy of the line: a wide
 * file's result is tens of MiB, and a worker's memory holds the tree,
 * then the text, never both with a third copy.
 *
 * Returns: whether it was written
 */
gboolean
offload_worker_write_line (OffloadWorkerMessage  message,
                           JsonNode             *payload,
                           FILE                 *out)
{
  g_autoptr(JsonNode) owned = payload;
  g_autofree char *json = NULL;

  g_return_val_if_fail (message <= OFFLOAD_WORKER_ERROR, FALSE);
  g_return_val_if_fail (payload != NULL && JSON_NODE_HOLDS_OBJECT (payload), FALSE);

  json = offload_json_to_string (owned, FALSE);
  g_clear_pointer (&owned, json_node_unref);
  return fputs (words[message], out) >= 0 && fputc (' ', out) != EOF && fputs (json, out) >= 0
         && fputc ('\n', out) != EOF && fflush (out) == 0;
}

/**
 * offload_worker_parse_line:
 * @line: one line, without its newline
 * @message: (out): what kind of message
 * @payload: (out) (transfer full): its JSON object
 * @error: why the line is not a message (a worker printing garbage)
 *
 * Returns: whether @line is a message
 */
gboolean
offload_worker_parse_line (const char            *line,
                           OffloadWorkerMessage  *message,
                           JsonNode             **payload,
                           GError               **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) json_error = NULL;
  const char *space;
  gsize length;

  g_return_val_if_fail (line != NULL, FALSE);
  g_return_val_if_fail (message != NULL && payload != NULL, FALSE);

  length = strlen (line);
  if (length > OFFLOAD_WORKER_MAX_LINE || !g_utf8_validate (line, (gssize) length, NULL))
    goto garbage;

  space = strchr (line, ' ');
  if (space == NULL)
    goto garbage;

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      if (strlen (words[i]) != (gsize) (space - line) || strncmp (line, words[i], space - line) != 0)
        continue;

      if (!depth_ok (space + 1))
        goto garbage;
      node = json_from_string (space + 1, &json_error);
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        goto garbage;

      *message = (OffloadWorkerMessage) i;
      *payload = g_steal_pointer (&node);
      return TRUE;
    }

garbage:
  {
    g_autofree char *start = g_utf8_make_valid (line, MIN (length, 80));

    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 _("The worker printed something that is not a message: “%s%s”"),
                 start, length > 80 ? "…" : "");
    return FALSE;
  }
}
