/* offload-cli.c: the headless subcommands
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <locale.h>
#include <signal.h>

#include <glib-unix.h>

#include "offload-cli.h"
#include "offload-cli-commands.h"
#include "offload-printable.h"

/* `offload NAME ...` runs NAME here without initialising GTK, so scripts,
 * tests and benchmarks need no display. Each feature adds its command to
 * this table; `offload --help` lists what the table holds. */

typedef struct
{
  const char *name;
  const char *summary;
  int       (*run) (int argc, char **argv);
} OffloadCliCommand;

static const OffloadCliCommand commands[] = {
  { "fetch", N_("Fetch URLs in worker threads and report each result"), offload_cli_fetch },
  { "demo-server", N_("Run the built-in demo server until interrupted"), offload_cli_demo_server },
  { "crunch", N_("Exact statistics of a CSV file, in worker processes"), offload_cli_crunch },
  { "generate", N_("Write the sample CSV dataset in a worker process"), offload_cli_generate },
  { NULL }
};

static const OffloadCliCommand *
lookup (const char *name)
{
  for (const OffloadCliCommand *c = commands; c->name != NULL; c++)
    if (g_strcmp0 (c->name, name) == 0)
      return c;

  return NULL;
}

/**
 * offload_cli_init_process:
 *
 * What both of Offload's faces (offload, offload-gui) do first: the
 * locale and the translations, and SIGPIPE ignored, so that a worker that
 * dies before it has read its plan does not take the app with it (a write
 * to its closed pipe is then an error to handle, not a signal).
 */
void
offload_cli_init_process (void)
{
  const char *localedir = g_getenv ("OFFLOAD_LOCALEDIR");

  setlocale (LC_ALL, "");
  /* From the build tree (build-aux/dev run), its own translations: the
   * installed ones may be none, or older. */
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir
                                                                            : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  signal (SIGPIPE, SIG_IGN);
}

gboolean
offload_cli_is_command (const char *name)
{
  return name != NULL && lookup (name) != NULL;
}

/* Why the first write to standard output failed, or 0. */
static int print_errno;

/* As g_print() writes, but keeping why a write failed: the next calls
 * leave errno to whatever they do. */
static void
print_to_stdout (const char *text)
{
  if ((fputs (text, stdout) == EOF || fflush (stdout) != 0) && print_errno == 0)
    print_errno = errno != 0 ? errno : EIO;
}

/**
 * offload_cli_output_closed:
 *
 * Returns: whether standard output's reader has gone (a closed pipe):
 *   then nothing more is worth doing
 */
gboolean
offload_cli_output_closed (void)
{
  return print_errno == EPIPE;
}

/**
 * offload_cli_run:
 * @argc: the count of @argv
 * @argv: the command's name, then its arguments
 *
 * Returns: the process exit code
 */
int
offload_cli_run (int    argc,
                 char **argv)
{
  const OffloadCliCommand *command;
  int ret;

  g_return_val_if_fail (argc > 0, OFFLOAD_EXIT_USAGE);

  /* Debug messages (G_MESSAGES_DEBUG) go to standard error, as every
   * message: GLib's default puts them on standard output, in the middle of
   * what --json prints for scripts. */
  g_log_writer_default_set_use_stderr (TRUE);

  command = lookup (argv[0]);
  if (command == NULL)
    {
      g_printerr (_("offload: unknown command “%s”\n"), argv[0]);
      return OFFLOAD_EXIT_USAGE;
    }

  /* "Usage: offload fetch [OPTION…]", not "fetch [OPTION…]". */
  {
    g_autofree char *prgname = g_strdup_printf ("offload %s", argv[0]);

    g_set_prgname (prgname);
  }
  g_set_print_handler (print_to_stdout);
  ret = command->run (argc, argv);

  /* The reader went away (`offload fetch … | head -1`): what a shell
   * reports of a command that SIGPIPE ended, and no message about it,
   * as the GNU tools do. */
  if (print_errno == EPIPE)
    return 128 + SIGPIPE;

  /* What was printed reached its file: a full disk is a failure a script
   * must see, not exit 0. */
  if (fflush (stdout) != 0 || ferror (stdout) || print_errno != 0)
    {
      int saved = print_errno != 0 ? print_errno : errno != 0 ? errno : EIO;

      g_printerr (_("offload %s: could not write the output: %s\n"), argv[0],
                  g_strerror (saved));
      return ret == OFFLOAD_EXIT_OK ? OFFLOAD_EXIT_FAILED : ret;
    }

  return ret;
}

/**
 * offload_cli_describe:
 *
 * Returns: (transfer full): the list of commands for `offload --help`
 */
char *
offload_cli_describe (void)
{
  GString *text = g_string_new (NULL);

  if (commands[0].name == NULL)
    {
      g_string_append (text, _("Run without arguments to open the window."));
      return g_string_free (text, FALSE);
    }

  g_string_append (text, _("Commands (run without a display):"));
  g_string_append_c (text, '\n');
  for (const OffloadCliCommand *c = commands; c->name != NULL; c++)
    g_string_append_printf (text, "  %-14s%s\n", c->name, _(c->summary));
  g_string_append_c (text, '\n');
  g_string_append (text, _("Run “offload COMMAND --help” for a command’s options; "
                           "without a command, Offload opens its window."));

  return g_string_free (text, FALSE);
}

