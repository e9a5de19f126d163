/* offload-crunch-job.c: exact statistics of a CSV file, in worker processes
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* memfd_create() */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/mman.h>
#include <string.h>
#include <unistd.h>

#include "offload-json.h"
#include "offload-chunk-reader.h"
#include "offload-crunch-job.h"
#include "offload-crunch-merger.h"
#include "offload-worker-launcher.h"
#include "offload-worker-protocol.h"

/* The Pool.map pattern with processes: the file is cut into chunks (byte
 * ranges), and W offload-worker processes take them one at a time, each
 * chunk on a fresh process, as lanes come free. A pass over the file is
 * one round of chunks:
 *
 *   quotes   every chunk's quote count, so that each chunk knows whether
 *            it starts inside a quoted field (and NUL bytes: not a CSV);
 *   scan     counts, moments and order-key buckets per column;
 *   refine   as many as the merger plans (offload-crunch-merger.c).
 *
 * Everything here runs on the main thread, and none of it blocks: the
 * workers' output is read with asynchronous reads, a line at most
 * OFFLOAD_WORKER_MAX_LINE long; their exits come from wait_async. The UI
 * pulls the progress once a frame.
 *
 * A worker that crashes, exits without a result, prints garbage or goes
 * silent for the hang timeout is killed, and its chunk runs again on a
 * fresh worker; a second failure fails the job. A worker that reports an
 * error about the file (a read error, an unclosed quote) fails the job at
 * once: running it again would say the same. Cancelling (or failing)
 * sends SIGTERM to every worker, SIGKILL two seconds later, and the job
 * ends only when each one is reaped. */

#define KILL_GRACE_MS      2000
#define HANG_CHECK_MS      250
#define LATE_CHECK_US      (4 * HANG_CHECK_MS * 1000)
#define MIN_CHUNK_SIZE     (64 * 1024)
#define MAX_CHUNKS         1024
#define STDERR_TAIL_BYTES  2048
#define READ_SIZE          65536

G_DEFINE_QUARK (offload-crunch-error-quark, offload_crunch_error)

typedef enum {
  CHUNK_PENDING,
  CHUNK_RUNNING,
  CHUNK_HELD,       /* read, until the chunks before it say where it starts */
  CHUNK_MERGING,    /* its result is being parsed and merged */
  CHUNK_DONE,
} ChunkState;

typedef struct
{
  guint64    start;
  guint64    end;
  gboolean   in_quotes;     /* taken by its worker; checked when the quotes before are known */
  gboolean   known;         /* in_quotes is the parity of the quotes before it */
  gint64     quotes;        /* in [start, end), once a worker has counted them; -1 before */
  guint      attempts;
  ChunkState state;
  char      *first_failure;
  /* While held: the worker's result line, or its error about the file. */
  char      *held;
  int        held_pid;
  GError    *held_error;
  char      *held_details;
  char      *held_stderr;   /* the worker's last error output, for a result not valid */
  guint64    rows;          /* its worker's last count, until its result is merged */
} Chunk;

typedef struct _Lane Lane;

struct _Lane
{
  OffloadCrunchJob *job;          /* not a reference: the job outlives its lanes' work */
  guint             index;
  GSubprocess      *process;
  GCancellable     *io;           /* this worker's reads */
  GString          *line;
  GString          *stderr_tail;
  int               chunk;        /* -1: none */
  guint64           bytes_done;
  guint64           rows;
  gint64            started;
  gint64            last_heard;
  char             *result;       /* the `result` line, parsed off the main thread */
  char             *reported;     /* the worker's own error message */
  OffloadCrunchError reported_kind;
  char             *fault;        /* what we saw go wrong */
  gboolean          stdout_done;
  gboolean          stderr_done;
  gboolean          exited;
  gboolean          stopping;
  guint             kill_source;
  guint             chunks_done;
  int               pid;
  gint64            quotes;       /* the worker's count, -1 until it gives it */
  gint64            first_nul;    /* -1: none */
  int               in_quotes;    /* what it took the start to be, -1 until it says */
};

struct _OffloadCrunchJob
{
  GObject              parent_instance;

  char                *path;
  char                *display_name;  /* of the path, as text: for messages */
  guint                workers;
  guint64              chunk_size;     /* 0: as the sample allows */
  guint64              pass_chunk_size; /* the chunks' of this pass */
  guint                bins;
  gint64               hang_timeout;

  /* One run. */
  GTask               *task;
  GCancellable        *cancellable;
  gulong               cancelled_id;
  guint                hang_source;
  gint64               hang_checked;       /* when check_hangs() last ran */
  guint64              size;
  guint64              mtime;
  Lane                *lanes;
  guint                n_lanes;
  GArray              *chunks;      /* of Chunk */
  guint                chunks_done;
  guint64              bytes_done;  /* by finished chunks of this pass */
  guint64              rows_done;
  OffloadCrunchPhase   phase;
  guint                pass;
  gint64               pass_started;
  gint64               run_started;
  guint                retries;
  guint                rereads;     /* chunks read again from where they really start */
  guint                histogram_bits;
  OffloadPilotSummary *summary;     /* what the sample said */
  gboolean             covered;     /* the first pass will most likely settle everything */
  guint64              sample_bytes;
  OffloadCrunchMerger *merger;      /* the merge thread's during a pass, ours between */
  GThreadPool         *merge_thread;
  GMainContext        *context;     /* the one the job runs on */
  guint                merging;     /* results in the merge thread */
  const OffloadRefinePlan *plan;
  char                *plan_json;
  GPtrArray           *events;
  GError              *error;       /* the first failure: the job is ending */
  GError              *deferred;    /* a parse error that a re-read may explain */
  char                *deferred_details;
  char                *error_details;
  gint64               stop_started;
  gint64               stop_duration;
  gboolean             single_piece; /* a stray quote: read again in one chunk */
};

G_DEFINE_FINAL_TYPE (OffloadCrunchJob, offload_crunch_job, G_TYPE_OBJECT)

