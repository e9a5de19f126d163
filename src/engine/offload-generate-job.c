/* offload-generate-job.c: the sample dataset, written by a worker process
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <signal.h>

#include "offload-generate-job.h"
#include "offload-sample-data.h"
#include "offload-worker-launcher.h"
#include "offload-worker-protocol.h"

/* A gigabyte of CSV is seconds of formatting and writing: it runs in
 * `offload-worker generate`, and the main thread only reads the worker's
 * lines, asynchronously. Everything here happens on the thread that called
 * run_async (the main thread), so the counters need no lock: the worker
 * reports at most ten times a second, and the UI pulls them when it draws.
 *
 * A run ends when three things have: the worker's standard output, its
 * standard error (both read to the end, so that a worker that is being
 * stopped never blocks on a full pipe) and its exit (waited for, so no
 * zombie remains). Only then is the task returned, cancelled or not:
 * "cancelled" means the worker is gone and its temporary file with it. */

/* How long the worker has to remove its temporary file after SIGTERM. */
#define STOP_GRACE_MS    2000

/* What an error report keeps of the worker's standard error. */
#define STDERR_LINES     20
#define STDERR_LINE_MAX  500

struct _OffloadGenerateJob
{
  GObject  parent_instance;

  char    *path;
  guint64  rows;
  guint64  seed;

  guint64  rows_done;
  guint64  bytes_done;

  /* The run in progress, unowned: the run's own callbacks hold it. */
  GTask   *task;
};

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *out;
  GDataInputStream *err;
  GQueue            stderr_tail;     /* char *, oldest first */
  GSource          *cancel_source;
  GSource          *kill_source;
  char             *worker_error;    /* what an `error` line said */
  char             *partial;         /* the worker's temporary file */
  GError           *garbage;         /* the first line that was not a message */
  guint             pending;         /* of stdout, stderr and the exit */
  gboolean          got_result;
  gboolean          exited;
  gboolean          stopping;
  gboolean          cancelled;       /* stopped by a cancel or by dispose */
} Run;

enum {
  PROP_0,
  PROP_PATH,
  PROP_ROWS,
  PROP_SEED,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (OffloadGenerateJob, offload_generate_job, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;

  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static void
run_free (gpointer data)
{
  Run *run = data;

  /* Both sources call back with the task unowned: they are gone before
   * the task is returned, long before it is freed. */
  g_assert (run->cancel_source == NULL);
  g_assert (run->kill_source == NULL);

  g_clear_object (&run->process);
  g_clear_object (&run->out);
  g_clear_object (&run->err);
  g_queue_clear_full (&run->stderr_tail, g_free);
  g_clear_pointer (&run->worker_error, g_free);
  g_clear_pointer (&run->partial, g_free);
  g_clear_error (&run->garbage);
  g_free (run);
}

static gboolean
on_kill_timeout (gpointer user_data)
{
  Run *run = g_task_get_task_data (G_TASK (user_data));

  /* The worker had its chance to clean up; now it just has to go. */
  g_subprocess_force_exit (run->process);
  g_clear_pointer (&run->kill_source, g_source_unref);

  return G_SOURCE_REMOVE;
}

/* SIGTERM first, so the worker removes its temporary file; SIGKILL if it
 * is still there after the grace period. The exit is waited for by the
 * run in any case. */
static void
stop_process (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  if (run->stopping || run->exited)
    return;
  run->stopping = TRUE;

  g_subprocess_send_signal (run->process, SIGTERM);

  run->kill_source = g_timeout_source_new (STOP_GRACE_MS);
  g_source_set_callback (run->kill_source, on_kill_timeout, task, NULL);
  g_source_set_static_name (run->kill_source, "[offload] generate: kill the worker");
  g_source_attach (run->kill_source, g_task_get_context (task));
}

static gboolean
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);

  run->cancelled = TRUE;
  stop_process (task);
  g_clear_pointer (&run->cancel_source, g_source_unref);

  return G_SOURCE_REMOVE;
}

static void
append_stderr (GString *message,
               Run     *run)
{
  if (g_queue_is_empty (&run->stderr_tail))
    return;

  g_string_append (message, "\n\n");
  g_string_append (message, _("Last lines of its error output:"));
  for (GList *l = run->stderr_tail.head; l != NULL; l = l->next)
    g_string_append_printf (message, "\n%s", (const char *) l->data);
}

/* The portable names, since sigabbrev_np() needs _GNU_SOURCE and
 * glibc 2.32. */
