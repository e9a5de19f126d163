/* offload-worker-generate.c: the worker's `generate` mode
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "offload-sample-data.h"
#include "offload-worker-generate.h"
#include "offload-worker-protocol.h"

/* Usage (OffloadGenerateJob is the only caller):
 *
 *   offload-worker generate PATH ROWS SEED
 *       writes the header and ROWS rows of the sample dataset
 *       (offload-sample-data.h) to PATH
 *
 * The rows go to a hidden file beside PATH, which replaces PATH only once it
 * is complete and on disk (fsync, then rename): PATH is either as it was or
 * complete, never half written. On an error, and on SIGTERM (how the app
 * cancels), SIGINT or SIGHUP, the hidden file is removed before the process
 * ends. Only SIGKILL, the app's last resort after a grace period, or a crash
 * leave it behind.
 *
 * Messages: `progress {"rows": N, "bytes": N}` at most ten times a second,
 * then `result {"rows": N, "bytes": N}`, or `error {"message": ...}`.
 *
 * OFFLOAD_WORKER_FAULT=crash|exit|hang makes it fail on purpose after its
 * first progress message, for the tests of OffloadGenerateJob's error
 * reports and of its SIGKILL after the grace period. */

#define BUFFER_SIZE       (1024 * 1024)
#define PROGRESS_EVERY_US (G_USEC_PER_SEC / 10)

/* Room for ".NAME.partial-XXXXXX" within the 255 bytes of a file name. */
#define MAX_TEMP_STEM     200

typedef struct
{
  const char *path;
  char       *display;
  char       *temp;
  int         fd;
  guint64     rows_done;      /* written to the file, not just formatted */
  guint64     bytes_done;
  gint64      last_progress;
  gboolean    faulted;
} Generate;

static const int stop_signals[] = { SIGTERM, SIGINT, SIGHUP };

/* Shared with the signal handler: temp_path is set before temp_armed, and
 * both while the stop signals are blocked. */
static const char *temp_path;
static volatile sig_atomic_t temp_armed;
static volatile sig_atomic_t stop_signal;

static void
on_stop_signal (int signum)
{
  int saved_errno = errno;

  /* Right here, not only in the loop: a write or fsync to a slow disk can
   * outlast the app's grace period before SIGKILL. unlink() is
   * async-signal-safe; the loop then sees the flag and ends. */
  if (temp_armed)
    unlink (temp_path);
  stop_signal = signum;

  errno = saved_errno;
}

static void
stop_signals_set (sigset_t *set)
{
  sigemptyset (set);
  for (guint i = 0; i < G_N_ELEMENTS (stop_signals); i++)
    sigaddset (set, stop_signals[i]);
}

static void
install_handlers (void)
{
  struct sigaction action = { 0 };

  action.sa_handler = on_stop_signal;
  action.sa_flags = SA_RESTART;
  stop_signals_set (&action.sa_mask);
  for (guint i = 0; i < G_N_ELEMENTS (stop_signals); i++)
    sigaction (stop_signals[i], &action, NULL);
}

static void
say (OffloadWorkerMessage  message,
     JsonNode             *payload)
{
  offload_worker_write_line (message, json_node_ref (payload), stdout);
}

static void
say_counts (OffloadWorkerMessage  message,
            Generate             *gen)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "rows");
  json_builder_add_int_value (builder, (gint64) gen->rows_done);
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, (gint64) gen->bytes_done);
  /* Where the rows go until the end: the parent removes the file if this
   * process dies where it cannot (SIGKILL, a crash). */
  if (gen->temp != NULL && message == OFFLOAD_WORKER_PROGRESS)
    {
      json_builder_set_member_name (builder, "partial");
      json_builder_add_string_value (builder, gen->temp);
    }
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  say (message, node);
}

static void
remove_temp (Generate *gen)
{
  if (gen->temp == NULL)
    return;

  g_unlink (gen->temp);
  temp_armed = 0;
}