enum {
  EVENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void start_pass (OffloadCrunchJob *self);
static void schedule (OffloadCrunchJob *self);
static void stop_all (OffloadCrunchJob *self);

static void
chunk_clear (gpointer data)
{
  Chunk *chunk = data;

  g_free (chunk->first_failure);
  g_free (chunk->held);
  g_clear_error (&chunk->held_error);
  g_free (chunk->held_details);
  g_free (chunk->held_stderr);
}

static void
lane_reset (Lane *lane)
{
  g_clear_handle_id (&lane->kill_source, g_source_remove);
  if (lane->io != NULL)
    g_cancellable_cancel (lane->io);
  g_clear_object (&lane->io);
  g_clear_object (&lane->process);
  g_clear_pointer (&lane->result, g_free);
  g_clear_pointer (&lane->reported, g_free);
  g_clear_pointer (&lane->fault, g_free);
  if (lane->line != NULL)
    g_string_truncate (lane->line, 0);
  if (lane->stderr_tail != NULL)
    g_string_truncate (lane->stderr_tail, 0);
  lane->chunk = -1;
  lane->bytes_done = 0;
  lane->rows = 0;
  lane->stdout_done = lane->stderr_done = lane->exited = lane->stopping = FALSE;
  lane->pid = 0;
  lane->quotes = lane->first_nul = lane->in_quotes = -1;
}

static gboolean
lane_busy (const Lane *lane)
{
  return lane->process != NULL;
}

static void
offload_crunch_job_dispose (GObject *object)
{
  OffloadCrunchJob *self = OFFLOAD_CRUNCH_JOB (object);

  /* Nothing may outlive the job: kill what runs. GSubprocess reaps the
   * processes in GLib's worker thread, so no zombie stays. */
  for (guint i = 0; i < self->n_lanes; i++)
    {
      if (self->lanes[i].process != NULL)
        g_subprocess_force_exit (self->lanes[i].process);
      lane_reset (&self->lanes[i]);
    }
  g_clear_handle_id (&self->hang_source, g_source_remove);
  if (self->cancellable != NULL && self->cancelled_id != 0)
    g_cancellable_disconnect (self->cancellable, self->cancelled_id);
  self->cancelled_id = 0;
  g_clear_object (&self->cancellable);
  g_clear_object (&self->task);

  G_OBJECT_CLASS (offload_crunch_job_parent_class)->dispose (object);
}

static void
offload_crunch_job_finalize (GObject *object)
{
  OffloadCrunchJob *self = OFFLOAD_CRUNCH_JOB (object);

  for (guint i = 0; i < self->n_lanes; i++)
    {
      if (self->lanes[i].line != NULL)
        g_string_free (self->lanes[i].line, TRUE);
      if (self->lanes[i].stderr_tail != NULL)
        g_string_free (self->lanes[i].stderr_tail, TRUE);
    }
  g_free (self->lanes);
  if (self->merge_thread != NULL)
    g_thread_pool_free (self->merge_thread, FALSE, TRUE);
  g_clear_pointer (&self->chunks, g_array_unref);
  g_clear_pointer (&self->merger, offload_crunch_merger_free);
  g_clear_pointer (&self->summary, offload_pilot_summary_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->events, g_ptr_array_unref);
  g_clear_error (&self->error);
  g_clear_error (&self->deferred);
  g_free (self->deferred_details);
  g_free (self->error_details);
  g_free (self->plan_json);
  g_free (self->path);
  g_free (self->display_name);

  G_OBJECT_CLASS (offload_crunch_job_parent_class)->finalize (object);
}

static void
offload_crunch_job_class_init (OffloadCrunchJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = offload_crunch_job_dispose;
  object_class->finalize = offload_crunch_job_finalize;

  /**
   * OffloadCrunchJob::event:
   * @self: the job
   * @message: what happened, in words
   *
   * Something the user should hear of that does not end the job: a chunk
   * that failed once and runs again. Emitted on the main thread.
   */
  signals[EVENT] = g_signal_new ("event",
                                 G_TYPE_FROM_CLASS (klass),
                                 G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
offload_crunch_job_init (OffloadCrunchJob *self)
{
  self->workers = MAX (1, g_get_num_processors ());
  self->chunk_size = 0;
  self->bins = OFFLOAD_CRUNCH_DEFAULT_BINS;
  self->hang_timeout = OFFLOAD_CRUNCH_DEFAULT_HANG_TIMEOUT;
  self->events = g_ptr_array_new_with_free_func (g_free);
}

/**
 * offload_crunch_job_new:
 * @path: the CSV file
 *
 * Returns: (transfer full): a job, not started
 */
OffloadCrunchJob *
offload_crunch_job_new (const char *path)
{
  OffloadCrunchJob *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (OFFLOAD_TYPE_CRUNCH_JOB, NULL);
  self->path = g_strdup (path);
  self->display_name = g_filename_display_name (path);
  return self;
}

const char *
offload_crunch_job_get_path (OffloadCrunchJob *self)
{
  g_return_val_if_fail (OFFLOAD_IS_CRUNCH_JOB (self), NULL);

  return self->path;
}

void
offload_crunch_job_set_workers (OffloadCrunchJob *self,
                                guint             workers)
{
  g_return_if_fail (OFFLOAD_IS_CRUNCH_JOB (self));
  g_return_if_fail (self->phase == OFFLOAD_CRUNCH_PHASE_IDLE);

  self->workers = workers > 0 ? MIN (workers, 64) : MAX (1, g_get_num_processors ());
}

guint
offload_crunch_job_get_workers (OffloadCrunchJob *self)
{
  g_return_val_if_fail (OFFLOAD_IS_CRUNCH_JOB (self), 0);

  return self->workers;
}

/**
 * offload_crunch_job_set_chunk_size:
 * @self: a job, not started
 * @chunk_size: the bytes of the file a worker reads at a time, or 0 (the
 *   default) for as many as the sample allows, 32 to 128 MiB
 *
 * The results never depend on it; the time does.
 */
void
offload_crunch_job_set_chunk_size (OffloadCrunchJob *self,
                                   guint64           chunk_size)
{
  g_return_if_fail (OFFLOAD_IS_CRUNCH_JOB (self));

  self->chunk_size = chunk_size;
}

void
offload_crunch_job_set_bins (OffloadCrunchJob *self,
                             guint             bins)
{
  g_return_if_fail (OFFLOAD_IS_CRUNCH_JOB (self));
  g_return_if_fail (bins > 0 && bins <= 100000);

  self->bins = bins;
}

void
offload_crunch_job_set_hang_timeout (OffloadCrunchJob *self,
                                     gint64            usec)
{
  g_return_if_fail (OFFLOAD_IS_CRUNCH_JOB (self));
  g_return_if_fail (usec > 0);

  self->hang_timeout = usec;
}

/* Ending. */

static gboolean
all_stopped (OffloadCrunchJob *self)
{
  if (self->merging > 0)
    return FALSE;
  for (guint i = 0; i < self->n_lanes; i++)
    if (lane_busy (&self->lanes[i]))
      return FALSE;
  return TRUE;
}

static void
finish (OffloadCrunchJob    *self,
        OffloadCrunchResult *result)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  g_clear_handle_id (&self->hang_source, g_source_remove);
  if (self->cancelled_id != 0)
    g_cancellable_disconnect (self->cancellable, self->cancelled_id);
  self->cancelled_id = 0;
  self->phase = OFFLOAD_CRUNCH_PHASE_DONE;
  if (self->stop_started != 0)
    self->stop_duration = g_get_monotonic_time () - self->stop_started;

  if (result != NULL)
    g_task_return_pointer (task, result, (GDestroyNotify) offload_crunch_result_unref);
  else
    g_task_return_error (task, g_steal_pointer (&self->error));
}

/* The job fails with @error (taken), once every worker has stopped. */
static void
fail (OffloadCrunchJob *self,
      GError           *error,
      const char       *details)
{
  if (self->error != NULL)
    {
      g_error_free (error);
      return;
    }

  self->error = error;
  if (details != NULL)
    self->error_details = g_strdup (details);
  stop_all (self);
  if (all_stopped (self) && self->task != NULL)
    finish (self, NULL);
}

static gboolean
kill_now (gpointer data)
{
  Lane *lane = data;

  lane->kill_source = 0;
  if (lane->process != NULL)
    g_subprocess_force_exit (lane->process);
  return G_SOURCE_REMOVE;
}

static void
stop_lane (Lane *lane)
{
  if (lane->process == NULL || lane->stopping)
    return;
  lane->stopping = TRUE;
  g_subprocess_send_signal (lane->process, SIGTERM);
  lane->kill_source = g_timeout_add (KILL_GRACE_MS, kill_now, lane);
}

static void
stop_all (OffloadCrunchJob *self)
{
  if (self->stop_started == 0)
    self->stop_started = g_get_monotonic_time ();
  for (guint i = 0; i < self->n_lanes; i++)
    stop_lane (&self->lanes[i]);
}

static void
on_cancelled_idle (OffloadCrunchJob *self)
{
  if (self->task == NULL || self->error != NULL)
    return;
  fail (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled")), NULL);
}

static gboolean
cancelled_idle_cb (gpointer data)
{
  on_cancelled_idle (data);
  return G_SOURCE_REMOVE;
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  OffloadCrunchJob *self = user_data;
  GSource *source = g_idle_source_new ();

  /* Cancellation may come from any thread: act on the job's, and later,
   * never inside this handler (disconnecting from it here, as ending the
   * job does, would deadlock). */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, cancelled_idle_cb, g_object_ref (self), g_object_unref);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

/* Describing a worker's end. */

static const char *
signal_name (int sig)
{
  static const struct { int sig; const char *name; } names[] = {
    { SIGABRT, "SIGABRT" }, { SIGALRM, "SIGALRM" }, { SIGBUS, "SIGBUS" }, { SIGFPE, "SIGFPE" },
    { SIGHUP, "SIGHUP" }, { SIGILL, "SIGILL" }, { SIGINT, "SIGINT" }, { SIGKILL, "SIGKILL" },
    { SIGPIPE, "SIGPIPE" }, { SIGQUIT, "SIGQUIT" }, { SIGSEGV, "SIGSEGV" },
    { SIGSYS, "SIGSYS" }, { SIGTERM, "SIGTERM" }, { SIGTRAP, "SIGTRAP" },
    { SIGUSR1, "SIGUSR1" }, { SIGUSR2, "SIGUSR2" }, { SIGXCPU, "SIGXCPU" },
    { SIGXFSZ, "SIGXFSZ" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (names[i].sig == sig)
      return names[i].name;
  return "?";
}

static char *
describe_exit (Lane *lane)
{
  GSubprocess *process = lane->process;

  if (lane->fault != NULL)
    return g_strdup (lane->fault);
  if (g_subprocess_get_if_signaled (process))
    {
      int sig = g_subprocess_get_term_sig (process);
      return g_strdup_printf (_("the worker was killed by signal %s (%s)"),
                              signal_name (sig), g_strsignal (sig));
    }
  if (g_subprocess_get_exit_status (process) != 0)
    return g_strdup_printf (_("the worker exited with code %d"),
                            g_subprocess_get_exit_status (process));
  return g_strdup (_("the worker ended without a result"));
}

static char *
chunk_details (OffloadCrunchJob *self,
               int               index,
               int               pid,
               const char       *stderr_tail,
               const char       *what)
{
  const Chunk *chunk = &g_array_index (self->chunks, Chunk, index);
  g_autofree char *start = g_strdup_printf ("%" G_GUINT64_FORMAT, chunk->start);
  g_autofree char *end = g_strdup_printf ("%" G_GUINT64_FORMAT, chunk->end);
  GString *details = g_string_new (NULL);

  if (self->phase == OFFLOAD_CRUNCH_PHASE_SAMPLE)
    /* Translators: the sample is read before the passes, which count from 1 */
    g_string_append_printf (details, _("The sample of the file, worker %d: %s"), pid, what);
  else
    /* Translators: the numbers of the bytes where a chunk of the file starts and ends */
    g_string_append_printf (details, _("Chunk %d of pass %u (bytes %s to %s), worker %d: %s"),
                            index + 1, self->pass, start, end, pid, what);
  if (stderr_tail != NULL && *stderr_tail != '\0')
    {
      /* Any bytes, cut anywhere: the window and the JSON want text. */
      g_autofree char *text = g_utf8_make_valid (stderr_tail, -1);
      g_autofree char *said = g_strdup_printf ("offload-worker: %s", what);

      /* Not the worker's own words for what was just said, a third time
       * (the error, the line above, then this). */
      if (g_strcmp0 (g_strchomp (text), said) == 0)
        return g_string_free (details, FALSE);

      g_string_append_c (details, '\n');
      g_string_append (details, _("Its last error output:"));
      g_string_append_c (details, '\n');
      g_string_append (details, text);
    }

  return g_string_free (details, FALSE);
}

/* The phases' results. */

static void
set_binary_error (GError  **error,
                  guint64   offset)
{
  g_autofree char *where = g_strdup_printf ("%" G_GUINT64_FORMAT, offset);

  g_set_error (error, OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_NOT_CSV,
               _("This is not a CSV file: it holds binary data (a NUL byte at offset %s)"),
               where);
}

/* The sample's NUL bytes, said of a file that is UTF-16 text as such. */
static void
set_sample_binary_error (GError                   **error,
                         const OffloadPilotSummary *summary)
{
  if (summary->utf16)
    g_set_error_literal (error, OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_NOT_CSV,
                         _("This file is UTF-16 text, which Offload does not read: save it "
                           "again as CSV in UTF-8 and open that"));
  else
    set_binary_error (error, summary->first_nul);
}

/* Fine order-key histograms only where a later pass will need them; but
 * never past the memory the first pass's bits allow for the file's width:
 * a column the sample saw as text may still hold numbers in every chunk,
 * and each such column has a histogram. Nor finer than a file the sample
 * read whole can fill: a later pass collects a bucket of up to
 * OFFLOAD_REFINE_COLLECT_MAX numbers at once, and 2^20 buckets a column
 * (8 MiB, zeroed, then scanned for the result) took 40 of the 60 ms of
 * `offload crunch` on a file of two rows. */
static guint
histogram_bits (const OffloadPilotSummary *summary,
                gboolean                   covered)
{
  guint bits = offload_crunch_histogram_bits (summary->n_columns);

  if (summary->whole)
    bits = MIN (bits, 8);
  return covered ? MIN (bits, 12) : bits;
}

/* How large a pass's chunks are, for a file of @size bytes, @asked by
 * the caller (0: as large as the sample allows). */
static guint64
chunk_size_for (const OffloadPilotSummary *summary,
                guint64                    size,
                guint64                    asked,
                guint                      workers,
                gboolean                   single_piece)
{
  guint64 chunk_size, n_chunks, wanted = asked;

  if (single_piece)
    return MAX (size, 1);
  if (wanted == 0)
    wanted = offload_pilot_chunk_size (summary, size, workers);
  /* Chunks of at most that size, as many as a multiple of the workers, so
   * that none waits for the last one alone; not tiny ones. */
  n_chunks = MAX (1, (size + wanted - 1) / wanted);
  n_chunks = (n_chunks + workers - 1) / workers * workers;
  chunk_size = MAX (MIN (wanted, MIN_CHUNK_SIZE), (size + n_chunks - 1) / n_chunks);
  /* A worker process a chunk, and a record of each: so no more than
   * MAX_CHUNKS, whatever size was asked (one byte asked of a 53 MB file
   * took 1.5 GB, and a process for every byte). */
  return MAX (chunk_size, (size + MAX_CHUNKS - 1) / MAX_CHUNKS);
}

static guint
n_chunks_of (guint64 size,
             guint64 chunk_size)
{
  return (guint) ((size + chunk_size - 1) / chunk_size);
}

/* The first pass's merger, with its plan (taken as JSON in @plan_json),
 * from the sample: tens of milliseconds for a file of thousands of
 * columns, so the merge thread's work, except for a file read again in
 * one piece. */
static OffloadCrunchMerger *
plan_first_pass (const OffloadPilotSummary  *summary,
                 guint                       bins,
                 guint64                     chunk_size,
                 guint                       n_chunks,
                 gboolean                   *covered,
                 guint                      *bits,
                 char                      **plan_json)
{
  OffloadRefinePlan *plan = offload_pilot_make_plan (summary, bins, chunk_size, covered);
  g_autoptr(JsonNode) node = offload_refine_plan_to_json (plan);

  *bits = histogram_bits (summary, *covered);
  *plan_json = offload_json_to_string (node, FALSE);
  return offload_crunch_merger_new (n_chunks, bins, *bits, plan);
}

/* A fresh merger for the first pass, on the main thread. */
static void
new_merger (OffloadCrunchJob *self)
{
  g_autofree char *plan_json = NULL;
  OffloadCrunchMerger *merger = plan_first_pass (self->summary, self->bins,
                                                 self->pass_chunk_size, self->chunks->len,
                                                 &self->covered, &self->histogram_bits,
                                                 &plan_json);

  g_free (self->plan_json);
  self->plan_json = g_steal_pointer (&plan_json);
  g_clear_pointer (&self->merger, offload_crunch_merger_free);
  self->merger = merger;
}

/* The merge thread: parses a chunk's result and merges it, one at a
 * time, so the main thread never spends a frame on megabytes of JSON.
 * The merger is the thread's while a pass runs and the main thread's
 * between passes. Each item is handed over with release and acquire
 * atomics: the thread pool's own locks are futexes ThreadSanitizer does
 * not see. */

typedef struct
{
  OffloadCrunchJob   *self;
  OffloadCrunchPhase  phase;
  guint               index;
  int                 pid;
  char               *line;
  char               *stderr_tail;  /* the worker's, for the details of a result not valid */
  guint64             records;
  gboolean            finishing;  /* not a chunk: the end of the pass's merging */
  char               *plan;       /* then: the next pass's plan, as JSON, or NULL */
  /* The sample's result: what the first pass needs to know, copied; and
   * what the thread makes of it, with its plan (above). */
  guint64             size;
  guint64             chunk_size_asked;
  guint               workers;
  guint               bins;
  OffloadPilotSummary *summary;
  guint64             chunk_size;
  gboolean            covered;
  guint               histogram_bits;
  OffloadCrunchMerger *merger;
  GError             *error;
  int                 handed;     /* atomics */
  int                 merged;
} Merge;

static void
merge_free (Merge *merge)
{
  g_clear_object (&merge->self);
  g_free (merge->line);
  g_free (merge->stderr_tail);
  g_free (merge->plan);
  g_clear_pointer (&merge->summary, offload_pilot_summary_free);
  g_clear_pointer (&merge->merger, offload_crunch_merger_free);
  g_clear_error (&merge->error);
  g_free (merge);
}

static gboolean merged_cb (gpointer data);

static gboolean
merge_line (OffloadCrunchJob  *self,
            Merge             *merge,
            GError           **error)
{
  g_autoptr(JsonNode) node = NULL;
  OffloadWorkerMessage message;

  if (!offload_worker_parse_line (merge->line, &message, &node, error))
    return FALSE;
  g_assert (message == OFFLOAD_WORKER_RESULT);

  switch (merge->phase)
    {
    case OFFLOAD_CRUNCH_PHASE_SAMPLE:
      {
        /* A few numbers a column, and the first pass planned from them. */
        OffloadPilotSummary *summary = offload_pilot_summary_from_json (node, error);

        if (summary == NULL)
          return FALSE;
        merge->summary = summary;
        if (summary->first_nul != G_MAXUINT64)
          {
            set_sample_binary_error (error, summary);
            return FALSE;
          }
        g_debug ("sample: %" G_GUINT64_FORMAT " rows of %u columns in %" G_GUINT64_FORMAT
                 " bytes%s", summary->rows, summary->n_columns, summary->bytes,
                 summary->whole ? " (the whole file)" : "");
        merge->chunk_size = chunk_size_for (summary, merge->size, merge->chunk_size_asked,
                                            merge->workers, FALSE);
        merge->merger = plan_first_pass (summary, merge->bins, merge->chunk_size,
                                         n_chunks_of (merge->size, merge->chunk_size),
                                         &merge->covered, &merge->histogram_bits,
                                         &merge->plan);
        return TRUE;
      }

    case OFFLOAD_CRUNCH_PHASE_SCAN:
      {
        JsonObject *object = json_node_get_object (node);
        JsonNode *stats_node = json_object_get_member (object, "stats");
        JsonNode *planned_node = json_object_get_member (object, "planned");
        const OffloadRefinePlan *plan = offload_crunch_merger_get_scan_plan (self->merger);
        OffloadChunkStats *stats;
        OffloadRefineStats *planned;

        if (stats_node == NULL || planned_node == NULL)
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         _("The worker’s result is not valid: %s"), "scan");
            return FALSE;
          }
        planned = offload_refine_stats_from_json (plan, planned_node, error);
        if (planned == NULL)
          return FALSE;
        stats = offload_chunk_stats_from_json (stats_node, error);
        if (stats == NULL)
          {
            offload_refine_stats_free (planned);
            return FALSE;
          }
        merge->records = stats->records;
        return offload_crunch_merger_add_scan (self->merger, merge->index, stats, planned, error);
      }

    case OFFLOAD_CRUNCH_PHASE_REFINE:
      {
        g_autoptr(OffloadRefineStats) stats = NULL;

        stats = offload_refine_stats_from_json (self->plan, node, error);
        if (stats == NULL)
          return FALSE;
        offload_crunch_merger_add_refine (self->merger, stats);
        return TRUE;
      }

    case OFFLOAD_CRUNCH_PHASE_IDLE:
    case OFFLOAD_CRUNCH_PHASE_DONE:
    default:
      g_assert_not_reached ();
    }
}

static void
merge_func (gpointer data,
            gpointer user_data)
{
  Merge *merge = data;

  GSource *source;
  GMainContext *context;

  g_assert (g_atomic_int_get (&merge->handed) == 1);
  if (merge->finishing)
    {
      /* The quartiles read off the windows (sorting them), the histograms
       * summed from their cells: tens of milliseconds on a large file,
       * not for the main thread. */
      OffloadCrunchMerger *merger = merge->self->merger;
      gboolean ok = merge->phase == OFFLOAD_CRUNCH_PHASE_SCAN
                    ? offload_crunch_merger_finish_scan (merger, &merge->error)
                    : offload_crunch_merger_finish_refine (merger, &merge->error);
      const OffloadRefinePlan *plan = ok ? offload_crunch_merger_get_plan (merger) : NULL;

      /* A merger that says no without a word: still no result. */
      if (!ok && merge->error == NULL)
        g_set_error_literal (&merge->error, OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_WORKER,
                             _("The workers’ results could not be combined"));

      if (plan != NULL)
        {
          g_autoptr(JsonNode) node = offload_refine_plan_to_json (plan);

          merge->plan = offload_json_to_string (node, FALSE);
        }
    }
  else if (!merge_line (merge->self, merge, &merge->error) && merge->error == NULL)
    g_set_error_literal (&merge->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         _("The worker’s result could not be merged"));

  /* Back on the job's thread, always later: g_main_context_invoke() would
   * run it here when nobody owns that context at this moment. The item
   * is the main thread's once `merged` is set: nothing of it is read
   * after that. */
  context = merge->self->context;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, merged_cb, merge, NULL);
  g_atomic_int_set (&merge->merged, 1);
  g_source_attach (source, context);
  g_source_unref (source);
}

static void
chunk_done (OffloadCrunchJob *self,
            guint             index)
{
  Chunk *chunk = &g_array_index (self->chunks, Chunk, index);

  chunk->state = CHUNK_DONE;
  self->chunks_done++;
  self->bytes_done += chunk->end - chunk->start;
}

/* A chunk's worker failed: once more on a fresh worker, then give up. */
static void
chunk_failed (OffloadCrunchJob *self,
              guint             index,
              const char       *what,
              char             *details)
{
  Chunk *chunk = &g_array_index (self->chunks, Chunk, index);
  g_autofree char *message = NULL;

  chunk->attempts++;
  if (chunk->attempts >= 2)
    {
      g_autofree char *all = g_strdup_printf ("%s\n\n%s", chunk->first_failure, details);

      if (self->phase == OFFLOAD_CRUNCH_PHASE_SAMPLE)
        fail (self, g_error_new (OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_WORKER,
                                 _("The sample failed twice: %s"), what), all);
      else
        fail (self, g_error_new (OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_WORKER,
                                 _("Chunk %u failed twice: %s"), index + 1, what), all);
      return;
    }

  /* Said now, as it happens; in the result, once it is over. */
  if (self->phase == OFFLOAD_CRUNCH_PHASE_SAMPLE)
    {
      message = g_strdup_printf (_("The sample failed: %s. It runs again on a fresh worker."),
                                 what);
      g_ptr_array_add (self->events,
                       g_strdup_printf (_("The sample failed: %s. It ran again on a fresh "
                                          "worker."), what));
    }
  else
    {
      message = g_strdup_printf (_("Chunk %u failed: %s. It runs again on a fresh worker."),
                                 index + 1, what);
      g_ptr_array_add (self->events,
                       g_strdup_printf (_("Chunk %u failed: %s. It ran again on a fresh "
                                          "worker."), index + 1, what));
    }
  g_free (chunk->first_failure);
  chunk->first_failure = g_strdup (details);
  chunk->state = CHUNK_PENDING;
  self->retries++;
  g_signal_emit (self, signals[EVENT], 0, message);
  schedule (self);
}

static void after_pass (OffloadCrunchJob *self,
                        char             *plan);

static gboolean
merged_cb (gpointer data)
{
  Merge *merge = data;
  OffloadCrunchJob *self = merge->self;

  g_assert (g_atomic_int_get (&merge->merged) == 1);
  self->merging--;

  if (self->task == NULL)
    ;                           /* already ended */
  else if (merge->finishing && self->error == NULL)
    {
      if (merge->error != NULL)
        fail (self, g_steal_pointer (&merge->error), NULL);
      else
        after_pass (self, g_steal_pointer (&merge->plan));
    }
  else if (self->error != NULL)
    {
      if (all_stopped (self))
        finish (self, NULL);
    }
  else if (merge->error == NULL && merge->phase == OFFLOAD_CRUNCH_PHASE_SAMPLE)
    {
      g_clear_pointer (&self->summary, offload_pilot_summary_free);
      self->summary = g_steal_pointer (&merge->summary);
      g_clear_pointer (&self->merger, offload_crunch_merger_free);
      self->merger = g_steal_pointer (&merge->merger);
      g_free (self->plan_json);
      self->plan_json = g_steal_pointer (&merge->plan);
      self->pass_chunk_size = merge->chunk_size;
      self->covered = merge->covered;
      self->histogram_bits = merge->histogram_bits;
      chunk_done (self, merge->index);
      schedule (self);
    }
  else if (merge->error == NULL)
    {
      self->rows_done += merge->records;
      chunk_done (self, merge->index);
      schedule (self);
    }
  else if (g_error_matches (merge->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
    {
      g_autofree char *what = g_strdup_printf (_("the worker’s result was not valid (%s)"),
                                               merge->error->message);
      g_autofree char *details = chunk_details (self, (int) merge->index, merge->pid,
                                                merge->stderr_tail, what);

      chunk_failed (self, merge->index, what, details);
    }
  else
    fail (self, g_steal_pointer (&merge->error), NULL);

  merge_free (merge);
  return G_SOURCE_REMOVE;
}

static void
push_merge (OffloadCrunchJob *self,
            guint             index,
            int               pid,
            char             *line,
            char             *stderr_tail)
{
  Merge *merge = g_new0 (Merge, 1);

  merge->self = g_object_ref (self);
  merge->phase = self->phase;
  merge->index = index;
  merge->pid = pid;
  merge->line = line;
  merge->stderr_tail = stderr_tail;
  merge->size = self->size;
  merge->chunk_size_asked = self->chunk_size;
  merge->workers = self->workers;
  merge->bins = self->bins;
  g_array_index (self->chunks, Chunk, index).state = CHUNK_MERGING;
  self->merging++;
  g_atomic_int_set (&merge->handed, 1);
  g_thread_pool_push (self->merge_thread, merge, NULL);
}

/* Each worker of the first pass assumed its chunk starts outside quotes
 * (the first chunk does), and counted the chunk's quotes. Once the counts
 * of every chunk before one are in, their parity says whether it was
 * right: then its result is merged; if not (a quoted field with a line
 * end across the chunk's start), the chunk is read again from where its
 * records really start. This saves a pass over the whole file that only
 * counted quotes. */
static void
release_held (OffloadCrunchJob *self)
{
  gboolean parity = FALSE;

  for (guint i = 0; i < self->chunks->len; i++)
    {
      Chunk *chunk = &g_array_index (self->chunks, Chunk, i);

      if (chunk->state == CHUNK_HELD)
        {
          if (chunk->known && chunk->in_quotes != parity)
            {
              /* Read from the parity of the chunks before it, which it
               * no longer is: their quotes are not what they were. Not
               * read once more, and once more, for ever. */
              fail (self, g_error_new_literal (OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_CHANGED,
                                               _("The file changed while it was read: its "
                                                 "quotes are not where they were")),
                    NULL);
              return;
            }
          if (chunk->in_quotes == parity)
            chunk->known = TRUE;    /* later passes start it there */
          if (chunk->in_quotes != parity)
            {
              g_clear_pointer (&chunk->held, g_free);
              g_clear_error (&chunk->held_error);
              g_clear_pointer (&chunk->held_details, g_free);
              chunk->in_quotes = parity;
              chunk->known = TRUE;
              chunk->state = CHUNK_PENDING;
              self->rereads++;
            }
          else if (chunk->held != NULL)
            push_merge (self, i, chunk->held_pid, g_steal_pointer (&chunk->held),
                        g_steal_pointer (&chunk->held_stderr));
          else
            {
              /* Its error about the file stands, unless a stray quote
               * before it misled the quote counts: the end of the pass
               * says (a read in one piece then). */
              if (self->deferred == NULL)
                {
                  self->deferred = g_steal_pointer (&chunk->held_error);
                  self->deferred_details = g_steal_pointer (&chunk->held_details);
                }
              g_clear_error (&chunk->held_error);
              g_clear_pointer (&chunk->held_details, g_free);
              chunk_done (self, i);
            }
        }
      if (chunk->quotes < 0)
        break;
      parity ^= (chunk->quotes & 1) == 1;
    }
}

static void
lane_done (Lane *lane)
{
  g_autoptr(OffloadCrunchJob) self = g_object_ref (lane->job);
  g_autoptr(GError) error = NULL;
  Chunk *chunk;
  int index = lane->chunk;

  if (!lane->exited || !lane->stdout_done || !lane->stderr_done)
    return;

  if (self->error != NULL || index < 0)
    {
      /* Stopping: this one is done. */
      lane_reset (lane);
      if (all_stopped (self) && self->task != NULL)
        finish (self, NULL);
      return;
    }

  chunk = &g_array_index (self->chunks, Chunk, index);

  if (lane->fault == NULL && lane->first_nul >= 0)
    {
      /* Binary data, whatever else the worker says. */
      set_binary_error (&error, (guint64) lane->first_nul);
      lane_reset (lane);
      fail (self, g_steal_pointer (&error), NULL);
      return;
    }

  if (lane->fault == NULL && lane->result != NULL
      && g_subprocess_get_if_exited (lane->process)
      && g_subprocess_get_exit_status (lane->process) == 0)
    {
      switch (self->phase)
        {
        case OFFLOAD_CRUNCH_PHASE_SCAN:
          if (lane->quotes < 0 || lane->in_quotes < 0)
            {
              lane->fault = g_strdup_printf (_("the worker’s result was not valid (%s)"),
                                             "quotes");
              break;
            }
          if (chunk->known && (lane->in_quotes == 1) != chunk->in_quotes)
            {
              lane->fault = g_strdup (_("the worker did not start its chunk where it was told"));
              break;
            }
          chunk->quotes = lane->quotes;
          chunk->in_quotes = lane->in_quotes == 1;
          chunk->rows = lane->rows;
          chunk->held = g_steal_pointer (&lane->result);
          chunk->held_pid = lane->pid;
          g_free (chunk->held_stderr);
          chunk->held_stderr = g_strdup (lane->stderr_tail->str);
          chunk->state = CHUNK_HELD;
          lane->chunks_done++;
          lane_reset (lane);
          release_held (self);
          schedule (self);
          return;

        case OFFLOAD_CRUNCH_PHASE_SAMPLE:
        case OFFLOAD_CRUNCH_PHASE_REFINE:
        case OFFLOAD_CRUNCH_PHASE_IDLE:
        case OFFLOAD_CRUNCH_PHASE_DONE:
        default:
          {
            int pid = lane->pid;
            char *line = g_steal_pointer (&lane->result);
            char *stderr_tail = g_strdup (lane->stderr_tail->str);

            chunk->rows = lane->rows;
            lane->chunks_done++;
            lane_reset (lane);
            push_merge (self, (guint) index, pid, line, stderr_tail);
            schedule (self);
            return;
          }
        }
    }
  else if (lane->fault == NULL && lane->reported != NULL)
    {
      /* The worker's own words about the file: again would say the same. */
      g_autofree char *details = chunk_details (self, lane->chunk, lane->pid,
                                                lane->stderr_tail->str, lane->reported);
      gint64 quotes = lane->quotes;
      int in_quotes = lane->in_quotes;

      error = g_error_new_literal (OFFLOAD_CRUNCH_ERROR, lane->reported_kind, lane->reported);
      lane_reset (lane);

      /* Unless the chunk was read from the wrong place (it starts inside
       * quotes, or a stray quote before it misled the counts): a parse
       * error there waits until that is known. */
      if (self->phase == OFFLOAD_CRUNCH_PHASE_SCAN && !self->single_piece && index > 0
          && error->code == OFFLOAD_CRUNCH_ERROR_NOT_CSV && quotes >= 0 && in_quotes >= 0)
        {
          chunk->quotes = quotes;
          chunk->in_quotes = in_quotes == 1;
          chunk->held_error = g_steal_pointer (&error);
          chunk->held_details = g_steal_pointer (&details);
          chunk->state = CHUNK_HELD;
          release_held (self);
          schedule (self);
          return;
        }

      fail (self, g_steal_pointer (&error), details);
      return;
    }

  /* A fault: once more on a fresh worker, then give up. */
  {
    g_autofree char *what = describe_exit (lane);
    g_autofree char *details = chunk_details (self, lane->chunk, lane->pid, lane->stderr_tail->str,
                                              what);

    lane_reset (lane);
    chunk_failed (self, (guint) index, what, details);
  }
}

/* Reading a worker. */

static void read_stdout (Lane *lane);
static void read_stderr (Lane *lane);

static void
lane_fault (Lane       *lane,
            const char *fault)
{
  if (lane->fault == NULL)
    lane->fault = g_strdup (fault);
  if (lane->process != NULL)
    g_subprocess_force_exit (lane->process);
}

/* What a worker says is checked, whatever it says. */
static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && json_node_get_value_type (node) == G_TYPE_INT64
         ? json_node_get_int (node) : 0;
}

/* The quotes and first NUL byte of a chunk, as its worker counted them. */
static void
take_counts (Lane       *lane,
             JsonObject *object)
{
  JsonNode *quotes = json_object_get_member (object, "quotes");
  JsonNode *nul = json_object_get_member (object, "nul");
  JsonNode *in_quotes = json_object_get_member (object, "in_quotes");

  if (quotes != NULL && json_node_get_value_type (quotes) == G_TYPE_INT64
      && json_node_get_int (quotes) >= 0)
    lane->quotes = json_node_get_int (quotes);
  if (nul != NULL && json_node_get_value_type (nul) == G_TYPE_INT64
      && json_node_get_int (nul) >= 0)
    lane->first_nul = json_node_get_int (nul);
  /* Of the right type, or not taken at all: json-glib's getters are
   * critical about others, and a worker may print anything. */
  if (in_quotes != NULL && json_node_get_value_type (in_quotes) == G_TYPE_BOOLEAN)
    lane->in_quotes = json_node_get_boolean (in_quotes);
}

static void
take_line (Lane       *lane,
           const char *line)
{
  g_autoptr(JsonNode) payload = NULL;
  g_autoptr(GError) error = NULL;
  OffloadWorkerMessage message;

  if (lane->fault != NULL)
    return;

  /* A result can be megabytes of JSON: the merge thread parses it. */
  if (g_str_has_prefix (line, "result "))
    {
      lane->last_heard = g_get_monotonic_time ();
      g_free (lane->result);
      lane->result = g_strdup (line);
      return;
    }

  if (!offload_worker_parse_line (line, &message, &payload, &error))
    {
      g_autofree char *shown = g_utf8_make_valid (line, MIN (strlen (line), 60));
      g_autofree char *escaped = g_strescape (shown, NULL);
      g_autofree char *fault = g_strdup_printf (_("the worker printed something that is not a "
                                                  "message: “%s”"), escaped);

      lane_fault (lane, fault);
      return;
    }

  lane->last_heard = g_get_monotonic_time ();
  switch (message)
    {
    case OFFLOAD_WORKER_PROGRESS:
      {
        JsonObject *object = json_node_get_object (payload);

        if (json_object_has_member (object, "done"))
          take_counts (lane, object);
        else
          {
            lane->bytes_done = (guint64) MAX (0, member_int (object, "bytes"));
            lane->rows = (guint64) MAX (0, member_int (object, "rows"));
          }
      }
      break;

    case OFFLOAD_WORKER_RESULT:     /* taken above, as it is */

    case OFFLOAD_WORKER_ERROR:
      {
        JsonObject *object = json_node_get_object (payload);
        const char *text = member_string (object, "message");

        const char *kind = member_string (object, "kind");

        take_counts (lane, object);
        g_free (lane->reported);
        lane->reported = g_strdup (text != NULL ? text : _("the worker failed"));
        lane->reported_kind = g_strcmp0 (kind, "read") == 0 ? OFFLOAD_CRUNCH_ERROR_FILE
                              : g_strcmp0 (kind, "changed") == 0 ? OFFLOAD_CRUNCH_ERROR_CHANGED
                              : OFFLOAD_CRUNCH_ERROR_NOT_CSV;
      }
      break;

    default:
      break;
    }
}

static void
on_stdout (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Lane *lane = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  const char *data;
  gsize length;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;                     /* the lane was reset: it is not ours any more */

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      if (lane->line->len > 0)
        take_line (lane, lane->line->str);
      g_string_truncate (lane->line, 0);
      lane->stdout_done = TRUE;
      lane_done (lane);
      return;
    }

  data = g_bytes_get_data (bytes, &length);
  while (length > 0)
    {
      const char *newline = memchr (data, '\n', length);
      gsize n = newline != NULL ? (gsize) (newline - data) : length;

      if (lane->line->len + n > OFFLOAD_WORKER_MAX_LINE)
        {
          lane_fault (lane, _("the worker printed a line longer than 64 MiB"));
          g_string_truncate (lane->line, 0);
          break;
        }
      g_string_append_len (lane->line, data, (gssize) n);
      if (newline == NULL)
        break;
      take_line (lane, lane->line->str);
      g_string_truncate (lane->line, 0);
      data += n + 1;
      length -= n + 1;
    }

  read_stdout (lane);
}

static void
read_stdout (Lane *lane)
{
  g_input_stream_read_bytes_async (g_subprocess_get_stdout_pipe (lane->process), READ_SIZE,
                                   G_PRIORITY_DEFAULT, lane->io, on_stdout, lane);
}

static void
on_stderr (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Lane *lane = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      lane->stderr_done = TRUE;
      lane_done (lane);
      return;
    }

  /* Only the tail is kept: the last lines say what went wrong. */
  g_string_append_len (lane->stderr_tail, g_bytes_get_data (bytes, NULL),
                       (gssize) g_bytes_get_size (bytes));
  if (lane->stderr_tail->len > STDERR_TAIL_BYTES)
    {
      gsize cut = lane->stderr_tail->len - STDERR_TAIL_BYTES;
      const char *newline = memchr (lane->stderr_tail->str + cut, '\n', STDERR_TAIL_BYTES);

      if (newline != NULL)
        cut = (gsize) (newline - lane->stderr_tail->str) + 1;
      g_string_erase (lane->stderr_tail, 0, (gssize) cut);
    }

  read_stderr (lane);
}

static void
read_stderr (Lane *lane)
{
  g_input_stream_read_bytes_async (g_subprocess_get_stderr_pipe (lane->process), READ_SIZE,
                                   G_PRIORITY_DEFAULT, lane->io, on_stderr, lane);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Lane *lane = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  lane->exited = TRUE;
  g_clear_handle_id (&lane->kill_source, g_source_remove);
  lane_done (lane);
}

/* The plan, as a file in memory for a worker's standard input: no pipe
 * to write asynchronously, and none to break (SIGPIPE) if the worker dies
 * before it has read it. */
static int
plan_fd (const char  *plan,
         GError     **error)
{
  gsize left = strlen (plan);
  int fd = memfd_create ("offload-plan", MFD_CLOEXEC);

  if (fd < 0)
    goto failed;
  while (left > 0)
    {
      gssize n = write (fd, plan, left);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        goto failed;
      plan += n;
      left -= (gsize) n;
    }
  if (lseek (fd, 0, SEEK_SET) != 0)
    goto failed;

  return fd;

failed:
  {
    int saved = errno;

    if (fd >= 0)
      close (fd);
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                 "%s", g_strerror (saved));
    return -1;
  }
}