static const char *
signal_name (int signum)
{
  switch (signum)
    {
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGHUP: return "SIGHUP";
    case SIGILL: return "SIGILL";
    case SIGINT: return "SIGINT";
    case SIGKILL: return "SIGKILL";
    case SIGPIPE: return "SIGPIPE";
    case SIGQUIT: return "SIGQUIT";
    case SIGSEGV: return "SIGSEGV";
    case SIGSYS: return "SIGSYS";
    case SIGTERM: return "SIGTERM";
    case SIGTRAP: return "SIGTRAP";
    case SIGXCPU: return "SIGXCPU";
    case SIGXFSZ: return "SIGXFSZ";
    default: return NULL;
    }
}

/* Why the worker gave no result, in words, with its last stderr lines. */
static char *
describe_failure (Run *run)
{
  GString *message = g_string_new (NULL);

  if (g_subprocess_get_if_signaled (run->process))
    {
      int signum = g_subprocess_get_term_sig (run->process);
      const char *name = signal_name (signum);

      if (name != NULL)
        g_string_append_printf (message, _("The worker was killed by signal %s (%s)"),
                                name, g_strsignal (signum));
      else
        g_string_append_printf (message, _("The worker was killed by signal %d (%s)"),
                                signum, g_strsignal (signum));
    }
  else if (g_subprocess_get_exit_status (run->process) != 0)
    g_string_append_printf (message, _("The worker exited with status %d"),
                            g_subprocess_get_exit_status (run->process));
  else
    g_string_append (message, _("The worker ended without a result"));

  append_stderr (message, run);

  return g_string_free (message, FALSE);
}

static void return_result (GTask *task);

static void
partial_deleted_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  /* Gone already is as good. */
  g_file_delete_finish (G_FILE (source), result, NULL);
  return_result (task);
}

static void
finish (GTask *task)
{
  OffloadGenerateJob *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  clear_source (&run->cancel_source);
  clear_source (&run->kill_source);
  if (self->task == task)
    self->task = NULL;

  /* A worker that died where it could not clean up (SIGKILL, a crash)
   * leaves its temporary file: it goes now, without blocking, and the job
   * ends once it has gone (the command line exits then). */
  if (run->partial != NULL && !(run->got_result && g_subprocess_get_successful (run->process)))
    {
      g_autoptr(GFile) partial = g_file_new_for_path (run->partial);

      g_file_delete_async (partial, G_PRIORITY_DEFAULT, NULL, partial_deleted_cb,
                           g_object_ref (task));
      return;
    }

  return_result (task);
}

static void
return_result (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  if (run->cancelled || g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
  else if (run->garbage != NULL)
    g_task_return_error (task, g_steal_pointer (&run->garbage));
  else if (run->worker_error != NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", run->worker_error);
  else if (!run->got_result || !g_subprocess_get_successful (run->process))
    {
      g_autofree char *message = describe_failure (run);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", message);
    }
  else
    g_task_return_boolean (task, TRUE);
}

static void
step_done (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  g_assert (run->pending > 0);
  if (--run->pending == 0)
    finish (task);
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && json_node_get_value_type (node) == G_TYPE_INT64
         ? json_node_get_int (node) : 0;
}

static void
read_counts (OffloadGenerateJob *self,
             Run                *run,
             JsonNode           *payload)
{
  JsonObject *object = json_node_get_object (payload);
  JsonNode *partial = json_object_get_member (object, "partial");

  self->rows_done = (guint64) MAX (0, member_int (object, "rows"));
  self->bytes_done = (guint64) MAX (0, member_int (object, "bytes"));
  if (run != NULL && partial != NULL && json_node_get_value_type (partial) == G_TYPE_STRING
      && run->partial == NULL)
    run->partial = g_strdup (json_node_get_string (partial));
}

static void on_stdout_line (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data);

static void
read_stdout (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  /* No cancellable: the reads end when the worker does. */
  g_data_input_stream_read_line_async (run->out, G_PRIORITY_DEFAULT, NULL,
                                       on_stdout_line, g_object_ref (task));
}

static void
on_stdout_line (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OffloadGenerateJob *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;
  g_autofree char *line = NULL;
  OffloadWorkerMessage message;

  line = g_data_input_stream_read_line_finish (run->out, result, NULL, &error);
  if (line == NULL)
    {
      if (error != NULL && run->garbage == NULL)
        run->garbage = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                    _("Could not read what the worker said: %s"),
                                    error->message);
      step_done (task);
      return;
    }

  /* After garbage, the rest is only drained, to the end of the worker. */
  if (run->garbage != NULL)
    {
      read_stdout (task);
      return;
    }

  if (!offload_worker_parse_line (line, &message, &payload, &error))
    {
      /* A worker that prints garbage is broken: its result could not be
       * trusted either. */
      run->garbage = g_steal_pointer (&error);
      stop_process (task);
      read_stdout (task);
      return;
    }

  switch (message)
    {
    case OFFLOAD_WORKER_PROGRESS:
      read_counts (self, run, payload);
      break;

    case OFFLOAD_WORKER_RESULT:
      read_counts (self, run, payload);
      run->got_result = TRUE;
      break;

    case OFFLOAD_WORKER_ERROR:
      if (run->worker_error == NULL)
        run->worker_error =
          g_strdup (json_object_get_string_member_with_default (json_node_get_object (payload),
                                                                "message", "?"));
      break;

    default:
      g_assert_not_reached ();
    }

  read_stdout (task);
}

static void on_stderr_line (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data);

static void
read_stderr (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  g_data_input_stream_read_line_async (run->err, G_PRIORITY_DEFAULT, NULL,
                                       on_stderr_line, g_object_ref (task));
}

static void
on_stderr_line (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autofree char *line = NULL;
  gsize length = 0;

  line = g_data_input_stream_read_line_finish (run->err, result, &length, NULL);
  if (line == NULL)
    {
      step_done (task);
      return;
    }

  /* Bounded, and valid UTF-8, since it goes into an error message. */
  if (length > STDERR_LINE_MAX)
    {
      g_autofree char *start = g_utf8_make_valid (line, STDERR_LINE_MAX);

      g_queue_push_tail (&run->stderr_tail, g_strconcat (start, "…", NULL));
    }
  else
    g_queue_push_tail (&run->stderr_tail, g_utf8_make_valid (line, (gssize) length));

  if (run->stderr_tail.length > STDERR_LINES)
    g_free (g_queue_pop_head (&run->stderr_tail));

  read_stderr (task);
}

static void
on_exited (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);

  /* Without a cancellable, the wait ends only when the worker has: its
   * status is all there is to know. */
  g_subprocess_wait_finish (run->process, result, NULL);
  run->exited = TRUE;
  clear_source (&run->kill_source);

  step_done (task);
}

