/* offload-crunch-merger.c: chunks' partial results into a file's statistics
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>

#include "offload-crunch-job.h"
#include "offload-crunch-merger.h"

/* The parent's side of a crunch, without processes, so that the pool and
 * the run on the main thread share it and tests can drive it:
 *
 * - the first pass's chunks are merged as they come; counts do not care
 *   in which order, the means and variances do (in floating point), so
 *   those are kept per chunk and merged in the file's order at the end:
 *   the same chunks give the same bits, whichever worker was faster;
 * - then plans for the later passes, until every quartile's rank has its
 *   exact value, every histogram is counted and every text column's
 *   values are: usually one later pass, two for continuous data;
 * - then the result, as pandas' describe() would give it. */

/* A wanted rank of one numeric column, narrowed pass by pass. */
typedef struct
{
  guint    column;
  guint64  rank_in_bucket;
  guint64  bucket_count;
  guint64  prefix;
  guint    prefix_bits;
  gboolean resolved;
  double   value;
  int      target;          /* in the current plan, or -1 */
} Rank;

enum { P25_LOW, P25_HIGH, P50_LOW, P50_HIGH, P75_LOW, P75_HIGH, FINITE_MIN, FINITE_MAX, N_RANKS };

typedef struct
{
  OffloadCrunchColumnType type;
  Rank                    ranks[N_RANKS];
  double                  fractions[3];
  gboolean                bins_done;
  int                     bins;       /* in the current plan, or -1 */
  int                     text;       /* in the current plan, or -1 */
  gboolean                text_done;
  OffloadCrunchColumn    *out;
} Column;

struct _OffloadCrunchMerger
{
  guint               n_chunks;
  guint               n_bins;
  OffloadChunkStats  *merged;
  GArray            **moments;      /* per chunk: OffloadMoments per column */
  GArray            **widths;       /* per chunk: ChunkWidth, to find the first ragged row */
  guint64            *records;      /* per chunk: its records */
  guint               chunks_in;
  Column             *columns;
  guint               n_columns;
  OffloadRefinePlan  *plan;
  OffloadRefineStats *refined;
  OffloadRefinePlan  *scan_plan;    /* what the first pass also counts */
  OffloadRefineStats *planned;      /* what it found of it */
  guint               passes;
  OffloadCrunchResult *result;
};

/* Records of a chunk with one number of fields: the first of them. */
typedef struct
{
  guint   fields;
  guint64 first;
} ChunkWidth;

/* The values of all chunks' windows that the parent keeps, for all the
 * windows together (128 MiB: a file of a few GB); past that they are
 * dropped, and those quartiles found by a later pass. */
#define MAX_WINDOW_VALUES (G_GUINT64_CONSTANT (16) * 1024 * 1024)

/* The first pass's histograms as fine as 32 MiB a worker allows: the
 * finer they are, the fewer numbers share a quartile's bucket, and the
 * more often one later pass can collect them all (two otherwise). */
#define HISTOGRAM_BUDGET (G_GUINT64_CONSTANT (32) * 1024 * 1024)

/**
 * offload_crunch_histogram_bits:
 * @n_columns: the header's fields (every one may be numeric)
 *
 * Returns: the first pass's histogram bits for that many columns
 */
guint
offload_crunch_histogram_bits (guint n_columns)
{
  guint64 buckets = HISTOGRAM_BUDGET / sizeof (guint64) / MAX (n_columns, 1);
  guint bits = 0;

  while (bits < 20 && ((guint64) 2 << bits) <= buckets)
    bits++;

  return MAX (bits, 8);
}

/**
 * offload_crunch_merger_new:
 * @n_chunks: chunks of the first pass
 * @n_bins: histogram bins
 * @histogram_bits: of the first pass's order-key histograms
 * @scan_plan: (transfer full) (nullable): what the first pass counts
 *   besides (windows around the expected quartiles, histogram grids, text
 *   columns), made from a sample by offload_pilot_make_plan()
 *
 * Returns: (transfer full): a merger
 */