static void
start_chunk (OffloadCrunchJob *self,
             Lane             *lane,
             guint             index)
{
  Chunk *chunk = &g_array_index (self->chunks, Chunk, index);
  g_autofree char *start = g_strdup_printf ("%" G_GUINT64_FORMAT, chunk->start);
  g_autofree char *end = g_strdup_printf ("%" G_GUINT64_FORMAT, chunk->end);
  g_autofree char *bits = g_strdup_printf ("%u", self->histogram_bits);
  /* The first read of a chunk guesses where it starts; a second one,
   * after the counts of the chunks before it said, knows. */
  const char *in_quotes = chunk->known ? (chunk->in_quotes ? "1" : "0") : "?";
  g_autoptr(GError) error = NULL;
  const char *args[8] = { NULL };
  int stdin_fd = -1;

  switch (self->phase)
    {
    case OFFLOAD_CRUNCH_PHASE_SAMPLE:
      args[0] = "sample", args[1] = self->path;
      break;
    case OFFLOAD_CRUNCH_PHASE_SCAN:
      args[0] = "scan", args[1] = self->path, args[2] = start, args[3] = end;
      args[4] = in_quotes, args[5] = bits;
      break;
    case OFFLOAD_CRUNCH_PHASE_REFINE:
    case OFFLOAD_CRUNCH_PHASE_IDLE:
    case OFFLOAD_CRUNCH_PHASE_DONE:
    default:
      args[0] = "refine", args[1] = self->path, args[2] = start, args[3] = end;
      args[4] = in_quotes;
      break;
    }

  if ((self->phase == OFFLOAD_CRUNCH_PHASE_REFINE || self->phase == OFFLOAD_CRUNCH_PHASE_SCAN)
      && (stdin_fd = plan_fd (self->plan_json, &error)) < 0)
    lane->process = NULL;
  else
    lane->process = offload_worker_launcher_spawn (args, stdin_fd, &error);
  if (lane->process == NULL)
    {
      g_autofree char *details = g_strdup_printf ("%s: %s", offload_worker_launcher_get_path (),
                                                  error->message);

      fail (self, g_error_new (OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_WORKER,
                               _("Could not start a worker: %s"), error->message), details);
      return;
    }

  chunk->state = CHUNK_RUNNING;
  lane->chunk = (int) index;
  lane->io = g_cancellable_new ();
  lane->started = lane->last_heard = g_get_monotonic_time ();
  {
    /* NULL when the worker has already ended and been reaped. */
    const char *identifier = g_subprocess_get_identifier (lane->process);

    lane->pid = identifier != NULL ? (int) g_ascii_strtoll (identifier, NULL, 10) : 0;
  }

  read_stdout (lane);
  read_stderr (lane);
  g_subprocess_wait_async (lane->process, lane->io, on_exited, lane);
}