static int
fail (Generate   *gen,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static int
fail (Generate   *gen,
      const char *format,
      ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* Gone before the parent reads the error, so it can trust the directory
   * to be as it was. */
  remove_temp (gen);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  say (OFFLOAD_WORKER_ERROR, node);
  g_printerr ("offload-worker: %s\n", message);

  return 1;
}

/* Ends the process by the signal that asked for it, so the parent sees
 * what it sent rather than a made-up exit code. */
G_GNUC_NORETURN static void
die_by_signal (Generate *gen)
{
  int signum = stop_signal;
  sigset_t set;

  remove_temp (gen);

  signal (signum, SIG_DFL);
  sigemptyset (&set);
  sigaddset (&set, signum);
  sigprocmask (SIG_UNBLOCK, &set, NULL);
  raise (signum);

  _exit (128 + signum);
}

static void
inject_fault (Generate *gen)
{
  const char *fault = g_getenv ("OFFLOAD_WORKER_FAULT");

  if (fault == NULL || gen->faulted)
    return;
  gen->faulted = TRUE;

  if (g_strcmp0 (fault, "crash") == 0)
    {
      /* A real crash's signal, even under a sanitizer that would catch it. */
      signal (SIGSEGV, SIG_DFL);
      raise (SIGSEGV);
    }
  else if (g_strcmp0 (fault, "exit") == 0)
    {
      g_printerr ("offload-worker: failing on purpose (OFFLOAD_WORKER_FAULT=exit)\n");
      exit (3);
    }
  else if (g_strcmp0 (fault, "hang") == 0)
    {
      sigset_t set;

      /* Deaf to SIGTERM too: only the parent's SIGKILL ends it. */
      stop_signals_set (&set);
      sigprocmask (SIG_BLOCK, &set, NULL);
      for (;;)
        pause ();
    }
}

static void
progress (Generate *gen)
{
  gint64 now = g_get_monotonic_time ();

  if (now - gen->last_progress < PROGRESS_EVERY_US)
    return;
  gen->last_progress = now;

  say_counts (OFFLOAD_WORKER_PROGRESS, gen);
  inject_fault (gen);
}

/* Writes all of @buffer and empties it; FALSE with errno on an error. */
static gboolean
flush (Generate *gen,
       GString  *buffer)
{
  const char *data = buffer->str;
  gsize left = buffer->len;

  while (left > 0)
    {
      gssize n = write (gen->fd, data, left);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return FALSE;
      data += n;
      left -= (gsize) n;
    }

  gen->bytes_done += buffer->len;
  g_string_truncate (buffer, 0);

  return TRUE;
}

static gboolean
create_temp (Generate *gen)
{
  g_autofree char *dir = g_path_get_dirname (gen->path);
  g_autofree char *base = g_path_get_basename (gen->path);
  g_autofree char *stem = g_strndup (base, MAX_TEMP_STEM);
  g_autofree char *name = g_strdup_printf (".%s.partial-XXXXXX", stem);
  sigset_t set, old;
  int saved_errno;

  gen->temp = g_build_filename (dir, name, NULL);

  /* Armed in the same breath as it is created: a SIGTERM in between would
   * leave it behind. 0666 so the umask decides, as for any new file. */
  stop_signals_set (&set);
  sigprocmask (SIG_BLOCK, &set, &old);
  gen->fd = g_mkstemp_full (gen->temp, O_WRONLY | O_CLOEXEC, 0666);
  saved_errno = errno;
  if (gen->fd >= 0)
    {
      temp_path = gen->temp;
      temp_armed = 1;
    }
  else
    g_clear_pointer (&gen->temp, g_free);
  sigprocmask (SIG_SETMASK, &old, NULL);

  errno = saved_errno;
  return gen->fd >= 0;
}

/* The rename itself is on disk only once the directory is: best effort,
 * since some file systems cannot sync a directory. */
static void
sync_directory (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0)
    return;
  fsync (fd);
  close (fd);
}