OffloadCrunchMerger *
offload_crunch_merger_new (guint              n_chunks,
                           guint              n_bins,
                           guint              histogram_bits,
                           OffloadRefinePlan *scan_plan)
{
  OffloadCrunchMerger *self = g_new0 (OffloadCrunchMerger, 1);

  g_return_val_if_fail (n_chunks > 0, NULL);
  g_return_val_if_fail (n_bins > 0, NULL);
  g_return_val_if_fail (histogram_bits >= 1 && histogram_bits <= 20, NULL);

  self->scan_plan = scan_plan != NULL ? scan_plan : offload_refine_plan_new ();
  self->planned = offload_refine_stats_new (self->scan_plan);
  self->n_chunks = n_chunks;
  self->n_bins = n_bins;
  self->merged = offload_chunk_stats_new (histogram_bits);
  self->moments = g_new0 (GArray *, n_chunks);
  self->widths = g_new0 (GArray *, n_chunks);
  self->records = g_new0 (guint64, n_chunks);
  self->passes = 1;
  self->result = offload_crunch_result_new ();

  return self;
}

void
offload_crunch_merger_free (OffloadCrunchMerger *self)
{
  if (self == NULL)
    return;

  for (guint i = 0; i < self->n_chunks; i++)
    {
      g_clear_pointer (&self->moments[i], g_array_unref);
      g_clear_pointer (&self->widths[i], g_array_unref);
    }
  g_free (self->moments);
  g_free (self->widths);
  g_free (self->records);
  g_free (self->columns);
  g_clear_pointer (&self->refined, offload_refine_stats_free);
  g_clear_pointer (&self->plan, offload_refine_plan_free);
  g_clear_pointer (&self->planned, offload_refine_stats_free);
  g_clear_pointer (&self->scan_plan, offload_refine_plan_free);
  g_clear_pointer (&self->merged, offload_chunk_stats_free);
  g_clear_pointer (&self->result, offload_crunch_result_unref);
  g_free (self);
}

/**
 * offload_crunch_merger_get_scan_plan:
 * @self: a merger
 *
 * Returns: (transfer none): what the first pass counts besides its own
 *   statistics (maybe nothing)
 */
const OffloadRefinePlan *
offload_crunch_merger_get_scan_plan (OffloadCrunchMerger *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->scan_plan;
}

/**
 * offload_crunch_merger_add_scan:
 * @self: a merger
 * @chunk: which chunk, in the file's order
 * @stats: (transfer full): its first-pass statistics
 * @planned: (transfer full) (nullable): what it counted of the scan plan
 * @error: when they cannot be merged (too many numeric columns)
 *
 * Returns: whether they were merged
 */
gboolean
offload_crunch_merger_add_scan (OffloadCrunchMerger  *self,
                                guint                 chunk,
                                OffloadChunkStats    *stats,
                                OffloadRefineStats   *planned,
                                GError              **error)
{
  G_GNUC_UNUSED g_autoptr(OffloadChunkStats) owned = stats;
  G_GNUC_UNUSED g_autoptr(OffloadRefineStats) owned_planned = planned;
  GArray *moments;

  g_return_val_if_fail (self != NULL, FALSE);

  /* Checked before anything changes: a chunk that fails here is retried. */
  if (chunk >= self->n_chunks || self->moments[chunk] != NULL
      || stats->histogram_bits != self->merged->histogram_bits)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The worker’s result is not valid: %s"), "chunk");
      return FALSE;
    }

  moments = g_array_sized_new (FALSE, FALSE, sizeof (OffloadMoments), stats->columns->len);
  for (guint i = 0; i < stats->columns->len; i++)
    g_array_append_val (moments,
                        ((OffloadColumnPartial *) g_ptr_array_index (stats->columns, i))->moments);
  if (!offload_chunk_stats_merge (self->merged, stats, error))
    {
      g_array_unref (moments);
      return FALSE;
    }
  self->moments[chunk] = moments;
  self->records[chunk] = stats->records;
  self->widths[chunk] = g_array_new (FALSE, FALSE, sizeof (ChunkWidth));
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, stats->widths);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_array_append_val (self->widths[chunk],
                          ((ChunkWidth) { GPOINTER_TO_UINT (key),
                                          ((OffloadChunkWidth *) value)->first }));
  }
  self->chunks_in++;

  if (planned != NULL)
    {
      g_return_val_if_fail (planned->plan == self->scan_plan, FALSE);
      offload_refine_stats_merge (self->planned, planned);
      /* Bounded, whatever the file: windows past the bound are dropped,
       * as are those that overflowed in a chunk. */
      {
        guint64 kept = 0;

        for (guint i = 0; i < self->scan_plan->ranges->len; i++)
          {
            if (self->planned->ranges[i].overflow)
              {
                g_array_set_size (self->planned->ranges[i].values, 0);
                g_array_set_size (self->planned->ranges[i].run_ends, 0);
              }
            kept += self->planned->ranges[i].values->len;
          }
        for (guint i = 0; kept > MAX_WINDOW_VALUES && i < self->scan_plan->ranges->len; i++)
          {
            OffloadRefineRangeCounts *counts = &self->planned->ranges[i];

            kept -= counts->values->len;
            counts->overflow = TRUE;
            g_array_set_size (counts->values, 0);
            g_array_set_size (counts->run_ends, 0);
          }
      }
    }
  return TRUE;
}