/* Passes. */

static void
make_chunks (OffloadCrunchJob *self,
             guint64           chunk_size)
{
  self->pass_chunk_size = chunk_size;
  g_debug ("chunks of %" G_GUINT64_FORMAT " bytes (%s)", chunk_size,
           self->chunk_size == 0 ? "as the sample allows" : "as asked");

  g_array_set_size (self->chunks, 0);
  for (guint64 start = 0; start < self->size; start += chunk_size)
    {
      /* The first chunk, and a file read in one piece, start outside quotes. */
      Chunk chunk = { start, MIN (start + chunk_size, self->size), FALSE, start == 0, -1, 0,
                      CHUNK_PENDING, NULL, NULL, 0, NULL, NULL, NULL };

      g_array_append_val (self->chunks, chunk);
    }
  g_assert (self->chunks->len == n_chunks_of (self->size, chunk_size));
}

static guint64
modified (GFileInfo *info)
{
  return g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) * G_USEC_PER_SEC
         + g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC);
}

static void
on_final_info (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(OffloadCrunchJob) self = user_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  OffloadCrunchResult *stats;

  info = g_file_query_info_finish (G_FILE (source), result, &error);
  if (self->task == NULL || self->error != NULL)
    return;
  if (info == NULL
      || (guint64) g_file_info_get_size (info) != self->size
      || modified (info) != self->mtime)
    {
      fail (self, g_error_new_literal (OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_CHANGED,
                                       _("The file changed while it was read: run again for "
                                         "statistics of what it holds now")), NULL);
      return;
    }

  stats = offload_crunch_merger_get_result (self->merger);
  stats->passes = self->pass;
  stats->path = g_strdup (self->path);
  stats->bytes = self->size;
  stats->workers = self->workers;
  stats->chunks = self->chunks->len;
  stats->rereads = self->rereads;
  stats->seconds = (g_get_monotonic_time () - self->run_started) / (double) G_USEC_PER_SEC;
  for (guint i = 0; i < self->events->len; i++)
    g_ptr_array_add (stats->events, g_strdup (g_ptr_array_index (self->events, i)));
  finish (self, stats);
}

