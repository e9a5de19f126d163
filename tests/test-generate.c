/* test-generate.c: the sample dataset, written by the real worker
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "offload-generate-job.h"
#include "offload-sample-data.h"
#include "offload-test-utils.h"

/* Enough rows that the worker never finishes before it is cancelled. */
#define HUGE_ROWS G_GUINT64_CONSTANT (50000000)

static const char *offload_binary;

static GString *
expected_contents (guint64 rows,
                   guint64 seed)
{
  GString *out = g_string_new (NULL);

  offload_sample_data_append_header (out);
  for (guint64 row = 0; row < rows; row++)
    offload_sample_data_append_row (out, row, seed);

  return out;
}

static char *
make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("offload-generate-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* The names in @dir, sorted, so a leftover file shows in the failure. */
static char *
list_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    g_ptr_array_add (names, (gpointer) name);
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_ptr_array_add (names, NULL);

  return g_strjoinv (" ", (char **) names->pdata);
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_dir (path);
      else
        g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* No worker is left running, and none as a zombie: every child of this
 * process was waited for. */
static void
assert_no_children (void)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  int self = (int) getpid ();

  g_assert_nonnull (proc);
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *stat = NULL;
      const char *after_comm;
      char state;
      int ppid;

      if (!g_ascii_isdigit (name[0]))
        continue;
      path = g_build_filename ("/proc", name, "stat", NULL);
      if (!g_file_get_contents (path, &stat, NULL, NULL))
        continue;           /* it ended meanwhile */

      /* "PID (COMM) STATE PPID ...", where COMM may hold anything. */
      after_comm = strrchr (stat, ')');
      if (after_comm == NULL || sscanf (after_comm + 1, " %c %d", &state, &ppid) != 2)
        continue;
      if (ppid == self)
        g_test_message ("child %s is still there, in state %c", name, state);
      g_assert_cmpint (ppid, !=, self);
    }
}

