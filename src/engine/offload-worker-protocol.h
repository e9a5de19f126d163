/* offload-worker-protocol.h: what offload-worker says on its standard output
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdio.h>

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * OffloadWorkerMessage:
 * @OFFLOAD_WORKER_PROGRESS: `progress {"bytes": N}`: bytes of the chunk
 *   done so far, at most about ten times a second
 * @OFFLOAD_WORKER_RESULT: `result {...}`: the chunk's result, the last line
 * @OFFLOAD_WORKER_ERROR: `error {"message": "..."}`: why there is no result
 *
 * One message a line: a word, a space, a JSON object. Both sides share
 * this code, so they cannot disagree on the format.
 */
typedef enum {
  OFFLOAD_WORKER_PROGRESS,
  OFFLOAD_WORKER_RESULT,
  OFFLOAD_WORKER_ERROR,
} OffloadWorkerMessage;

/* Longer lines are garbage, whatever they hold: bounded memory in the
 * parent, whatever a broken worker prints. */
#define OFFLOAD_WORKER_MAX_LINE (64 * 1024 * 1024)

gboolean  offload_worker_write_line  (OffloadWorkerMessage   message,
                                      JsonNode              *payload,
                                      FILE                  *out);
gboolean  offload_worker_parse_line  (const char            *line,
                                      OffloadWorkerMessage  *message,
                                      JsonNode             **payload,
                                      GError               **error);

G_END_DECLS