static void
end_pass (OffloadCrunchJob *self)
{
  switch (self->phase)
    {
    case OFFLOAD_CRUNCH_PHASE_SAMPLE:
      /* The first pass, planned by the sample; every chunk but the first
       * assumes it starts outside quotes, as release_held() checks. */
      g_debug ("sample: %.3f s", (g_get_monotonic_time () - self->pass_started)
                                 / (double) G_USEC_PER_SEC);
      /* The merge thread made the first pass's merger from it. */
      self->phase = OFFLOAD_CRUNCH_PHASE_SCAN;
      make_chunks (self, self->pass_chunk_size);
      break;

    case OFFLOAD_CRUNCH_PHASE_SCAN:
      if (offload_crunch_merger_is_irregular (self->merger) && !self->single_piece)
        {
          /* A stray quote somewhere: parity cannot say where records
           * begin, so the file is read again in one piece. */
          self->single_piece = TRUE;
          g_clear_error (&self->deferred);
          g_clear_pointer (&self->deferred_details, g_free);
          make_chunks (self, chunk_size_for (self->summary, self->size, self->chunk_size,
                                             self->workers, TRUE));
          new_merger (self);
          self->rows_done = 0;
          break;
        }
      if (self->deferred != NULL)
        {
          g_autofree char *details = g_steal_pointer (&self->deferred_details);

          fail (self, g_steal_pointer (&self->deferred), details);
          return;
        }
      g_debug ("first pass read: %.3f s, %u chunks read again from their real start",
               (g_get_monotonic_time () - self->pass_started) / (double) G_USEC_PER_SEC,
               self->rereads);
      /* Fall through: the merge thread ends the pass. */
      G_GNUC_FALLTHROUGH;

    case OFFLOAD_CRUNCH_PHASE_REFINE:
      {
        Merge *merge = g_new0 (Merge, 1);

        merge->self = g_object_ref (self);
        merge->phase = self->phase;
        merge->finishing = TRUE;
        self->merging++;
        g_atomic_int_set (&merge->handed, 1);
        g_thread_pool_push (self->merge_thread, merge, NULL);
      }
      return;

    case OFFLOAD_CRUNCH_PHASE_IDLE:
    case OFFLOAD_CRUNCH_PHASE_DONE:
    default:
      g_assert_not_reached ();
    }

  start_pass (self);
}

