/* fuzz-worker-output.c: what the app makes of anything a worker prints
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "offload-chunk-stats.h"
#include "offload-crunch-merger.h"
#include "offload-crunch-result.h"
#include "offload-json.h"
#include "offload-pilot.h"
#include "offload-refine.h"
#include "offload-worker-protocol.h"

/* A worker that prints garbage must never take the app down, nor make it
 * allocate without bound: its lines go through the parser of the line
 * protocol, and a result through the decoders and the merger the app's
 * merge thread runs. The input's first line is a plan, as the app writes
 * it on a worker's standard input (which the worker decodes the same
 * way); every other line is something a worker printed: a sample's
 * summary, a chunk's result, a later pass's counts, progress, an error.
 *
 * Checks, for any input: no crash or sanitizer report; a decoder that
 * says no sets an error; a line that parses is written back by the
 * protocol's encoder to a line that parses to the same message. */

static OffloadRefinePlan *
plan_from_line (const char *line)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  OffloadRefinePlan *plan;

  node = json_from_string (line, &error);
  if (node == NULL)
    return NULL;
  plan = offload_refine_plan_from_json (node, &error);
  g_assert (plan != NULL || error != NULL);
  return plan;
}

static gboolean
all_finite (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, NULL, &member))
          if (!all_finite (member))
            return FALSE;
        return TRUE;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          if (!all_finite (json_array_get_element (array, i)))
            return FALSE;
        return TRUE;
      }

    case JSON_NODE_VALUE:
      return json_node_get_value_type (node) != G_TYPE_DOUBLE
             || isfinite (json_node_get_double (node));

    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

/* What the encoder writes of a message parses back to the same message
 * (JSON has no infinities: the workers never send one). */
static void
check_round_trip (OffloadWorkerMessage  message,
                  JsonNode             *payload)
{
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(GError) error = NULL;
  OffloadWorkerMessage message_again;
  char *text = NULL;
  size_t length = 0;
  FILE *out;

  if (!all_finite (payload))
    return;

  out = open_memstream (&text, &length);
  g_assert_nonnull (out);
  g_assert_true (offload_worker_write_line (message, json_node_ref (payload), out));
  g_assert_cmpint (fclose (out), ==, 0);
  g_assert_cmpuint (length, >, 0);
  g_assert_cmpint (text[length - 1], ==, '\n');
  text[length - 1] = '\0';

  /* Past the protocol's longest line it is garbage, by design. */
  if (length <= OFFLOAD_WORKER_MAX_LINE)
    {
      g_assert_true (offload_worker_parse_line (text, &message_again, &again, &error));
      g_assert_no_error (error);
      g_assert_cmpint (message_again, ==, message);
      g_assert_true (json_node_equal (payload, again));
    }
  free (text);
}

/* As the sample's summary: and a plan made from it. */
static void
take_summary (JsonNode *payload)
{
  g_autoptr(OffloadPilotSummary) summary = NULL;
  g_autoptr(GError) error = NULL;

  summary = offload_pilot_summary_from_json (payload, &error);
  if (summary == NULL)
    {
      g_assert_nonnull (error);
      return;
    }

  for (guint workers = 1; workers <= 3; workers++)
    {
      guint64 size = summary->bytes * 100 + 1;
      guint64 chunk_size = offload_pilot_chunk_size (summary, size, workers);
      gboolean covered;
      OffloadRefinePlan *plan = offload_pilot_make_plan (summary, 50, chunk_size, &covered);

      g_assert_nonnull (plan);
      offload_refine_plan_free (plan);
    }
}

/* As a chunk's first-pass result: merged as the only chunk of a pass
 * planned by @plan_line, and the statistics made from it. */
static void
take_scan (const char *plan_line,
           JsonNode   *payload)
{
  JsonObject *object = json_node_get_object (payload);
  JsonNode *stats_node = json_object_get_member (object, "stats");
  JsonNode *planned_node = json_object_get_member (object, "planned");
  OffloadRefinePlan *plan;
  OffloadCrunchMerger *merger;
  OffloadChunkStats *stats;
  OffloadRefineStats *planned;
  g_autoptr(GError) error = NULL;
  guint bits;

  if (stats_node == NULL || planned_node == NULL || (plan = plan_from_line (plan_line)) == NULL)
    return;

  stats = offload_chunk_stats_from_json (stats_node, &error);
  if (stats == NULL)
    {
      g_assert_nonnull (error);
      offload_refine_plan_free (plan);
      return;
    }
  bits = stats->histogram_bits >= 1 && stats->histogram_bits <= 20 ? stats->histogram_bits : 12;
  merger = offload_crunch_merger_new (1, 50, bits, plan);
  planned = offload_refine_stats_from_json (offload_crunch_merger_get_scan_plan (merger),
                                            planned_node, &error);
  if (planned == NULL)
    {
      g_assert_nonnull (error);
      offload_chunk_stats_free (stats);
      offload_crunch_merger_free (merger);
      return;
    }

  if (offload_crunch_merger_add_scan (merger, 0, stats, planned, &error)
      && offload_crunch_merger_finish_scan (merger, &error))
    {
      const OffloadRefinePlan *later = offload_crunch_merger_get_plan (merger);

      if (later != NULL)
        {
          g_autoptr(JsonNode) node = offload_refine_plan_to_json (later);
          g_autofree char *text = offload_json_to_string (node, FALSE);

          g_assert_nonnull (text);
        }
      else
        {
          g_autoptr(OffloadCrunchResult) result = offload_crunch_merger_get_result (merger);
          g_autoptr(JsonNode) node = offload_crunch_result_to_json (result);
          g_autofree char *csv = offload_crunch_result_to_csv (result);

          g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
          g_assert_nonnull (csv);
        }
    }
  offload_crunch_merger_free (merger);
}

/* As a later pass's counts, for the plan of the first line. */
static void
take_refine (const char *plan_line,
             JsonNode   *payload)
{
  g_autoptr(OffloadRefinePlan) plan = plan_from_line (plan_line);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  OffloadRefineStats *stats;

  if (plan == NULL)
    return;
  stats = offload_refine_stats_from_json (plan, payload, &error);
  if (stats == NULL)
    {
      g_assert_nonnull (error);
      return;
    }
  node = offload_refine_stats_to_json (stats);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  offload_refine_stats_free (stats);
}

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_auto(GStrv) lines = g_strsplit (text, "\n", 0);

  if (lines[0] == NULL)
    return 0;

  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) payload = NULL;
      g_autoptr(GError) error = NULL;
      OffloadWorkerMessage message;

      if (!offload_worker_parse_line (lines[i], &message, &payload, &error))
        {
          g_assert_nonnull (error);
          continue;
        }
      check_round_trip (message, payload);
      if (message != OFFLOAD_WORKER_RESULT)
        continue;

      take_summary (payload);
      take_scan (lines[0], payload);
      take_refine (lines[0], payload);
    }

  return 0;
}
