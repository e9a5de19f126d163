/* offload-crunch-job.h: exact statistics of a CSV file, in worker processes
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "offload-crunch-result.h"

G_BEGIN_DECLS

#define OFFLOAD_CRUNCH_ERROR (offload_crunch_error_quark ())

/**
 * OffloadCrunchError:
 * @OFFLOAD_CRUNCH_ERROR_FILE: the file is missing, unreadable or not a
 *   regular file
 * @OFFLOAD_CRUNCH_ERROR_CHANGED: the file changed while it was read
 * @OFFLOAD_CRUNCH_ERROR_EMPTY: no header, or a header and no rows
 * @OFFLOAD_CRUNCH_ERROR_NOT_CSV: binary data, or a quoted field that never
 *   ends, or a field or record too large
 * @OFFLOAD_CRUNCH_ERROR_WORKER: a chunk failed twice (the details say how)
 * @OFFLOAD_CRUNCH_ERROR_TIME_LIMIT: a run on the main thread reached its
 *   time limit
 */
typedef enum {
  OFFLOAD_CRUNCH_ERROR_FILE,
  OFFLOAD_CRUNCH_ERROR_CHANGED,
  OFFLOAD_CRUNCH_ERROR_EMPTY,
  OFFLOAD_CRUNCH_ERROR_NOT_CSV,
  OFFLOAD_CRUNCH_ERROR_WORKER,
  OFFLOAD_CRUNCH_ERROR_TIME_LIMIT,
} OffloadCrunchError;

/**
 * OffloadCrunchPhase:
 * @OFFLOAD_CRUNCH_PHASE_IDLE: not started
 * @OFFLOAD_CRUNCH_PHASE_SAMPLE: reading a sample of the file, to plan the
 *   first pass
 * @OFFLOAD_CRUNCH_PHASE_SCAN: the first pass: counts, moments, the numbers
 *   near where the sample puts each quartile, the histograms' cells, the
 *   text columns' values
 * @OFFLOAD_CRUNCH_PHASE_REFINE: a later pass: histograms, the values
 *   near each quartile, the text columns' values
 * @OFFLOAD_CRUNCH_PHASE_DONE: finished, failed or cancelled
 */
typedef enum {
  OFFLOAD_CRUNCH_PHASE_IDLE,
  OFFLOAD_CRUNCH_PHASE_SAMPLE,
  OFFLOAD_CRUNCH_PHASE_SCAN,
  OFFLOAD_CRUNCH_PHASE_REFINE,
  OFFLOAD_CRUNCH_PHASE_DONE,
} OffloadCrunchPhase;

/**
 * OffloadCrunchProgress:
 *
 * Where a job is, pulled by the UI at most once a frame.
 */
typedef struct
{
  OffloadCrunchPhase phase;
  guint              pass;            /* reads of the file so far, this one included;
                                       * 0 while the sample is read */
  guint              passes;          /* reads expected in all: this many at least */
  guint64            bytes_done;      /* of this pass (or of the sample) */
  guint64            bytes_total;     /* of this pass: the file's size (or the sample's) */
  double             bytes_per_second; /* this pass, so far */
  guint64            rows;            /* data records counted so far (first pass) */
  guint              chunks_done;     /* of this pass */
  guint              chunks_total;
  guint              retries;         /* chunks retried on a fresh worker */
  gboolean           cancelling;      /* cancelled; workers not all reaped yet */
} OffloadCrunchProgress;

/**
 * OffloadCrunchLaneState:
 * @OFFLOAD_CRUNCH_LANE_IDLE: no worker
 * @OFFLOAD_CRUNCH_LANE_RUNNING: a worker reads a chunk
 * @OFFLOAD_CRUNCH_LANE_STOPPING: a worker is being stopped
 */
typedef enum {
  OFFLOAD_CRUNCH_LANE_IDLE,
  OFFLOAD_CRUNCH_LANE_RUNNING,
  OFFLOAD_CRUNCH_LANE_STOPPING,
} OffloadCrunchLaneState;

/**
 * OffloadCrunchLane:
 *
 * One of the W worker slots.
 */
typedef struct
{
  OffloadCrunchLaneState state;
  int                    pid;         /* 0 without a worker */
  guint                  chunk;       /* the chunk's index in its pass */
  guint64                chunk_start;
  guint64                chunk_end;
  guint64                bytes_done;  /* of the chunk */
  double                 rows_per_second;  /* of the chunk, so far */
  guint                  chunks_done; /* by this lane, all passes */
} OffloadCrunchLane;

#define OFFLOAD_CRUNCH_DEFAULT_BINS          50
#define OFFLOAD_CRUNCH_DEFAULT_HANG_TIMEOUT  (30 * G_USEC_PER_SEC)

#define OFFLOAD_TYPE_CRUNCH_JOB (offload_crunch_job_get_type ())

G_DECLARE_FINAL_TYPE (OffloadCrunchJob, offload_crunch_job, OFFLOAD, CRUNCH_JOB, GObject)

GQuark               offload_crunch_error_quark            (void);

OffloadCrunchJob    *offload_crunch_job_new                (const char            *path);
const char          *offload_crunch_job_get_path           (OffloadCrunchJob      *self);
void                 offload_crunch_job_set_workers        (OffloadCrunchJob      *self,
                                                            guint                  workers);
guint                offload_crunch_job_get_workers        (OffloadCrunchJob      *self);
void                 offload_crunch_job_set_chunk_size     (OffloadCrunchJob      *self,
                                                            guint64                chunk_size);
void                 offload_crunch_job_set_bins           (OffloadCrunchJob      *self,
                                                            guint                  bins);
void                 offload_crunch_job_set_hang_timeout   (OffloadCrunchJob      *self,
                                                            gint64                 usec);

void                 offload_crunch_job_run_async          (OffloadCrunchJob      *self,
                                                            GCancellable          *cancellable,
                                                            GAsyncReadyCallback    callback,
                                                            gpointer               user_data);
OffloadCrunchResult *offload_crunch_job_run_finish         (OffloadCrunchJob      *self,
                                                            GAsyncResult          *result,
                                                            GError               **error);
OffloadCrunchResult *offload_crunch_job_run_blocking       (OffloadCrunchJob      *self,
                                                            gint64                 deadline,
                                                            GError               **error);

void                 offload_crunch_job_get_progress       (OffloadCrunchJob      *self,
                                                            OffloadCrunchProgress *progress);
guint                offload_crunch_job_get_n_lanes        (OffloadCrunchJob      *self);
void                 offload_crunch_job_get_lane           (OffloadCrunchJob      *self,
                                                            guint                  lane,
                                                            OffloadCrunchLane     *out);
const char          *offload_crunch_job_get_error_details  (OffloadCrunchJob      *self);
gint64               offload_crunch_job_get_stop_duration  (OffloadCrunchJob      *self);

G_END_DECLS