/* The merge thread has ended a pass: the merger is ours again, and says
 * what the next pass counts (@plan, as JSON, taken), if anything. */
static void
after_pass (OffloadCrunchJob *self,
            char             *plan)
{
  self->phase = OFFLOAD_CRUNCH_PHASE_REFINE;
  self->plan = offload_crunch_merger_get_plan (self->merger);
  if (self->plan == NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (self->path);

      g_free (plan);
      /* The answer holds only if the file is still the one read. */
      g_file_query_info_async (file,
                               G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                               G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                               G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                               G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, NULL,
                               on_final_info, g_object_ref (self));
      return;
    }
  g_free (self->plan_json);
  self->plan_json = plan;
  start_pass (self);
}

static void
schedule (OffloadCrunchJob *self)
{
  /* Ending the job can drop the caller's last reference to it. */
  G_GNUC_UNUSED g_autoptr(OffloadCrunchJob) hold = g_object_ref (self);

  if (self->error != NULL || self->task == NULL)
    return;

  if (self->chunks_done == self->chunks->len)
    {
      end_pass (self);
      return;
    }

  for (guint i = 0; i < self->n_lanes && self->error == NULL; i++)
    {
      Lane *lane = &self->lanes[i];
      guint next;

      if (lane_busy (lane))
        continue;
      for (next = 0; next < self->chunks->len; next++)
        if (g_array_index (self->chunks, Chunk, next).state == CHUNK_PENDING)
          break;
      if (next == self->chunks->len)
        return;
      start_chunk (self, lane, next);
    }
}