static void
on_run (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static gboolean
run_job (OffloadGenerateJob  *job,
         GCancellable        *cancellable,
         GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  offload_generate_job_run_async (job, cancellable, on_run, &result);
  offload_test_wait_for (has_result, &result, "the job to end");

  return offload_generate_job_run_finish (job, result, error);
}

static gboolean
has_progress (gpointer data)
{
  guint64 rows;

  offload_generate_job_get_progress (data, &rows, NULL);
  return rows > 0;
}

static void
test_content (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "sample.csv", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *listing = NULL;
  g_autoptr(GString) expected = NULL;
  g_autoptr(OffloadGenerateJob) job = NULL;
  g_autoptr(GError) error = NULL;
  guint64 rows, bytes;
  gsize length;
  gboolean ok;

  /* More than one buffer of the worker's, and over an older file. */
  expected = expected_contents (30000, 1234);
  g_assert_cmpuint (expected->len, >, 2 * 1024 * 1024);
  g_file_set_contents (path, "old\n", -1, &error);
  g_assert_no_error (error);

  job = offload_generate_job_new (path, 30000, 1234);
  g_assert_cmpstr (offload_generate_job_get_path (job), ==, path);
  /* The error first: it says why, where a FALSE would not. */
  ok = run_job (job, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (contents, length, expected->str, expected->len);

  offload_generate_job_get_progress (job, &rows, &bytes);
  g_assert_cmpuint (rows, ==, 30000);
  g_assert_cmpuint (bytes, ==, expected->len);

  /* Nothing beside it: the temporary file became it. */
  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "sample.csv");
  assert_no_children ();

  /* A job runs again, from the start. */
  /* The error first: it says why, where a FALSE would not. */
  ok = run_job (job, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  offload_generate_job_get_progress (job, &rows, NULL);
  g_assert_cmpuint (rows, ==, 30000);

  remove_dir (dir);
}

static void
test_header_only (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "empty.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GString) expected = expected_contents (0, OFFLOAD_SAMPLE_DATA_DEFAULT_SEED);
  g_autoptr(OffloadGenerateJob) job = NULL;
  g_autoptr(GError) error = NULL;
  guint64 rows, bytes;
  gboolean ok;

  job = offload_generate_job_new (path, 0, OFFLOAD_SAMPLE_DATA_DEFAULT_SEED);
  /* The error first: it says why, where a FALSE would not. */
  ok = run_job (job, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, expected->str);
  offload_generate_job_get_progress (job, &rows, &bytes);
  g_assert_cmpuint (rows, ==, 0);
  g_assert_cmpuint (bytes, ==, expected->len);

  remove_dir (dir);
}

static void
test_cancel (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "huge.csv", NULL);
  g_autofree char *listing = NULL;
  g_autoptr(OffloadGenerateJob) job = offload_generate_job_new (path, HUGE_ROWS, 1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  offload_generate_job_run_async (job, cancellable, on_run, &result);
  offload_test_wait_for (has_progress, job, "the worker's first progress");
  g_cancellable_cancel (cancellable);
  offload_test_wait_for (has_result, &result, "the cancelled job to end");

  g_assert_false (offload_generate_job_run_finish (job, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Stopped means gone: no file, no temporary file, no process. */
  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "");
  assert_no_children ();

  /* Cancelled before it starts: no worker at all. */
  g_clear_object (&result);
  g_clear_error (&error);
  g_assert_false (run_job (job, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_pointer (&listing, g_free);
  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "");

  remove_dir (dir);
}

static void
test_dispose (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "huge.csv", NULL);
  g_autofree char *listing = NULL;
  g_autoptr(OffloadGenerateJob) job = offload_generate_job_new (path, HUGE_ROWS, 1);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* Disposing a running job (a window closed under it) stops the worker
   * as a cancel does. */
  offload_generate_job_run_async (job, NULL, on_run, &result);
  offload_test_wait_for (has_progress, job, "the worker's first progress");
  g_object_run_dispose (G_OBJECT (job));
  offload_test_wait_for (has_result, &result, "the disposed job to end");

  g_assert_false (offload_generate_job_run_finish (job, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "");
  assert_no_children ();

  remove_dir (dir);
}

static void
test_cancel_hung (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "huge.csv", NULL);
  g_autoptr(OffloadGenerateJob) job = offload_generate_job_new (path, HUGE_ROWS, 1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;

  /* A worker deaf to SIGTERM gets SIGKILL after the grace period, and is
   * waited for all the same. */
  g_setenv ("OFFLOAD_WORKER_FAULT", "hang", TRUE);
  offload_generate_job_run_async (job, cancellable, on_run, &result);
  g_unsetenv ("OFFLOAD_WORKER_FAULT");
  offload_test_wait_for (has_progress, job, "the worker's first progress");
  g_cancellable_cancel (cancellable);
  offload_test_wait_for (has_result, &result, "the cancelled job to end");

  g_assert_false (offload_generate_job_run_finish (job, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_no_children ();

  /* SIGKILL left the temporary file, which the job removed before it
   * ended: a command line that exits then leaves nothing behind. */
  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "");

  remove_dir (dir);
}

static void
test_errors (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *missing = g_build_filename (dir, "missing", "sub", "x.csv", NULL);
  g_autofree char *target = g_build_filename (dir, "target", NULL);
  g_autofree char *listing = NULL;
  g_autoptr(OffloadGenerateJob) job = NULL;
  g_autoptr(GError) error = NULL;

  /* A directory that is not there: the worker's message, with the path. */
  job = offload_generate_job_new (missing, 1000, 1);
  g_assert_false (run_job (job, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "Could not create a file in “"));
  g_assert_nonnull (strstr (error->message, "missing/sub"));
  g_assert_nonnull (strstr (error->message, "No such file or directory"));
  g_clear_object (&job);
  g_clear_error (&error);

  /* A path that is a directory: found only at the rename, after all the
   * rows; the temporary file must go all the same. */
  g_assert_cmpint (g_mkdir (target, 0700), ==, 0);
  job = offload_generate_job_new (target, 1000, 1);
  g_assert_false (run_job (job, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "Could not save “"));
  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "target");
  assert_no_children ();

  remove_dir (dir);
}

static void
test_worker_faults (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "x.csv", NULL);
  g_autoptr(OffloadGenerateJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;

  /* Enough rows for a progress message, after which the fault comes. */
  job = offload_generate_job_new (path, 200000, 1);

  g_setenv ("OFFLOAD_WORKER_FAULT", "crash", TRUE);
  g_assert_false (run_job (job, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message,
                                   "The worker was killed by signal SIGSEGV (Segmentation fault)"));
  g_clear_error (&error);
  /* The crashed worker could not remove its temporary file, so the job
   * did, before it ended; the file itself never appears half written. */
  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "");

  g_setenv ("OFFLOAD_WORKER_FAULT", "exit", TRUE);
  g_assert_false (run_job (job, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "The worker exited with status 3\n"));
  g_assert_nonnull (strstr (error->message, "failing on purpose"));
  g_unsetenv ("OFFLOAD_WORKER_FAULT");

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  assert_no_children ();

  remove_dir (dir);
}

static void
test_default_path (void)
{
  g_autofree char *path = offload_generate_job_default_path (1000);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *expected = g_build_filename (g_get_user_cache_dir (), "offload",
                                                "sample-1000.csv", NULL);

  g_assert_cmpstr (path, ==, expected);
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
}

/* `offload ARGS...` as a script runs it, in English; the exit status. */
static int
run_offload (char       **out,
             char       **err,
             const char  *first_arg,
             ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  va_list ap;

  g_ptr_array_add (args, (gpointer) offload_binary);
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));

  return g_subprocess_get_exit_status (process);
}

static void
test_cli (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "cli.csv", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing", "cli.csv", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *size = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GString) expected = expected_contents (1000, 5);
  g_autoptr(GError) error = NULL;
  gsize length;

  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_offload (&out, &err, "generate", path, "--rows", "1000", "--seed", "5",
                                  NULL), ==, 0);
    size = g_format_size (expected->len);
    line = g_strdup_printf ("Wrote 1000 rows (%s) to %s\n", size, path);
    g_assert_cmpstr (out, ==, line);
    /* Not a terminal: no progress line. */
    g_assert_cmpstr (err, ==, "");
    g_file_get_contents (path, &contents, &length, &error);
    g_assert_no_error (error);
    g_assert_cmpmem (contents, length, expected->str, expected->len);
  }

  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_offload (&out, &err, "generate", path, "--rows", "abc", NULL), ==, 2);
    g_assert_cmpstr (out, ==, "");
    g_assert_nonnull (strstr (err, "--rows"));
  }

  /* A header alone is no dataset: offload crunch would refuse it. */
  {
    g_autofree char *err = NULL;

    g_assert_cmpint (run_offload (NULL, &err, "generate", path, "--rows", "0", NULL), ==, 2);
    g_assert_nonnull (strstr (err, "--rows must be at least 1"));
  }

  {
    g_autofree char *err = NULL;

    g_assert_cmpint (run_offload (NULL, &err, "generate", "--rows", "10", NULL), ==, 2);
    g_assert_nonnull (strstr (err, "FILE"));
  }

  {
    g_autofree char *err = NULL;

    g_assert_cmpint (run_offload (NULL, &err, "generate", path, NULL), ==, 2);
    g_assert_nonnull (strstr (err, "--rows"));
  }

  {
    g_autofree char *err = NULL;

    g_assert_cmpint (run_offload (NULL, &err, "generate", path, "--rows", "10", "--seed", "-1",
                                  NULL), ==, 2);
    g_assert_nonnull (strstr (err, "--seed"));
  }

  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_offload (&out, &err, "generate", missing, "--rows", "10", NULL), ==, 1);
    g_assert_cmpstr (out, ==, "");
    g_assert_true (g_str_has_prefix (err, "offload generate: Could not create a file in"));
  }

  remove_dir (dir);
}