static int
generate (Generate *gen,
          guint64   rows,
          guint64   seed)
{
  g_autoptr(GString) buffer = g_string_sized_new (BUFFER_SIZE + 64 * 1024);
  sigset_t set, old;
  int fd, saved_errno;

  if (!create_temp (gen))
    {
      g_autofree char *dir = g_path_get_dirname (gen->display);

      saved_errno = errno;
      return fail (gen, _("Could not create a file in “%s”: %s"), dir, g_strerror (saved_errno));
    }

  offload_sample_data_append_header (buffer);
  for (guint64 row = 0; row < rows; row++)
    {
      offload_sample_data_append_row (buffer, row, seed);
      if (buffer->len < BUFFER_SIZE)
        continue;

      if (!flush (gen, buffer))
        goto write_failed;
      gen->rows_done = row + 1;
      if (stop_signal != 0)
        die_by_signal (gen);
      progress (gen);
    }

  if (!flush (gen, buffer))
    goto write_failed;
  gen->rows_done = rows;

  if (fsync (gen->fd) != 0)
    goto write_failed;
  fd = gen->fd;
  gen->fd = -1;
  if (close (fd) != 0)
    goto write_failed;

  /* A stop request either comes before the rename (the file goes) or after
   * it (the file is complete, and stays): never in the middle, where the
   * handler would unlink a name that is no longer the temporary file. */
  stop_signals_set (&set);
  sigprocmask (SIG_BLOCK, &set, &old);
  if (stop_signal != 0)
    die_by_signal (gen);
  if (g_rename (gen->temp, gen->path) != 0)
    {
      saved_errno = errno;
      sigprocmask (SIG_SETMASK, &old, NULL);
      return fail (gen, _("Could not save “%s”: %s"), gen->display, g_strerror (saved_errno));
    }
  temp_armed = 0;
  g_clear_pointer (&gen->temp, g_free);
  sigprocmask (SIG_SETMASK, &old, NULL);

  sync_directory (gen->path);
  say_counts (OFFLOAD_WORKER_RESULT, gen);

  return 0;

write_failed:
  saved_errno = errno;
  if (stop_signal != 0)
    die_by_signal (gen);
  return fail (gen, _("Could not write “%s”: %s"), gen->display, g_strerror (saved_errno));
}

/**
 * offload_worker_generate:
 * @path: the file to write (replaced if it exists)
 * @rows: how many data rows, after the header
 * @seed: selects the dataset
 *
 * Writes the sample dataset to @path, speaking the worker protocol on the
 * standard output.
 *
 * Returns: the process exit code: 0 on success, 1 on an error
 */
int
offload_worker_generate (const char *path,
                         guint64     rows,
                         guint64     seed)
{
  Generate gen = { 0 };
  int ret;

  g_return_val_if_fail (path != NULL && *path != '\0', 2);
  g_return_val_if_fail (rows <= G_MAXINT64, 2);

  gen.path = path;
  gen.display = g_filename_display_name (path);
  gen.fd = -1;

  install_handlers ();
  ret = generate (&gen, rows, seed);

  if (gen.fd >= 0)
    close (gen.fd);
  g_free (gen.temp);
  g_free (gen.display);

  return ret;
}

/**
 * offload_worker_generate_main:
 * @argc: the count of @argv
 * @argv: the worker's arguments: `offload-worker generate PATH ROWS SEED`
 *
 * Checks the arguments of the `generate` mode and runs it.
 *
 * Returns: the process exit code; 2 on a usage error
 */
int
offload_worker_generate_main (int    argc,
                              char **argv)
{
  guint64 rows, seed;

  if (argc != 5
      || g_strcmp0 (argv[1], "generate") != 0
      || *argv[2] == '\0'
      || !g_ascii_string_to_unsigned (argv[3], 10, 0, G_MAXINT64, &rows, NULL)
      || !g_ascii_string_to_unsigned (argv[4], 10, 0, G_MAXUINT64, &seed, NULL))
    {
      g_printerr ("usage: offload-worker generate PATH ROWS SEED\n");
      return 2;
    }

  return offload_worker_generate (argv[2], rows, seed);
}