static void
start_pass (OffloadCrunchJob *self)
{
  if (self->pass > 0)
    g_debug ("pass %u: %u chunks in %.3f s, %u read again from their real start",
             self->pass, self->chunks->len,
             (g_get_monotonic_time () - self->pass_started) / (double) G_USEC_PER_SEC,
             self->rereads);
  /* The sample is no pass over the file. */
  if (self->phase != OFFLOAD_CRUNCH_PHASE_SAMPLE)
    self->pass++;
  self->pass_started = g_get_monotonic_time ();
  self->chunks_done = 0;
  self->bytes_done = 0;
  for (guint i = 0; i < self->chunks->len; i++)
    {
      Chunk *chunk = &g_array_index (self->chunks, Chunk, i);

      chunk->state = CHUNK_PENDING;
      chunk->attempts = 0;
      g_clear_pointer (&chunk->first_failure, g_free);
    }
  schedule (self);
}

static gboolean
check_hangs (gpointer data)
{
  OffloadCrunchJob *self = data;
  gint64 now = g_get_monotonic_time ();
  gboolean late = now - self->hang_checked > LATE_CHECK_US;

  self->hang_checked = now;
  /* A check long overdue means this main loop stood still (a blocking
   * demo, a debugger, Ctrl+Z): the workers' lines wait unread, and the
   * silence was ours. Each worker gets the whole timeout again; killing
   * them now took finished workers for hung ones. */
  if (late)
    {
      for (guint i = 0; i < self->n_lanes; i++)
        self->lanes[i].last_heard = MAX (self->lanes[i].last_heard, now);
      return G_SOURCE_CONTINUE;
    }

  for (guint i = 0; i < self->n_lanes; i++)
    {
      Lane *lane = &self->lanes[i];

      if (lane_busy (lane) && !lane->stopping && lane->fault == NULL
          && now - lane->last_heard > self->hang_timeout)
        {
          g_autofree char *fault = g_strdup_printf (_("the worker stopped responding (nothing "
                                                      "for %.0f s)"),
                                                    self->hang_timeout / (double) G_USEC_PER_SEC);

          lane_fault (lane, fault);
        }
    }

  return G_SOURCE_CONTINUE;
}

static void
on_file_info (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(OffloadCrunchJob) self = user_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = g_file_query_info_finish (G_FILE (source), result, &error);
  if (self->task == NULL || self->error != NULL)
    return;
  if (info == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail (self, g_steal_pointer (&error), NULL);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        fail (self, g_error_new (OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_FILE,
                                 _("“%s” does not exist"), self->display_name), NULL);
      else
        fail (self, g_error_new_literal (OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_FILE,
                                         error->message), NULL);
      return;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      fail (self, g_error_new (OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_FILE,
                               _("“%s” is not a regular file"), self->display_name), NULL);
      return;
    }

  self->size = (guint64) g_file_info_get_size (info);
  self->mtime = modified (info);
  if (self->size == 0)
    {
      fail (self, g_error_new_literal (OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_EMPTY,
                                       _("The file is empty")), NULL);
      return;
    }

  /* First the sample, by one worker: one chunk that stands for it. */
  {
    Chunk chunk = { 0, self->size, FALSE, TRUE, -1, 0, CHUNK_PENDING, NULL, NULL, 0, NULL, NULL,
                    NULL };
    guint64 block_size;
    guint n_blocks;

    offload_pilot_blocks (self->size, &block_size, &n_blocks);
    self->sample_bytes = MIN (block_size * n_blocks, self->size);
    g_array_set_size (self->chunks, 0);
    g_array_append_val (self->chunks, chunk);
  }
  self->phase = OFFLOAD_CRUNCH_PHASE_SAMPLE;
  self->hang_checked = g_get_monotonic_time ();
  self->hang_source = g_timeout_add (HANG_CHECK_MS, check_hangs, self);
  start_pass (self);
}

static void
prepare_run (OffloadCrunchJob *self)
{
  self->n_lanes = self->workers;
  self->lanes = g_new0 (Lane, self->n_lanes);
  for (guint i = 0; i < self->n_lanes; i++)
    {
      self->lanes[i].job = self;
      self->lanes[i].index = i;
      self->lanes[i].chunk = -1;
      self->lanes[i].quotes = self->lanes[i].first_nul = self->lanes[i].in_quotes = -1;
      self->lanes[i].line = g_string_new (NULL);
      self->lanes[i].stderr_tail = g_string_new (NULL);
    }
  self->chunks = g_array_new (FALSE, TRUE, sizeof (Chunk));
  g_array_set_clear_func (self->chunks, chunk_clear);
  self->merge_thread = g_thread_pool_new (merge_func, NULL, 1, FALSE, NULL);
  self->run_started = g_get_monotonic_time ();
}

/**
 * offload_crunch_job_run_async:
 * @self: a job, not started before
 * @cancellable: (nullable): cancels the job; it ends when every worker has
 *   been reaped
 * @callback: called on the main thread at the end
 * @user_data: for @callback
 *
 * Computes the statistics in worker processes. Call from the main
 * thread: the workers die with the thread that started them.
 */
void
offload_crunch_job_run_async (OffloadCrunchJob    *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GFile) file = NULL;

  g_return_if_fail (OFFLOAD_IS_CRUNCH_JOB (self));
  g_return_if_fail (self->phase == OFFLOAD_CRUNCH_PHASE_IDLE && self->task == NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, offload_crunch_job_run_async);
  self->context = g_main_context_ref_thread_default ();
  g_task_set_check_cancellable (self->task, FALSE);   /* we say when it has stopped */
  prepare_run (self);
  self->phase = OFFLOAD_CRUNCH_PHASE_SAMPLE;

  if (cancellable != NULL)
    {
      self->cancellable = g_object_ref (cancellable);
      self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled),
                                                  self, NULL);
    }

  file = g_file_new_for_path (self->path);
  g_file_query_info_async (file,
                           G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                           G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                           G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                           G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                           G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, NULL,
                           on_file_info, g_object_ref (self));
}

/**
 * offload_crunch_job_run_finish:
 * @self: a job
 * @result: the callback's
 * @error: why there is no result
 *
 * Returns: (transfer full) (nullable): the statistics
 */