/**
 * offload_crunch_merger_is_irregular:
 * @self: a merger with every chunk in
 *
 * Returns: whether a chunk met a stray quote: the file must then be read
 *   again in one piece, as quote parity cannot say where records begin
 */
gboolean
offload_crunch_merger_is_irregular (OffloadCrunchMerger *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->merged->irregular && self->n_chunks > 1;
}

static void
rank_init (Rank    *rank,
           guint    column,
           guint64  value,
           const OffloadKeyHistogram *histogram)
{
  rank->column = column;
  rank->prefix = offload_key_histogram_find (histogram, value, &rank->rank_in_bucket,
                                             &rank->bucket_count);
  rank->prefix_bits = histogram->bits;
  rank->target = -1;
}

static gboolean
range_known (Column *column)
{
  return column->ranks[FINITE_MIN].resolved && column->ranks[FINITE_MAX].resolved;
}

/* What the first pass counted of the scan plan, for one column. */

static int
planned_grid (OffloadCrunchMerger *self,
              guint                column)
{
  return offload_refine_stats_find_grid (self->planned, column);
}

static int
planned_text (OffloadCrunchMerger *self,
              guint                column)
{
  return offload_refine_stats_find_text (self->planned, column);
}

/* A window around an expected quartile holds the number of @rank when the
 * numbers below it and in it straddle the rank: it is then read off the
 * window's numbers. */
static gboolean
rank_from_windows (OffloadCrunchMerger *self,
                   guint                column,
                   guint64              rank,
                   double              *value)
{
  OffloadRefineRangeCounts *counts;

  for (guint k = 0;
       (counts = offload_refine_stats_get_window (self->planned, column, k)) != NULL;
       k++)
    {
      if (counts->overflow || rank < counts->below
          || rank - counts->below >= counts->values->len)
        continue;
      /* Selected, not sorted: millions of numbers in all the windows of a
       * large file, and this runs before the answer can be shown. As the
       * workers sent them, in a sorted run each, by binary searches. */
      if (offload_refine_range_counts_in_runs (counts))
        *value = offload_order_key_value (
          offload_select_key_in_runs ((const guint64 *) (void *) counts->values->data,
                                      counts->values->len,
                                      (const guint *) (void *) counts->run_ends->data,
                                      counts->run_ends->len, rank - counts->below));
      else
        *value = offload_order_key_value (
          offload_select_key ((guint64 *) (void *) counts->values->data, counts->values->len,
                              rank - counts->below));
      return TRUE;
    }

  return FALSE;
}

/* floor (x / 2^shift), for cells of a finer grid on a coarser one. */
static gint64
coarser_cell (gint64 cell,
              guint  shift)
{
  if (shift >= 63)
    return cell < 0 ? -1 : 0;
  return cell >= 0 ? cell >> shift : -((-(cell + 1)) >> shift) - 1;
}

/* The histogram from the first pass's grid cells, when they hold every
 * finite number and are at least as fine as the bins' grid. */