static gboolean
dir_not_empty (gpointer data)
{
  g_autofree char *listing = list_dir (data);

  return *listing != '\0';
}

static void
test_cli_interrupted (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "huge.csv", NULL);
  g_autofree char *listing = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  /* SIGTERM to `offload generate` (a script's timeout) stops its worker,
   * which removes its temporary file. */
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, offload_binary, "generate", path, "--rows", "50000000",
                              NULL);
  g_assert_no_error (error);
  offload_test_wait_for (dir_not_empty, dir, "the worker's temporary file");
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);

  /* The shell's status for the signal, as crunch and fetch give. */
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 128 + SIGTERM);
  g_assert_cmpstr (err, ==, "offload generate: cancelled\n");
  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "");
  g_clear_object (&process);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&listing, g_free);

  /* A worker that crashes leaves its temporary file, which the command
   * removes before it exits. */
  {
    g_autoptr(GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                 | G_SUBPROCESS_FLAGS_STDERR_PIPE);

    g_subprocess_launcher_setenv (launcher, "OFFLOAD_WORKER_FAULT", "crash", TRUE);
    process = g_subprocess_launcher_spawn (launcher, &error, offload_binary, "generate", path,
                                           "--rows", "200000", NULL);
    g_assert_no_error (error);
    g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
    g_assert_no_error (error);
    g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
    g_assert_nonnull (strstr (err, "SIGSEGV"));
    listing = list_dir (dir);
    g_assert_cmpstr (listing, ==, "");
  }

  remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  char *cache_dir;
  int ret;

  /* Messages in English, for the children too, and in UTF-8: g_print()
   * would turn the no-break space of "84.3 kB" into "?" in plain C. Before
   * any thread starts. */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);
  g_unsetenv ("OFFLOAD_WORKER_FAULT");
  setlocale (LC_ALL, "");

  /* Not G_TEST_OPTION_ISOLATE_DIRS: GLib keeps the strings it replaces,
   * which LeakSanitizer reports. */
  cache_dir = make_dir ();
  g_setenv ("XDG_CACHE_HOME", cache_dir, TRUE);

  g_test_init (&argc, &argv, NULL);

  offload_binary = g_getenv ("OFFLOAD_BINARY");
  g_assert_nonnull (offload_binary);
  g_assert_nonnull (g_getenv ("OFFLOAD_WORKER_BINARY"));

  g_test_add_func ("/offload/generate/content", test_content);
  g_test_add_func ("/offload/generate/header-only", test_header_only);
  g_test_add_func ("/offload/generate/cancel", test_cancel);
  g_test_add_func ("/offload/generate/cancel-hung", test_cancel_hung);
  g_test_add_func ("/offload/generate/dispose", test_dispose);
  g_test_add_func ("/offload/generate/errors", test_errors);
  g_test_add_func ("/offload/generate/worker-faults", test_worker_faults);
  g_test_add_func ("/offload/generate/default-path", test_default_path);
  g_test_add_func ("/offload/generate/cli", test_cli);
  g_test_add_func ("/offload/generate/cli-interrupted", test_cli_interrupted);

  ret = g_test_run ();

  remove_dir (cache_dir);
  g_free (cache_dir);

  return ret;
}