OffloadCrunchResult *
offload_crunch_job_run_finish (OffloadCrunchJob  *self,
                               GAsyncResult      *result,
                               GError           **error)
{
  g_return_val_if_fail (OFFLOAD_IS_CRUNCH_JOB (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* What the UI pulls. */

/**
 * offload_crunch_job_get_progress:
 * @self: a job
 * @progress: (out caller-allocates): where it is
 */
void
offload_crunch_job_get_progress (OffloadCrunchJob      *self,
                                 OffloadCrunchProgress *progress)
{
  double seconds;

  g_return_if_fail (OFFLOAD_IS_CRUNCH_JOB (self));
  g_return_if_fail (progress != NULL);

  memset (progress, 0, sizeof *progress);
  progress->phase = self->phase;
  progress->pass = self->pass;
  /* One pass when the sample planned it well, else one later pass too,
   * unless more were needed. */
  progress->passes = MAX (self->pass, self->phase == OFFLOAD_CRUNCH_PHASE_SAMPLE || self->covered
                                      ? 1 : 2);
  progress->bytes_total = self->phase == OFFLOAD_CRUNCH_PHASE_SAMPLE ? self->sample_bytes
                          : self->size;
  progress->bytes_done = self->bytes_done;
  progress->rows = self->rows_done;
  progress->chunks_done = self->chunks_done;
  progress->chunks_total = self->chunks != NULL ? self->chunks->len : 0;
  progress->retries = self->retries;
  progress->cancelling = self->error != NULL && self->phase != OFFLOAD_CRUNCH_PHASE_DONE;

  /* Chunks read whole, their results not merged yet: still read. */
  for (guint i = 0; self->chunks != NULL && i < self->chunks->len; i++)
    {
      const Chunk *chunk = &g_array_index (self->chunks, Chunk, i);

      if (chunk->state == CHUNK_MERGING || (chunk->state == CHUNK_HELD && chunk->held != NULL))
        {
          progress->bytes_done += chunk->end - chunk->start;
          if (self->phase == OFFLOAD_CRUNCH_PHASE_SCAN)
            progress->rows += chunk->rows;
        }
    }
  for (guint i = 0; i < self->n_lanes; i++)
    {
      const Lane *lane = &self->lanes[i];

      if (lane->chunk >= 0 && lane_busy (lane))
        {
          const Chunk *chunk = &g_array_index (self->chunks, Chunk, lane->chunk);

          progress->bytes_done += MIN (lane->bytes_done, chunk->end - chunk->start);
          if (self->phase == OFFLOAD_CRUNCH_PHASE_SCAN)
            progress->rows += lane->rows;
        }
    }
  progress->bytes_done = MIN (progress->bytes_done, progress->bytes_total);

  seconds = (g_get_monotonic_time () - self->pass_started) / (double) G_USEC_PER_SEC;
  if (self->pass_started != 0 && seconds > 0)
    progress->bytes_per_second = progress->bytes_done / seconds;
}

guint
offload_crunch_job_get_n_lanes (OffloadCrunchJob *self)
{
  g_return_val_if_fail (OFFLOAD_IS_CRUNCH_JOB (self), 0);

  return self->n_lanes;
}

/**
 * offload_crunch_job_get_lane:
 * @self: a job
 * @lane: which, below offload_crunch_job_get_n_lanes()
 * @out: (out caller-allocates): its state
 */
void
offload_crunch_job_get_lane (OffloadCrunchJob  *self,
                             guint              lane,
                             OffloadCrunchLane *out)
{
  const Lane *l;

  g_return_if_fail (OFFLOAD_IS_CRUNCH_JOB (self));
  g_return_if_fail (lane < self->n_lanes);
  g_return_if_fail (out != NULL);

  l = &self->lanes[lane];
  memset (out, 0, sizeof *out);
  out->chunks_done = l->chunks_done;
  if (!lane_busy (l))
    return;

  out->state = l->stopping ? OFFLOAD_CRUNCH_LANE_STOPPING : OFFLOAD_CRUNCH_LANE_RUNNING;
  out->pid = l->pid;
  if (l->chunk >= 0)
    {
      const Chunk *chunk = &g_array_index (self->chunks, Chunk, l->chunk);
      double seconds = (g_get_monotonic_time () - l->started) / (double) G_USEC_PER_SEC;

      out->chunk = (guint) l->chunk;
      out->chunk_start = chunk->start;
      out->chunk_end = chunk->end;
      out->bytes_done = MIN (l->bytes_done, chunk->end - chunk->start);
      out->rows_per_second = seconds > 0 ? l->rows / seconds : 0;
    }
}

/**
 * offload_crunch_job_get_error_details:
 * @self: a job
 *
 * Returns: (nullable): which chunk and worker failed, how, and the
 *   worker's last error output
 */
const char *
offload_crunch_job_get_error_details (OffloadCrunchJob *self)
{
  g_return_val_if_fail (OFFLOAD_IS_CRUNCH_JOB (self), NULL);

  return self->error_details;
}

/**
 * offload_crunch_job_get_stop_duration:
 * @self: a job that was cancelled or failed
 *
 * Returns: how long stopping every worker took, in microseconds
 */
gint64
offload_crunch_job_get_stop_duration (OffloadCrunchJob *self)
{
  g_return_val_if_fail (OFFLOAD_IS_CRUNCH_JOB (self), 0);

  return self->stop_duration;
}

/* The run on the main thread, for contrast: the same passes, one chunk,
 * in this process, until the deadline. */

typedef struct
{
  OffloadCrunchJob *self;
  gint64            deadline;
} Blocking;

static gboolean
blocking_progress (guint64  bytes,
                   guint64  rows,
                   gpointer user_data)
{
  Blocking *blocking = user_data;

  blocking->self->bytes_done = bytes;
  blocking->self->rows_done = rows;
  return blocking->deadline <= 0 || g_get_monotonic_time () < blocking->deadline;
}

static GError *
from_reader_error (OffloadCrunchJob *self,
                   GError           *error)
{
  GError *ours;

  if (g_error_matches (error, OFFLOAD_CHUNK_READER_ERROR, OFFLOAD_CHUNK_READER_ERROR_STOPPED))
    ours = g_error_new_literal (OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_TIME_LIMIT,
                                _("Stopped at the time limit of the run on the main thread"));
  else if (g_error_matches (error, OFFLOAD_CHUNK_READER_ERROR,
                            OFFLOAD_CHUNK_READER_ERROR_CHANGED))
    ours = g_error_new_literal (OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_CHANGED,
                                error->message);
  else if (error->domain == OFFLOAD_CHUNK_READER_ERROR
           && error->code == OFFLOAD_CHUNK_READER_ERROR_READ)
    ours = g_error_new_literal (OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_FILE, error->message);
  else if (error->domain == OFFLOAD_CRUNCH_ERROR)
    ours = g_error_copy (error);
  else
    ours = g_error_new_literal (OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_NOT_CSV,
                                error->message);

  g_error_free (error);
  return ours;
}

/**
 * offload_crunch_job_run_blocking:
 * @self: a job, not started before
 * @deadline: g_get_monotonic_time() at which to give up, or 0 for never
 * @error: why there is no result
 *
 * Computes the same statistics on the calling thread, blocking it: the
 * contrast to offload_crunch_job_run_async().
 *
 * Returns: (transfer full) (nullable): the statistics
 */
OffloadCrunchResult *
offload_crunch_job_run_blocking (OffloadCrunchJob  *self,
                                 gint64             deadline,
                                 GError           **error)
{
  g_autoptr(OffloadChunkReader) reader = NULL;
  g_autoptr(OffloadCrunchMerger) merger = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(OffloadPilotSummary) summary = NULL;
  OffloadRefinePlan *plan;
  OffloadChunkStats *stats;
  OffloadRefineStats *planned = NULL;
  OffloadCrunchResult *result;
  Blocking blocking = { self, deadline };
  GStatBuf buf;
  guint64 quotes, first_nul;
  int fd;

  g_return_val_if_fail (OFFLOAD_IS_CRUNCH_JOB (self), NULL);
  g_return_val_if_fail (self->phase == OFFLOAD_CRUNCH_PHASE_IDLE, NULL);

  self->workers = 0;
  prepare_run (self);
  self->phase = OFFLOAD_CRUNCH_PHASE_SAMPLE;

  fd = g_open (self->path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 || fstat (fd, &buf) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      self->phase = OFFLOAD_CRUNCH_PHASE_DONE;
      if (saved == ENOENT)
        g_set_error (error, OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_FILE,
                     _("“%s” does not exist"), self->display_name);
      else
        g_set_error (error, OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_FILE,
                     _("Could not open “%s”: %s"), self->display_name, g_strerror (saved));
      return NULL;
    }
  if (!S_ISREG (buf.st_mode))
    {
      close (fd);
      self->phase = OFFLOAD_CRUNCH_PHASE_DONE;
      g_set_error (error, OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_FILE,
                   _("“%s” is not a regular file"), self->display_name);
      return NULL;
    }
  self->size = (guint64) buf.st_size;
  if (self->size == 0)
    {
      close (fd);
      self->phase = OFFLOAD_CRUNCH_PHASE_DONE;
      g_set_error_literal (error, OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_EMPTY,
                           _("The file is empty"));
      return NULL;
    }

  reader = offload_chunk_reader_new (fd, 0, self->size, blocking_progress, &blocking);
  summary = offload_chunk_reader_sample (reader, self->size, &local_error);
  if (summary == NULL)
    goto failed;
  if (summary->first_nul != G_MAXUINT64)
    {
      set_sample_binary_error (&local_error, summary);
      goto failed;
    }
  plan = offload_pilot_make_plan (summary, self->bins, self->size, &self->covered);
  self->histogram_bits = histogram_bits (summary, self->covered);
  merger = offload_crunch_merger_new (1, self->bins, self->histogram_bits, plan);

  g_clear_pointer (&reader, offload_chunk_reader_free);
  reader = offload_chunk_reader_new (fd, 0, self->size, blocking_progress, &blocking);
  self->phase = OFFLOAD_CRUNCH_PHASE_SCAN;
  self->pass = 1;
  stats = offload_chunk_reader_scan (reader, FALSE, self->histogram_bits,
                                     offload_crunch_merger_get_scan_plan (merger), &planned,
                                     &local_error);
  if (stats == NULL)
    goto failed;
  if (!offload_chunk_reader_get_quotes (reader, &quotes, &first_nul, &local_error)
      || first_nul != G_MAXUINT64)
    {
      offload_chunk_stats_free (stats);
      offload_refine_stats_free (planned);
      if (local_error == NULL)
        set_binary_error (&local_error, first_nul);
      goto failed;
    }
  if (!offload_crunch_merger_add_scan (merger, 0, stats, planned, &local_error)
      || !offload_crunch_merger_finish_scan (merger, &local_error))
    goto failed;

  self->phase = OFFLOAD_CRUNCH_PHASE_REFINE;
  for (const OffloadRefinePlan *next; (next = offload_crunch_merger_get_plan (merger)) != NULL; )
    {
      g_autoptr(OffloadRefineStats) refined = NULL;

      g_clear_pointer (&reader, offload_chunk_reader_free);
      reader = offload_chunk_reader_new (fd, 0, self->size, blocking_progress, &blocking);
      self->pass++;
      refined = offload_chunk_reader_refine (reader, FALSE, next, &local_error);
      if (refined == NULL)
        goto failed;
      offload_crunch_merger_add_refine (merger, refined);
      g_clear_pointer (&refined, offload_refine_stats_free);    /* before its plan goes */
      if (!offload_crunch_merger_finish_refine (merger, &local_error))
        goto failed;
    }

  close (fd);
  self->phase = OFFLOAD_CRUNCH_PHASE_DONE;
  result = offload_crunch_merger_get_result (merger);
  result->passes = self->pass;
  result->path = g_strdup (self->path);
  result->bytes = self->size;
  result->workers = 0;
  result->chunks = 1;
  result->seconds = (g_get_monotonic_time () - self->run_started) / (double) G_USEC_PER_SEC;
  return result;

failed:
  close (fd);
  self->phase = OFFLOAD_CRUNCH_PHASE_DONE;
  g_propagate_error (error, from_reader_error (self, g_steal_pointer (&local_error)));
  return NULL;
}