static gboolean
bins_from_grid (OffloadCrunchMerger *self,
                guint                column,
                const OffloadMoments *moments,
                OffloadCrunchColumn *out)
{
  int g = planned_grid (self, column);
  const OffloadRefineGrid *grid;
  const OffloadRefineGridCounts *counts;
  OffloadGridBins bins;
  double scale;
  guint shift;

  if (g < 0)
    return FALSE;
  grid = &g_array_index (self->scan_plan->grids, OffloadRefineGrid, g);
  counts = &self->planned->grids[g];
  if (counts->overflow || counts->counted != moments->finite || counts->counted == 0
      || !offload_grid_bins_init (&bins, counts->min, counts->max, self->n_bins)
      || bins.exponent < grid->exponent)
    return FALSE;

  shift = (guint) (bins.exponent - grid->exponent);
  scale = offload_grid_scale (bins.exponent);
  out->n_bins = bins.n_bins;
  out->bins = g_new0 (guint64, bins.n_bins);
  for (guint i = 0; i < grid->size; i++)
    {
      guint64 count = counts->totals != NULL ? counts->totals[i] : counts->cells[i];

      if (count > 0)
        out->bins[offload_grid_bins_index (&bins, coarser_cell (grid->base + i, shift))] += count;
    }
  for (guint i = 0; i < counts->outside->len; i++)
    out->bins[offload_grid_bins_index (&bins,
                                       offload_grid_cell (g_array_index (counts->outside,
                                                                         double, i),
                                                          scale))]++;
  out->edges = g_new (double, bins.n_bins + 1);
  for (guint i = 0; i <= bins.n_bins; i++)
    out->edges[i] = offload_grid_bins_edge (&bins, i);

  return TRUE;
}

static void
take_text (OffloadCrunchColumn *out,
           OffloadTextCounter  *counter)
{
  const char *top = offload_text_counter_get_top (counter, &out->top_count);

  out->distinct = offload_text_counter_get_distinct (counter);
  out->distinct_estimated = out->top_estimated = !offload_text_counter_is_exact (counter);
  /* An estimate (about 1 % off) of a column of unique values read more
   * distinct values than values: never more than the count. */
  if (out->distinct_estimated && out->count > 0)
    out->distinct = MIN (out->distinct, out->count);
  out->top = g_strdup (top);
}

static guint
count_of (GHashTable *table,
          const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (table, name));
}

static void
set_count (GHashTable *table,
           const char *name,
           guint       count)
{
  g_hash_table_replace (table, g_strdup (name), GUINT_TO_POINTER (count));
}

/* The columns' names as pandas gives them, so that each is a key of its
 * own and the same key as in a DataFrame: an empty one is "Unnamed: N"
 * (N counted from 0), a repeated one takes ".1", ".2" and so on, skipping
 * a suffixed name another column already has ("a,a,a.1" is "a", "a.2",
 * "a.1"). A file written by pandas with its index has an empty first
 * name. */
static char **
pandas_names (const char * const *header)
{
  guint n = g_strv_length ((char **) header);
  char **names = g_new0 (char *, n + 1);
  g_autoptr(GHashTable) present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < n; i++)
    {
      names[i] = *header[i] != '\0' ? g_strdup (header[i]) : g_strdup_printf ("Unnamed: %u", i);
      set_count (present, names[i], count_of (present, names[i]) + 1);
    }

  for (guint i = 0; i < n; i++)
    {
      guint seen = count_of (counts, names[i]);

      if (seen > 0)
        {
          char *base = names[i];
          char *name = NULL;

          while (seen > 0)
            {
              set_count (counts, base, seen + 1);
              g_free (name);
              name = g_strdup_printf ("%s.%u", base, seen);
              seen = count_of (present, name) > 0 ? seen + 1 : count_of (counts, name);
            }
          set_count (present, base, count_of (present, base) - 1);
          set_count (present, name, count_of (present, name) + 1);
          names[i] = name;
          g_free (base);
        }
      set_count (counts, names[i], seen + 1);
    }

  return names;
}

/**
 * offload_crunch_merger_finish_scan:
 * @self: a merger with every chunk in
 * @error: when the file has no header or no rows
 *
 * Returns: whether there is something to compute
 */