static void
offload_generate_job_dispose (GObject *object)
{
  OffloadGenerateJob *self = (OffloadGenerateJob *)object;

  /* A run holds a reference on the job, so this happens during a run only
   * through g_object_run_dispose(). Stop the worker as a cancel would: the
   * run still waits for it and returns. */
  if (self->task != NULL)
    {
      Run *run = g_task_get_task_data (self->task);

      run->cancelled = TRUE;
      stop_process (self->task);
    }

  G_OBJECT_CLASS (offload_generate_job_parent_class)->dispose (object);
}

static void
offload_generate_job_finalize (GObject *object)
{
  OffloadGenerateJob *self = (OffloadGenerateJob *)object;

  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (offload_generate_job_parent_class)->finalize (object);
}

static void
offload_generate_job_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  OffloadGenerateJob *self = OFFLOAD_GENERATE_JOB (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case PROP_ROWS:
      g_value_set_uint64 (value, self->rows);
      break;

    case PROP_SEED:
      g_value_set_uint64 (value, self->seed);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
offload_generate_job_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  OffloadGenerateJob *self = OFFLOAD_GENERATE_JOB (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_free (self->path);
      self->path = g_value_dup_string (value);
      break;

    case PROP_ROWS:
      self->rows = g_value_get_uint64 (value);
      break;

    case PROP_SEED:
      self->seed = g_value_get_uint64 (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
offload_generate_job_class_init (OffloadGenerateJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = offload_generate_job_dispose;
  object_class->finalize = offload_generate_job_finalize;
  object_class->get_property = offload_generate_job_get_property;
  object_class->set_property = offload_generate_job_set_property;

  /**
   * OffloadGenerateJob:path:
   *
   * The file to write; it is replaced only once the new one is complete.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * OffloadGenerateJob:rows:
   *
   * How many data rows to write after the header.
   */
  properties[PROP_ROWS] =
    g_param_spec_uint64 ("rows", NULL, NULL,
                         0, G_MAXINT64, 0,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * OffloadGenerateJob:seed:
   *
   * Selects the dataset: the same seed gives the same bytes.
   */
  properties[PROP_SEED] =
    g_param_spec_uint64 ("seed", NULL, NULL,
                         0, G_MAXUINT64, OFFLOAD_SAMPLE_DATA_DEFAULT_SEED,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
offload_generate_job_init (OffloadGenerateJob *self)
{
}

/**
 * offload_generate_job_new:
 * @path: (type filename): the file to write
 * @rows: how many data rows after the header, at most %G_MAXINT64
 * @seed: selects the dataset (%OFFLOAD_SAMPLE_DATA_DEFAULT_SEED is the usual one)
 *
 * Returns: (transfer full): a job that writes the sample dataset to @path
 *   when it is run
 */
OffloadGenerateJob *
offload_generate_job_new (const char *path,
                          guint64     rows,
                          guint64     seed)
{
  g_return_val_if_fail (path != NULL && *path != '\0', NULL);
  g_return_val_if_fail (rows <= G_MAXINT64, NULL);

  return g_object_new (OFFLOAD_TYPE_GENERATE_JOB,
                       "path", path,
                       "rows", rows,
                       "seed", seed,
                       NULL);
}

/**
 * offload_generate_job_get_path:
 * @self: a #OffloadGenerateJob
 *
 * Returns: (transfer none) (type filename): the file the job writes
 */
const char *
offload_generate_job_get_path (OffloadGenerateJob *self)
{
  g_return_val_if_fail (OFFLOAD_IS_GENERATE_JOB (self), NULL);

  return self->path;
}

/**
 * offload_generate_job_run_async:
 * @self: a #OffloadGenerateJob, not running
 * @cancellable: (nullable): stops the worker
 * @callback: called when the worker has ended
 * @user_data: for @callback
 *
 * Starts `offload-worker generate` and follows it. Call from the main
 * thread (the worker dies with the thread that started it); the callback
 * comes there too. On cancel, the worker gets SIGTERM, then SIGKILL after a
 * grace period, and the callback comes only once it has exited.
 */
void
offload_generate_job_run_async (OffloadGenerateJob  *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *seed = NULL;
  const char *args[5];
  Run *run;

  g_return_if_fail (OFFLOAD_IS_GENERATE_JOB (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (self->task == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, offload_generate_job_run_async);

  self->rows_done = 0;
  self->bytes_done = 0;

  if (g_task_return_error_if_cancelled (task))
    return;

  rows = g_strdup_printf ("%" G_GUINT64_FORMAT, self->rows);
  seed = g_strdup_printf ("%" G_GUINT64_FORMAT, self->seed);
  args[0] = "generate";
  args[1] = self->path;
  args[2] = rows;
  args[3] = seed;
  args[4] = NULL;

  process = offload_worker_launcher_spawn (args, -1, &error);
  if (process == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("Could not start the worker: %s"), error->message);
      return;
    }

  run = g_new0 (Run, 1);
  run->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  run->err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (process));
  run->process = g_steal_pointer (&process);
  run->pending = 3;
  g_task_set_task_data (task, run, run_free);
  self->task = task;

  read_stdout (task);
  read_stderr (task);
  g_subprocess_wait_async (run->process, NULL, on_exited, g_object_ref (task));

  if (cancellable != NULL)
    {
      run->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (run->cancel_source, (GSourceFunc) on_cancelled, task, NULL);
      g_source_set_static_name (run->cancel_source, "[offload] generate: cancel");
      g_source_attach (run->cancel_source, g_task_get_context (task));
    }
}

/**
 * offload_generate_job_run_finish:
 * @self: a #OffloadGenerateJob
 * @result: what the callback got
 * @error: why the file was not written, in words: %G_IO_ERROR_CANCELLED
 *   after a cancel, else %G_IO_ERROR_FAILED with the worker's own message,
 *   or how it ended (signal or exit status) and its last error output
 *
 * Returns: whether the file is written, complete
 */
gboolean
offload_generate_job_run_finish (OffloadGenerateJob  *self,
                                 GAsyncResult        *result,
                                 GError             **error)
{
  g_return_val_if_fail (OFFLOAD_IS_GENERATE_JOB (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == offload_generate_job_run_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * offload_generate_job_get_progress:
 * @self: a #OffloadGenerateJob
 * @rows_done: (out) (optional): the rows written so far
 * @bytes_done: (out) (optional): the bytes written so far, header included
 *
 * Where the run is, as the worker last said (about ten times a second);
 * after a successful run, the file's rows and size. Pull it when drawing.
 */
void
offload_generate_job_get_progress (OffloadGenerateJob *self,
                                   guint64            *rows_done,
                                   guint64            *bytes_done)
{
  g_return_if_fail (OFFLOAD_IS_GENERATE_JOB (self));

  if (rows_done != NULL)
    *rows_done = self->rows_done;
  if (bytes_done != NULL)
    *bytes_done = self->bytes_done;
}

/**
 * offload_generate_job_default_path:
 * @rows: how many rows the file will have
 *
 * Where a sample dataset goes when the user did not choose: in the user's
 * cache directory, which is made if needed.
 *
 * Returns: (transfer full) (type filename): the path
 */
char *
offload_generate_job_default_path (guint64 rows)
{
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "offload", NULL);
  g_autofree char *name = g_strdup_printf ("sample-%" G_GUINT64_FORMAT ".csv", rows);

  /* If it cannot be made, the worker says so, with the path, when it
   * tries to write there. */
  g_mkdir_with_parents (dir, 0700);

  return g_build_filename (dir, name, NULL);
}