static gboolean
stop_on (OffloadCliStop *stop,
         int             signal_number)
{
  if (stop->signal == 0)
    stop->signal = signal_number;
  g_cancellable_cancel (stop->cancellable);
  /* Later ones too: the work stops once, its status says the first. */
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigint (gpointer user_data)
{
  return stop_on (user_data, SIGINT);
}

static gboolean
on_sigterm (gpointer user_data)
{
  return stop_on (user_data, SIGTERM);
}

/**
 * offload_cli_stop_watch:
 * @stop: where the signal is noted, for as long as the watch lasts
 * @cancellable: what a signal cancels
 *
 * Until offload_cli_stop_unwatch(), SIGINT and SIGTERM cancel
 * @cancellable, on the main context, and are noted in @stop.
 */
void
offload_cli_stop_watch (OffloadCliStop *stop,
                        GCancellable   *cancellable)
{
  g_return_if_fail (stop != NULL);
  g_return_if_fail (G_IS_CANCELLABLE (cancellable));

  stop->cancellable = cancellable;
  stop->signal = 0;
  stop->sources[0] = g_unix_signal_add (SIGINT, on_sigint, stop);
  stop->sources[1] = g_unix_signal_add (SIGTERM, on_sigterm, stop);
}

void
offload_cli_stop_unwatch (OffloadCliStop *stop)
{
  g_return_if_fail (stop != NULL);

  g_clear_handle_id (&stop->sources[0], g_source_remove);
  g_clear_handle_id (&stop->sources[1], g_source_remove);
}

/**
 * offload_cli_stop_status:
 * @stop: a watch, over
 * @status: the command's exit status otherwise
 *
 * Returns: 128 + the signal that stopped the command, or @status
 */
int
offload_cli_stop_status (const OffloadCliStop *stop,
                         int                   status)
{
  g_return_val_if_fail (stop != NULL, status);

  return stop->signal != 0 ? 128 + stop->signal : status;
}

static guint
char_width (gunichar c)
{
  if (g_unichar_iszerowidth (c))
    return 0;
  return g_unichar_iswide (c) ? 2 : 1;
}

/**
 * offload_cli_text_width:
 * @text: printable UTF-8
 *
 * Returns: the columns @text takes on a terminal: two for a wide
 *   character (日), none for a combining mark
 */
guint
offload_cli_text_width (const char *text)
{
  guint width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    width += char_width (g_utf8_get_char (p));

  return width;
}

/**
 * offload_cli_cell:
 * @text: printable UTF-8 (see offload_printable())
 * @width: the cell's columns on a terminal
 * @left: align to the left (text), or the right (numbers)
 * @cut: whether text wider than the cell is cut, with "…" (else it
 *   overflows, and the row's later cells move)
 *
 * Returns: (transfer full): @text padded with spaces to @width columns:
 *   printf's widths count bytes, so "—", "65.5 kB" (a no-break space) or
 *   a column named 日本語 shifted the columns, and %.20s cut characters
 *   in half
 */
char *
offload_cli_cell (const char *text,
                  guint       width,
                  gboolean    left,
                  gboolean    cut)
{
  GString *out = g_string_new (NULL);
  guint used = 0;

  if (cut && offload_cli_text_width (text) > width && width > 0)
    {
      for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
        {
          guint w = char_width (g_utf8_get_char (p));

          if (used + w > width - 1)
            break;
          g_string_append_len (out, p, g_utf8_next_char (p) - p);
          used += w;
        }
      g_string_append (out, "…");
      used++;
    }
  else
    {
      g_string_append (out, text);
      used = offload_cli_text_width (text);
    }

  while (used < width)
    {
      if (left)
        g_string_append_c (out, ' ');
      else
        g_string_prepend_c (out, ' ');
      used++;
    }

  return g_string_free (out, FALSE);
}

/**
 * offload_cli_show_progress:
 * @text: the progress line, or %NULL to clear it
 *
 * Writes @text over the last progress line on standard error (a
 * terminal), cut to the terminal's width: a line wider than it wrapped,
 * and each update left a line behind.
 */
void
offload_cli_show_progress (const char *text)
{
  struct winsize size = { 0 };
  guint width = 80;
  g_autofree char *printable = NULL;
  g_autofree char *line = NULL;

  g_printerr ("\r\033[K");
  if (text == NULL)
    return;

  if (ioctl (STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 1)
    width = size.ws_col;
  printable = offload_printable (text);
  /* The last column left free: a line that fills it moves the cursor on. */
  if (offload_cli_text_width (printable) > width - 1)
    line = offload_cli_cell (printable, width - 1, TRUE, TRUE);
  g_printerr ("%s", line != NULL ? line : printable);
}