gboolean
offload_crunch_merger_finish_scan (OffloadCrunchMerger  *self,
                                   GError              **error)
{
  OffloadChunkStats *merged;
  g_auto(GStrv) names = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->chunks_in == self->n_chunks, FALSE);

  merged = self->merged;
  if (merged->header == NULL)
    {
      g_set_error_literal (error, OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_EMPTY,
                           _("The file has no header row: it is empty, or holds only blank "
                             "lines"));
      return FALSE;
    }
  if (merged->records == 0)
    {
      g_set_error_literal (error, OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_EMPTY,
                           _("The file has a header row but no data rows"));
      return FALSE;
    }

  self->n_columns = g_strv_length (merged->header);
  self->columns = g_new0 (Column, self->n_columns);
  names = pandas_names ((const char * const *) merged->header);
  self->result->rows = merged->records;
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, merged->widths);
    while (g_hash_table_iter_next (&iter, &key, &value))
      if (GPOINTER_TO_UINT (key) != self->n_columns)
        self->result->ragged_rows += ((OffloadChunkWidth *) value)->records;
  }
  /* Where the first ragged row is: the records of the chunks before its
   * own, then its place in that chunk. */
  if (self->result->ragged_rows > 0)
    {
      guint64 before = 0;

      for (guint c = 0; c < self->n_chunks && self->result->first_ragged_row == 0; c++)
        {
          guint64 first = G_MAXUINT64;

          for (guint i = 0; self->widths[c] != NULL && i < self->widths[c]->len; i++)
            {
              const ChunkWidth *width = &g_array_index (self->widths[c], ChunkWidth, i);

              if (width->fields != self->n_columns)
                first = MIN (first, width->first);
            }
          if (first != G_MAXUINT64)
            /* As a spreadsheet numbers it: the header is row 1. */
            self->result->first_ragged_row = before + first + 2;
          before += self->records[c];
        }
    }

  for (guint c = 0; c < self->n_columns; c++)
    {
      Column *column = &self->columns[c];
      OffloadColumnPartial *partial = offload_chunk_stats_get_column (merged, c);
      OffloadMoments *m = &partial->moments;
      OffloadCrunchColumn *out = g_new0 (OffloadCrunchColumn, 1);

      column->out = out;
      column->bins = column->text = -1;
      for (guint r = 0; r < N_RANKS; r++)
        column->ranks[r].target = -1;
      out->name = g_strdup (names[c]);
      out->mean = out->std = out->min = out->max = NAN;
      out->p25 = out->p50 = out->p75 = NAN;
      g_ptr_array_add (self->result->columns, out);

      /* The means and variances again, in the file's order. */
      offload_moments_init (m);
      for (guint i = 0; i < self->n_chunks; i++)
        if (c < self->moments[i]->len)
          offload_moments_merge (m, &g_array_index (self->moments[i], OffloadMoments, c));

      out->count = partial->text + m->count;
      out->missing = merged->records - MIN (merged->records, out->count);

      if (partial->text > 0)
        {
          int t = planned_text (self, c);

          column->type = out->type = OFFLOAD_CRUNCH_COLUMN_TEXT;
          /* Counted in the first pass when the sample said it was text. */
          if (t >= 0)
            {
              take_text (out, self->planned->text[t]);
              column->text_done = TRUE;
            }
          continue;
        }
      if (m->count == 0)
        {
          column->type = out->type = OFFLOAD_CRUNCH_COLUMN_EMPTY;
          column->bins_done = column->text_done = TRUE;
          continue;
        }

      column->type = out->type = OFFLOAD_CRUNCH_COLUMN_NUMERIC;
      column->text_done = TRUE;
      out->mean = offload_moments_get_mean (m);
      out->std = offload_moments_get_std (m);
      out->min = m->min;
      out->max = m->max;

      /* The windows' counts must fit the numbers the first pass saw, or
       * the file changed as it was read, or a worker lied. */
      {
        const OffloadRefineRangeCounts *counts;

        for (guint k = 0;
             (counts = offload_refine_stats_get_window (self->planned, c, k)) != NULL;
             k++)
          if (counts->below > m->count || counts->values->len > m->count - counts->below)
            {
              g_set_error_literal (error, OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_CHANGED,
                                   _("The file changed while it was read: its numbers are "
                                     "not the ones the first pass counted"));
              return FALSE;
            }
        }

      for (guint q = 0; q < 3; q++)
        {
          guint64 ranks[2];

          offload_quantile_ranks (m->count, 0.25 * (q + 1), &ranks[0], &ranks[1],
                                  &column->fractions[q]);
          for (guint k = 0; k < 2; k++)
            {
              Rank *rank = &column->ranks[2 * q + k];

              rank_init (rank, c, ranks[k], partial->histogram);
              rank->resolved = rank_from_windows (self, c, ranks[k], &rank->value);
            }
        }

      /* The histogram is over the finite numbers: their range is known
       * now unless there are infinities, whose neighbours then need
       * finding like the quartiles. */
      if (m->finite == 0)
        {
          column->bins_done = TRUE;
          column->ranks[FINITE_MIN].resolved = column->ranks[FINITE_MAX].resolved = TRUE;
        }
      else if (m->positive_infinite == 0 && m->negative_infinite == 0)
        {
          column->ranks[FINITE_MIN].resolved = column->ranks[FINITE_MAX].resolved = TRUE;
          column->ranks[FINITE_MIN].value = m->min;
          column->ranks[FINITE_MAX].value = m->max;
        }
      else
        {
          int g = planned_grid (self, c);

          rank_init (&column->ranks[FINITE_MIN], c, m->negative_infinite, partial->histogram);
          rank_init (&column->ranks[FINITE_MAX], c, m->count - m->positive_infinite - 1,
                     partial->histogram);
          /* The grid saw every finite number, and kept their range. */
          if (g >= 0 && self->planned->grids[g].counted == m->finite)
            {
              column->ranks[FINITE_MIN].resolved = column->ranks[FINITE_MAX].resolved = TRUE;
              column->ranks[FINITE_MIN].value = self->planned->grids[g].min;
              column->ranks[FINITE_MAX].value = self->planned->grids[g].max;
            }
        }

      if (!column->bins_done && bins_from_grid (self, c, m, out))
        column->bins_done = TRUE;

      for (guint q = 0; q < 3; q++)
        if (column->ranks[2 * q].resolved && column->ranks[2 * q + 1].resolved)
          *(q == 0 ? &out->p25 : q == 1 ? &out->p50 : &out->p75)
            = offload_quantile_lerp (column->ranks[2 * q].value, column->ranks[2 * q + 1].value,
                                     column->fractions[q]);
    }

  /* What the first pass counted besides is done with too. */
  g_clear_pointer (&self->planned, offload_refine_stats_free);

  /* The first pass's histograms are done with. */
  g_ptr_array_set_size (merged->columns, 0);
  for (guint i = 0; i < self->n_chunks; i++)
    g_clear_pointer (&self->moments[i], g_array_unref);

  return TRUE;
}

guint64
offload_crunch_merger_get_rows (OffloadCrunchMerger *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->merged->records;
}

/* Numbers that all collecting targets of a pass may hold, in a worker and
 * in the parent; a target past it narrows by its histogram instead. */
#define COLLECT_BUDGET (G_GUINT64_CONSTANT (4) * 1024 * 1024)
/* The memory of all targets' histograms of a pass, and the distinct keys
 * they keep. */
#define TARGET_HISTOGRAM_BUDGET (G_GUINT64_CONSTANT (32) * 1024 * 1024)
#define DISTINCT_BUDGET         (G_GUINT64_CONSTANT (128) * 1024)

static int
add_target (OffloadRefinePlan *plan,
            const Rank        *rank,
            guint64           *collected)
{
  OffloadRefineTarget target = { rank->column, rank->prefix, rank->prefix_bits, FALSE };

  /* A column's targets come one after another: look back over them only. */
  for (guint i = plan->targets->len; i-- > 0; )
    {
      const OffloadRefineTarget *t = &g_array_index (plan->targets, OffloadRefineTarget, i);

      if (t->column != target.column)
        break;
      if (t->prefix == target.prefix && t->prefix_bits == target.prefix_bits)
        return (int) i;
    }
  if (rank->bucket_count <= OFFLOAD_REFINE_COLLECT_MAX
      && *collected + rank->bucket_count <= COLLECT_BUDGET)
    {
      target.collect = TRUE;
      *collected += rank->bucket_count;
    }
  g_array_append_val (plan->targets, target);
  return (int) plan->targets->len - 1;
}

/**
 * offload_crunch_merger_get_plan:
 * @self: a merger, past the first pass
 *
 * Returns: (transfer none) (nullable): what the next pass counts, or
 *   %NULL when nothing is left to count
 */
const OffloadRefinePlan *
offload_crunch_merger_get_plan (OffloadCrunchMerger *self)
{
  OffloadRefinePlan *plan;
  guint64 collected = 0;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->plan != NULL)
    return self->plan;

  plan = offload_refine_plan_new ();
  for (guint c = 0; c < self->n_columns; c++)
    {
      Column *column = &self->columns[c];

      if (column->type == OFFLOAD_CRUNCH_COLUMN_TEXT && !column->text_done)
        {
          column->text = (int) plan->text->len;
          g_array_append_val (plan->text, c);
        }
      if (column->type != OFFLOAD_CRUNCH_COLUMN_NUMERIC)
        continue;

      for (guint r = 0; r < N_RANKS; r++)
        if (!column->ranks[r].resolved)
          column->ranks[r].target = add_target (plan, &column->ranks[r], &collected);

      if (!column->bins_done && range_known (column))
        {
          OffloadRefineBins bins = { c, { 0 } };

          /* A range wider than a double holds (about ±1.8e308 apart) has
           * no bins to compute: the column goes without a histogram. */
          if (!offload_grid_bins_init (&bins.grid, column->ranks[FINITE_MIN].value,
                                       column->ranks[FINITE_MAX].value, self->n_bins))
            column->bins_done = TRUE;
          else
            {
              column->bins = (int) plan->bins->len;
              g_array_append_val (plan->bins, bins);
            }
        }
    }

  offload_refine_plan_set_text_budget (plan);

  /* Targets' histograms within their budget: a wide file's thousands of
   * targets narrow by fewer bits a pass (more passes), not by more memory. */
  while (plan->target_bits > 4
         && (guint64) plan->targets->len * (sizeof (guint64) << plan->target_bits)
            > TARGET_HISTOGRAM_BUDGET)
    plan->target_bits--;
  /* And their distinct keys, about 64 bytes each held. */
  if (plan->targets->len > 0)
    plan->distinct_max = (guint) CLAMP (DISTINCT_BUDGET / plan->targets->len, 1,
                                        OFFLOAD_REFINE_DISTINCT_MAX);

  if (offload_refine_plan_is_empty (plan))
    {
      offload_refine_plan_free (plan);
      return NULL;
    }

  g_debug ("later pass: %u quartile buckets, %u histograms, %u text columns",
           plan->targets->len, plan->bins->len, plan->text->len);
  self->plan = plan;
  self->refined = offload_refine_stats_new (plan);
  self->passes++;

  return plan;
}

/**
 * offload_crunch_merger_add_refine:
 * @self: a merger with a plan
 * @stats: a chunk's counts of the plan
 */
void
offload_crunch_merger_add_refine (OffloadCrunchMerger      *self,
                                  const OffloadRefineStats *stats)
{
  g_return_if_fail (self != NULL && self->refined != NULL);

  offload_refine_stats_merge (self->refined, stats);
}

static void
narrow (Rank                            *rank,
        const OffloadRefineTargetCounts *counts)
{
  rank->target = -1;

  if (counts->values != NULL)
    {
      /* Every number of the bucket: the rank is read off them sorted
       * (their count was checked against the first pass's). */
      offload_sort_keys ((guint64 *) (void *) counts->values->data, counts->values->len);
      rank->resolved = TRUE;
      rank->value = offload_order_key_value (g_array_index (counts->values, guint64,
                                                            rank->rank_in_bucket));
      return;
    }

  if (counts->distinct != NULL)
    {
      guint n = g_hash_table_size (counts->distinct);
      guint64 seen = 0;
      g_autofree guint64 *sorted = g_new (guint64, n);
      GList *list = g_hash_table_get_keys (counts->distinct);
      guint i = 0;

      for (GList *l = list; l != NULL; l = l->next)
        sorted[i++] = *(guint64 *) l->data;
      g_list_free (list);
      offload_sort_keys (sorted, n);

      for (i = 0; i < n; i++)
        {
          seen += *(guint64 *) g_hash_table_lookup (counts->distinct, &sorted[i]);
          if (rank->rank_in_bucket < seen)
            {
              rank->resolved = TRUE;
              rank->value = offload_order_key_value (sorted[i]);
              return;
            }
        }
      g_assert_not_reached ();
    }

  rank->prefix = offload_key_histogram_find (counts->histogram, rank->rank_in_bucket,
                                             &rank->rank_in_bucket, &rank->bucket_count);
  rank->prefix_bits += counts->histogram->bits;
  if (rank->prefix_bits >= 64)
    {
      rank->resolved = TRUE;
      rank->value = offload_order_key_value (rank->prefix);
    }
}

/**
 * offload_crunch_merger_finish_refine:
 * @self: a merger whose plan every chunk has counted
 * @error: when what the pass counted does not match the first pass
 *
 * Takes what the pass found; offload_crunch_merger_get_plan() then says
 * whether another is needed.
 */
gboolean
offload_crunch_merger_finish_refine (OffloadCrunchMerger  *self,
                                     GError              **error)
{
  g_return_val_if_fail (self != NULL && self->plan != NULL, FALSE);

  /* The numbers a later pass found in each bucket are the ones the first
   * pass counted there, or the file is not the one the first pass read
   * (rewritten in place), or a worker lied: no answer either way. */
  for (guint c = 0; c < self->n_columns; c++)
    for (guint r = 0; r < N_RANKS; r++)
      {
        const Rank *rank = &self->columns[c].ranks[r];
        const OffloadRefineTargetCounts *counts;
        guint64 total;

        if (rank->target < 0)
          continue;
        counts = &self->refined->targets[rank->target];
        total = counts->values != NULL ? counts->values->len : counts->histogram->total;
        if (total != rank->bucket_count || rank->rank_in_bucket >= total)
          {
            g_set_error_literal (error, OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_CHANGED,
                                 _("The file changed while it was read: its numbers are not "
                                   "the ones the first pass counted"));
            g_clear_pointer (&self->refined, offload_refine_stats_free);
            g_clear_pointer (&self->plan, offload_refine_plan_free);
            return FALSE;
          }
      }

  for (guint c = 0; c < self->n_columns; c++)
    {
      Column *column = &self->columns[c];
      OffloadCrunchColumn *out = column->out;

      for (guint r = 0; r < N_RANKS; r++)
        if (column->ranks[r].target >= 0)
          narrow (&column->ranks[r], &self->refined->targets[column->ranks[r].target]);

      if (column->bins >= 0)
        {
          const OffloadRefineBins *b = &g_array_index (self->plan->bins, OffloadRefineBins,
                                                       column->bins);

          out->n_bins = b->grid.n_bins;
          out->bins = g_memdup2 (self->refined->bins[column->bins],
                                 sizeof (guint64) * b->grid.n_bins);
          out->edges = g_new (double, b->grid.n_bins + 1);
          for (guint i = 0; i <= b->grid.n_bins; i++)
            out->edges[i] = offload_grid_bins_edge (&b->grid, i);
          column->bins_done = TRUE;
          column->bins = -1;
        }

      if (column->text >= 0)
        {
          take_text (out, self->refined->text[column->text]);
          column->text_done = TRUE;
          column->text = -1;
        }

      if (column->type == OFFLOAD_CRUNCH_COLUMN_NUMERIC)
        {
          double *quartiles[3] = { &out->p25, &out->p50, &out->p75 };

          for (guint q = 0; q < 3; q++)
            if (column->ranks[2 * q].resolved && column->ranks[2 * q + 1].resolved)
              *quartiles[q] = offload_quantile_lerp (column->ranks[2 * q].value,
                                                     column->ranks[2 * q + 1].value,
                                                     column->fractions[q]);
        }
    }

  g_clear_pointer (&self->refined, offload_refine_stats_free);
  g_clear_pointer (&self->plan, offload_refine_plan_free);

  return TRUE;
}

/**
 * offload_crunch_merger_get_result:
 * @self: a merger with no plan left
 *
 * Returns: (transfer full): the statistics; the caller fills in the file,
 *   the time and the workers
 */
OffloadCrunchResult *
offload_crunch_merger_get_result (OffloadCrunchMerger *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  self->result->passes = self->passes;
  return offload_crunch_result_ref (self->result);
}
