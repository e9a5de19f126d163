/* test-cli.c: the headless commands, as a script would run them
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <unistd.h>

static const char *offload_binary;
static GSubprocess *demo_server;
static char *base_url;

/* Runs `offload ARGS...` (with @launcher's environment, when given),
 * returns the exit status; stdout and stderr out. */
static int
run_offload_with (GSubprocessLauncher  *launcher,
                  char                **out,
                  char                **err,
                  const char           *first_arg,
                  ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) own = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  va_list ap;

  g_ptr_array_add (args, (gpointer) offload_binary);
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  if (launcher == NULL)
    launcher = own = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));

  return g_subprocess_get_exit_status (process);
}

#define run_offload(out, err, ...) run_offload_with (NULL, (out), (err), __VA_ARGS__)

static char *
url (const char *path)
{
  return g_strconcat (base_url, path, NULL);
}

/* A CSV file of @contents; its path. */
static char *
tmp_csv (const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd;

  fd = g_file_open_tmp ("offload-cli-XXXXXX.csv", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* Three rows, a numeric and a text column. */
static char *
small_csv (void)
{
  return tmp_csv ("n,t\n1,a\n2,b\n3,a\n");
}

/* With GLib's debug messages on, what --json prints is still JSON only:
 * the messages go to standard error. */
static void
test_json_with_debug_messages (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *path = small_csv ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;

  /* Set for the child only: the test's own messages would break its TAP. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  g_assert_cmpint (run_offload_with (launcher, &out, &err, "crunch", path, "--json", NULL), ==, 0);
  node = json_from_string (out, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "rows"), ==, 3);
  g_assert_nonnull (strstr (err, "DEBUG"));
  g_unlink (path);
}

/* Numbers near the largest double: the histogram's last edge lies past
 * it, and is written as JSON can hold it, a string, as infinite
 * statistics are. */
static void
test_json_infinite_edge (void)
{
  g_autofree char *out = NULL;
  g_autofree char *path = tmp_csv ("a\n1e308\n1.7976931348623157e308\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *column;
  JsonArray *edges;

  g_assert_cmpint (run_offload (&out, NULL, "crunch", path, "--json", NULL), ==, 0);
  g_assert_null (strstr (out, "inf.0"));
  node = json_from_string (out, &error);
  g_assert_no_error (error);
  column = json_array_get_object_element (json_object_get_array_member (
                                            json_node_get_object (node), "columns"), 0);
  g_assert_cmpstr (json_object_get_string_member (column, "std"), ==, "inf");
  edges = json_object_get_array_member (json_object_get_object_member (column, "histogram"),
                                        "edges");
  g_assert_cmpfloat (json_array_get_double_element (edges, 0), <=, 1e308);
  g_assert_cmpstr (json_array_get_string_element (edges, json_array_get_length (edges) - 1),
                   ==, "inf");
  g_unlink (path);

  /* Both signs there: their differences overflow, the mean does not, and
   * the job still ends, with and without chunks. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *both = tmp_csv ("a\n1e308\n-1e308\n");
      g_autofree char *both_out = NULL;
      g_autoptr(JsonNode) both_node = NULL;
      JsonObject *a;

      g_assert_cmpint (run_offload (&both_out, NULL, "crunch", both, "--json",
                                    "--chunk-size", i == 0 ? "1000" : "7", NULL), ==, 0);
      both_node = json_from_string (both_out, &error);
      g_assert_no_error (error);
      a = json_array_get_object_element (json_object_get_array_member (
                                           json_node_get_object (both_node), "columns"), 0);
      g_assert_cmpfloat (json_object_get_double_member (a, "mean"), ==, 0);
      g_assert_cmpstr (json_object_get_string_member (a, "std"), ==, "inf");
      g_unlink (both);
    }
}

/* Without --json, a table of the columns and a summary line in words,
 * each count in its own number: "1 worker", not "1 workers". */
/* A file that fails: the error, where, and no third copy of the same
 * words from the worker's error output. */
static void
test_crunch_failed (void)
{
  g_autofree char *path = tmp_csv ("a,b\n1,\"x\n2,y\n3,z\n");
  g_autofree char *err = NULL;

  g_assert_cmpint (run_offload (NULL, &err, "crunch", path, NULL), ==, 1);
  g_assert_true (g_str_has_prefix (err, "offload crunch: The data ends inside a quoted field"));
  g_assert_nonnull (strstr (err, "\nChunk 1 of pass 1 (bytes 0 to "));
  g_assert_null (strstr (err, "Its last error output"));
  g_unlink (path);
}

/* Figures of fifteen digits, written out, widen every figure's column
 * alike: the table's lines stay as long as its header. */
static void
test_crunch_table_aligned (void)
{
  g_autofree char *path = tmp_csv ("x,y\n1,100000000000000\n2,348971192674930\n");
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (run_offload (&out, NULL, "crunch", path, NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >=, 3);
  g_assert_nonnull (strstr (lines[2], " 348971192674930"));
  g_assert_cmpuint (strlen (lines[1]), ==, strlen (lines[0]));
  g_assert_cmpuint (strlen (lines[2]), ==, strlen (lines[0]));
  g_unlink (path);
}

/* The build tree's own translations, as build-aux/dev run uses them
 * (LOCALEDIR is where they are installed, maybe nowhere yet). */
static void
test_translated (void)
{
  g_autofree char *po = g_test_build_filename (G_TEST_BUILT, "..", "po", NULL);
  g_autofree char *mo = g_build_filename (po, "de", "LC_MESSAGES", "offload.mo", NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *out = NULL;

  if (!g_file_test (mo, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no German translation built");
      return;
    }
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "OFFLOAD_LOCALEDIR", po, TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "de", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANG", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LC_ALL");
  g_subprocess_launcher_unsetenv (launcher, "LC_MESSAGES");
  g_assert_cmpint (run_offload_with (launcher, &out, NULL, "fetch", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Anfragen"));
}

/* Numbers in the JSON in the fewest digits that read back the same:
 * 0.2, not json-glib's 0.20000000000000001. */
static void
test_crunch_json_numbers (void)
{
  g_autofree char *path = tmp_csv ("x\n0.1\n0.3\n");
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *column;

  g_assert_cmpint (run_offload (&out, NULL, "crunch", "--json", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"mean\":0.2,"));
  g_assert_nonnull (strstr (out, "\"min\":0.1,"));
  g_assert_null (strstr (out, "0000000"));
  /* And the same doubles. */
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  column = json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "columns"),
    0);
  g_assert_cmpfloat (json_object_get_double_member (column, "mean"), ==, (0.1 + 0.3) / 2);
  g_unlink (path);
}

/* Names from the file in a terminal's table: wide characters take two
 * columns, a long name is cut with "…" and not inside a character, and a
 * newline or an escape is written out, not obeyed. */
static void
test_crunch_table_names (void)
{
  g_autofree char *path = tmp_csv ("日本語の列名前です,a_very_long_column_name_here,\"p\nq\x1b[2J\",\u202eab\n"
                                   "1,2,x,1000000000000000\n3,4,x,1000000000002000\n");
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (run_offload (&out, NULL, "crunch", path, NULL), ==, 0);
  g_assert_true (g_utf8_validate (out, -1, NULL));
  g_assert_null (strchr (out, '\x1b'));
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >=, 6);
  g_assert_true (g_str_has_prefix (lines[1], "日本語の列名前です   numeric "));
  g_assert_true (g_str_has_prefix (lines[2], "a_very_long_column_… numeric "));
  g_assert_true (g_str_has_prefix (lines[3], "p\\nq\\x1b[2J          text "));
  g_assert_nonnull (strstr (lines[3], "top “x” ×2"));
  /* A mark that turns the terminal's text right to left, written out;
   * a 16-digit integer written out too, not 1e+15. */
  g_assert_true (g_str_has_prefix (lines[4], "\\u202eab "));
  g_assert_nonnull (strstr (lines[4], " 1000000000000000 "));
  g_assert_true (g_str_has_suffix (lines[4], " 1000000000002000"));
  g_unlink (path);
}

/* Ragged rows: how many, and where the first is, as a spreadsheet
 * numbers rows; first_ragged_row in the JSON. */
static void
test_crunch_ragged (void)
{
  g_autofree char *path = tmp_csv ("a,b\n1,2\n3\n4,5,6\n7,8\n");
  g_autofree char *out = NULL;
  g_autofree char *json = NULL;

  g_assert_cmpint (run_offload (&out, NULL, "crunch", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, ", 2 rows with a different number of fields than the header "
                                 "(the first is row 3, counting the header)\n"));
  g_assert_cmpint (run_offload (&json, NULL, "crunch", "--json", path, NULL), ==, 0);
  g_assert_nonnull (strstr (json, "\"ragged_rows\":2,\"first_ragged_row\":3,"));
  g_unlink (path);
}

static void
test_crunch_table (void)
{
  g_autofree char *out = NULL;
  g_autofree char *path = small_csv ();

  g_assert_cmpint (run_offload (&out, NULL, "crunch", path, "--workers", "1", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "column "));
  g_assert_nonnull (strstr (out, "\nn "));
  g_assert_nonnull (strstr (out, "top “a” ×2"));
  g_assert_nonnull (strstr (out, "\n3 rows, "));
  g_assert_nonnull (strstr (out, " bytes, "));
  g_assert_nonnull (strstr (out, ", 1 worker, "));
  g_assert_null (strstr (out, " 1 workers"));
  g_assert_null (strstr (out, " 1 passes"));
  g_assert_true (g_str_has_suffix (out, " pass\n") || g_str_has_suffix (out, " passes\n"));
  g_unlink (path);

  /* Times in milliseconds: told apart, not all 1.7e+12; the deviation in
   * six digits. */
  {
    g_autofree char *times = tmp_csv ("t\n1700000000000\n1700000000001\n1700000002000\n");
    g_autofree char *times_out = NULL;

    g_assert_cmpint (run_offload (&times_out, NULL, "crunch", times, NULL), ==, 0);
    g_assert_null (strstr (times_out, "e+12"));
    g_assert_nonnull (strstr (times_out, " 1700000000000 "));
    g_assert_nonnull (strstr (times_out, " 1700000002000\n"));
    g_assert_nonnull (strstr (times_out, " 1154.41 "));
    g_unlink (times);
  }

  /* Figures that are short, as the file's numbers mostly are, whole: a
   * maximum of 2649999 read 2.65e+06, more than it is; a mean of
   * 1324999.5 read 1.325e+06. */
  {
    g_autofree char *ids = tmp_csv ("id,x\n0,2.5\n2649999,-0.000123456789\n");
    g_autofree char *ids_out = NULL;

    g_assert_cmpint (run_offload (&ids_out, NULL, "crunch", ids, NULL), ==, 0);
    g_assert_null (strstr (ids_out, "2.65e+06"));
    g_assert_null (strstr (ids_out, "1.325e+06"));
    g_assert_nonnull (strstr (ids_out, " 1324999.5 "));
    g_assert_nonnull (strstr (ids_out, " 2649999\n"));
    g_assert_nonnull (strstr (ids_out, " -0.000123456789 "));
    g_assert_nonnull (strstr (ids_out, " 2.5\n"));
    g_unlink (ids);
  }
}

/* A headless command does without GTK, whose libraries took half the time
 * of a small fetch to load: the running demo server maps none of them. */
static void
test_headless_without_gtk (void)
{
  g_autofree char *maps_path = g_strdup_printf ("/proc/%s/maps",
                                                g_subprocess_get_identifier (demo_server));
  g_autofree char *maps = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (maps_path, &maps, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (maps, "libglib-2.0"));
  g_assert_null (strstr (maps, "libgtk-4"));
  g_assert_null (strstr (maps, "libadwaita-1"));
}

/* Without its window's binary, offload says so (and where it looked). */
static void
test_gui_missing (void)
{
  g_autofree char *err = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "OFFLOAD_GUI_BINARY", "/nonexistent/offload-gui", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  g_assert_cmpint (run_offload_with (launcher, NULL, &err, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Offload cannot open its window: /nonexistent/offload-gui "
                                 "could not be started"));
}

static void
test_version_and_help (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *help = NULL;

  g_assert_cmpint (run_offload (&out, &err, "--version", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Offload " PACKAGE_VERSION "\n");

  g_assert_cmpint (run_offload (&help, NULL, "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (help, "fetch"));
  g_assert_nonnull (strstr (help, "demo-server"));
}

/* Started by hand from a build tree (or a broken install), the GUI says
 * what is missing instead of aborting in GSettings; --version and --help
 * need no settings at all. No display is needed to see it. */
static void
test_gui_without_schema (void)
{
  g_autofree char *version = NULL;
  g_autofree char *help = NULL;
  g_autofree char *err = NULL;
  g_autofree char *empty = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;

  empty = g_dir_make_tmp ("offload-no-schema-XXXXXX", &error);
  g_assert_no_error (error);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "GSETTINGS_SCHEMA_DIR");
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_DIRS", empty, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", empty, TRUE);

  g_assert_cmpint (run_offload_with (launcher, &version, NULL, "--version", NULL), ==, 0);
  g_assert_nonnull (strstr (version, "Offload"));
  g_assert_cmpint (run_offload_with (launcher, &help, NULL, "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (help, "Offload"));
  g_assert_cmpint (run_offload_with (launcher, NULL, &err, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "settings schema io.github.offload.Offload is not installed"));

  g_rmdir (empty);
}

/* Proxies come from the environment, as curl reads it: through the demo
 * server as a proxy, a host that does not exist answers; with a proxy that
 * refuses, a request fails unless no_proxy names its host. */
static void
test_fetch_proxy_environment (void)
{
  g_autofree char *direct = url ("/delay/0");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "no_proxy");
  g_subprocess_launcher_unsetenv (launcher, "NO_PROXY");
  g_subprocess_launcher_setenv (launcher, "http_proxy", base_url, TRUE);
  g_assert_cmpint (run_offload_with (launcher, &out, NULL, "fetch", "--json",
                                     "http://offload.invalid/delay/0", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"ok\":true"));
  g_clear_pointer (&out, g_free);

  /* Port 1: nothing listens there. */
  g_subprocess_launcher_setenv (launcher, "http_proxy", "127.0.0.1:1", TRUE);
  g_assert_cmpint (run_offload_with (launcher, &out, &err, "fetch", "--json", direct, NULL),
                   ==, 1);
  g_assert_nonnull (strstr (out, "\"ok\":false"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_subprocess_launcher_setenv (launcher, "no_proxy", "example.org,127.0.0.1", TRUE);
  g_assert_cmpint (run_offload_with (launcher, &out, NULL, "fetch", "--json", direct, NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "\"ok\":true"));
}

static void
test_fetch_json (void)
{
  g_autofree char *ok = url ("/delay/10");
  g_autofree char *missing = url ("/status/404");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  /* A bad URL among the URLs is a failed request, not a usage error. */
  g_assert_cmpint (run_offload (&out, &err, "fetch", "--json", ok, missing, "ftp://x/y", NULL),
                   ==, 1);
  lines = g_strsplit (g_strchomp (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);

  json_parser_load_from_data (parser, lines[0], -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "url"), ==, ok);
  g_assert_true (json_object_get_boolean_member (object, "ok"));
  g_assert_cmpint (json_object_get_int_member (object, "status"), ==, 200);
  g_assert_cmpint (json_object_get_int_member (object, "bytes"), >, 0);
  g_assert_cmpstr (json_object_get_string_member (object, "content_type"), ==, "application/json");
  g_assert_cmpint (json_object_get_int_member (object, "finished_ms"), >=,
                   json_object_get_int_member (object, "started_ms"));
  g_assert_true (json_object_get_null_member (object, "error"));

  json_parser_load_from_data (parser, lines[1], -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_false (json_object_get_boolean_member (object, "ok"));
  g_assert_cmpint (json_object_get_int_member (object, "status"), ==, 404);
  g_assert_nonnull (strstr (json_object_get_string_member (object, "error"), "404"));

  json_parser_load_from_data (parser, lines[2], -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_false (json_object_get_boolean_member (object, "ok"));
  g_assert_true (json_object_get_null_member (object, "status"));
  g_assert_nonnull (strstr (json_object_get_string_member (object, "error"), "http and https"));

  json_parser_load_from_data (parser, lines[3], -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_get_boolean_member (object, "summary"));
  g_assert_cmpint (json_object_get_int_member (object, "requests"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (object, "succeeded"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (object, "failed"), ==, 2);
}

/* A URL that is no valid text, as an argument or on standard input, is a
 * failed request with its own JSON line, not a usage error. */
static void
test_fetch_not_utf8 (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *list = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  int fd;

  g_assert_cmpint (run_offload (&out, &err, "fetch", "--json", "http://x\xff/", NULL), ==, 1);
  g_assert_true (g_utf8_validate (out, -1, NULL));
  g_assert_nonnull (strstr (out, "Not a valid URL"));
  g_assert_nonnull (strstr (out, "\"summary\":true"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  fd = g_file_open_tmp ("offload-urls-XXXXXX", &list, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (list, "http://\xff\xfe/\nftp://x/y\n", -1, &error);
  g_assert_no_error (error);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_stdin_file_path (launcher, list);
  g_assert_cmpint (run_offload_with (launcher, &out, &err, "fetch", "--json", "--input", "-",
                                     NULL), ==, 1);
  lines = g_strsplit (g_strchomp (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  /* Its bytes made UTF-8 (as the window must show them), and said so. */
  g_assert_nonnull (strstr (lines[0], "not UTF-8 text"));
  g_assert_nonnull (strstr (lines[1], "http and https"));
  g_unlink (list);
}

static void
test_fetch_table (void)
{
  g_autofree char *ok = url ("/json/records?n=5");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_offload (&out, &err, "fetch", "--concurrency", "2", ok, ok, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "200 "));
  g_assert_nonnull (strstr (out, "2 requests: 2 succeeded, 0 failed, 0 cancelled"));
  /* Not a terminal: no progress line. */
  g_assert_cmpstr (err, ==, "");

  /* A URL's escape sequence is written out, not sent to the terminal. */
  {
    g_autofree char *refused = NULL;

    g_assert_cmpint (run_offload (&refused, NULL, "fetch", "http://127.0.0.1:1/\x1b[2J", NULL),
                     ==, 1);
    g_assert_null (strchr (refused, '\x1b'));
    g_assert_nonnull (strstr (refused, "http://127.0.0.1:1/\\x1b[2J\n"));
  }

  /* A host and port without http://: a failed request, saying what was
   * meant (it said "not “localhost:”", as if that were a scheme). */
  {
    g_autofree char *schemeless = NULL;

    g_assert_cmpint (run_offload (&schemeless, NULL, "fetch", "localhost:1/x", NULL), ==, 1);
    g_assert_nonnull (strstr (schemeless, "Did you mean “http://localhost:1/x”?"));
  }

  /* A host named as typed: in Unicode when typed so, in its xn-- form
   * when typed so (decoded, it could pass for another name). */
  {
    g_autofree char *hosts = NULL;

    g_assert_cmpint (run_offload (&hosts, NULL, "fetch", "http://ünïcode.invalid/",
                                  "http://xn--80ak6aa92e.invalid/", NULL), ==, 1);
    g_assert_nonnull (strstr (hosts, "“ünïcode.invalid” could not be resolved"));
    g_assert_nonnull (strstr (hosts, "“xn--80ak6aa92e.invalid” could not be resolved"));
  }

  /* One request is one, not "1 requests". */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_offload (&out, &err, "fetch", ok, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\n1 request: 1 succeeded, 0 failed, 0 cancelled"));
}

/* A password in a URL stays off the readable table (it goes to terminals
 * and logs); the JSON keeps the URL as given, for scripts to match. */
static void
test_fetch_hides_password (void)
{
  g_autofree char *with_password = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *shown = NULL;

  with_password = g_strdup_printf ("http://user:hunter2@%s/delay/0",
                                   base_url + strlen ("http://"));
  shown = g_strdup_printf ("http://user:•••@%s/delay/0", base_url + strlen ("http://"));

  g_assert_cmpint (run_offload (&out, &err, "fetch", with_password, NULL), ==, 0);
  g_assert_nonnull (strstr (out, shown));
  g_assert_null (strstr (out, "hunter2"));

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_offload (&out, &err, "fetch", "--json", with_password, NULL), ==, 0);
  g_assert_nonnull (strstr (out, with_password));
}

/* The next line a child printed, which must come. */
static char *
read_line (GDataInputStream *lines)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);

  g_assert_no_error (error);
  return line;
}

/* Until the process @pid catches SIGINT (its /proc status says so): a
 * signal sent before would end it with the default action. */
static void
wait_for_sigint_handler (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", pid);

  for (;;)
    {
      g_autofree char *status = NULL;
      const char *caught;

      if (g_file_get_contents (path, &status, NULL, NULL)
          && (caught = strstr (status, "\nSigCgt:")) != NULL
          && (g_ascii_strtoull (caught + strlen ("\nSigCgt:"), NULL, 16)
              & (G_GUINT64_CONSTANT (1) << (SIGINT - 1))) != 0)
        return;
      g_usleep (10 * 1000);
    }
}

static void
test_fetch_input_file (void)
{
  g_autofree char *ok = url ("/delay/0");
  g_autofree char *contents = g_strdup_printf ("# a list\n%s\n\n  %s  \n", ok, ok);
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int fd;

  fd = g_file_open_tmp ("offload-urls-XXXXXX.txt", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);

  g_assert_cmpint (run_offload (&out, NULL, "fetch", "--input", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "2 requests: 2 succeeded"));

  /* Saved by an editor that starts files with a byte order mark, with
   * CRLFs: the first URL is the URL, not an invalid one. */
  g_clear_pointer (&contents, g_free);
  g_clear_pointer (&out, g_free);
  contents = g_strdup_printf ("\xEF\xBB\xBF%s\r\n%s\r\n", ok, ok);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_offload (&out, NULL, "fetch", "--input", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "2 requests: 2 succeeded"));

  /* Two URLs on a line are two requests, as the window reads them; a line
   * in Latin-1 is one failed request, not a list refused. */
  g_clear_pointer (&contents, g_free);
  g_clear_pointer (&out, g_free);
  contents = g_strdup_printf ("%s %s\n%s/caf\xe9\n", ok, ok, ok);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_offload (&out, NULL, "fetch", "--input", path, NULL), ==, 1);
  g_assert_nonnull (strstr (out, "3 requests: 2 succeeded, 1 failed"));
  g_assert_nonnull (strstr (out, "holds bytes that are not UTF-8 text"));

  /* A list with no URL, and a binary file, are not lists of URLs. */
  {
    g_autofree char *err = NULL;

    g_file_set_contents (path, "# none yet\n\n", -1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (run_offload (NULL, &err, "fetch", "--input", path, NULL), ==, 2);
    g_assert_nonnull (strstr (err, "holds no URL"));
    g_clear_pointer (&err, g_free);

    g_file_set_contents (path, "\x7f" "ELF\x02\x01\x01\0\0\0\nhttp://x/\n", 21, &error);
    g_assert_no_error (error);
    g_assert_cmpint (run_offload (NULL, &err, "fetch", "--input", path, NULL), ==, 2);
    g_assert_nonnull (strstr (err, "not a text file"));
  }

  /* Nor a CSV file, a file of one endless line, or a list too long to
   * hold: each said, at once, in bounded memory (a 200 MB CSV took 3.5 GB
   * as requests). */
  {
    g_autoptr(GString) big = g_string_new ("id,name\n");
    g_autofree char *err = NULL;

    for (guint i = 0; i < 2000; i++)
      g_string_append_printf (big, "%u,row %u\n", i, i);
    g_file_set_contents (path, big->str, (gssize) big->len, &error);
    g_assert_no_error (error);
    g_assert_cmpint (run_offload (NULL, &err, "fetch", "--input", path, NULL), ==, 2);
    g_assert_nonnull (strstr (err, "none of its first 1000 lines is a URL"));
    g_clear_pointer (&err, g_free);

    g_string_assign (big, "http://");
    for (guint i = 0; i < 70000; i++)
      g_string_append_c (big, 'a');
    g_file_set_contents (path, big->str, (gssize) big->len, &error);
    g_assert_no_error (error);
    g_assert_cmpint (run_offload (NULL, &err, "fetch", "--input", path, NULL), ==, 2);
    g_assert_nonnull (strstr (err, "line 1 is longer than 64 KiB"));
    g_clear_pointer (&err, g_free);

    g_string_truncate (big, 0);
    for (guint i = 0; i <= 100000; i++)
      g_string_append_printf (big, "http://127.0.0.1:1/%u\n", i);
    g_file_set_contents (path, big->str, (gssize) big->len, &error);
    g_assert_no_error (error);
    g_assert_cmpint (run_offload (NULL, &err, "fetch", "--input", path, NULL), ==, 2);
    g_assert_nonnull (strstr (err, "more than 100000 URLs"));
  }

  g_unlink (path);
}

/* Ctrl+C stops a run: its requests are cancelled, and the exit status is
 * a shell's for an interrupt, not that of a failed request. */
static void
test_fetch_interrupted (void)
{
  g_autofree char *stall = url ("/stall");
  g_autofree char *later = url ("/delay/0");
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  /* One at a time: the two after the stalled one never start. They are
   * counted in one line, not listed (100,000 URLs made 80,000 rows). */
  process = g_subprocess_launcher_spawn (launcher, &error, offload_binary, "fetch",
                                         "--timeout", "60", "--concurrency", "1", stall,
                                         later, later, NULL);
  g_assert_no_error (error);
  wait_for_sigint_handler (g_subprocess_get_identifier (process));
  g_subprocess_send_signal (process, SIGINT);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 130);
  g_assert_nonnull (strstr (out, "/stall"));
  g_assert_null (strstr (out, "/delay/0"));
  g_assert_nonnull (strstr (out, "2 requests not started: cancelled before their turn"));
  g_assert_nonnull (strstr (out, "0 failed, 3 cancelled"));
  g_assert_nonnull (strstr (err, "cancelled"));
}

/* A body cut short by Ctrl+C is not a success in the table: its first
 * column reads —, not the 200 its headers said. */
static void
test_fetch_interrupted_mid_body (void)
{
  g_autofree char *fast = url ("/delay/0");
  g_autofree char *slow = url ("/bytes/100000000?duration_ms=30000");
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  process = g_subprocess_launcher_spawn (launcher, &error, offload_binary, "fetch",
                                         "--timeout", "60", fast, slow, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  /* The fast one's line: both were sent at once, and the slow body's
   * headers come at once too; a moment more for them to be read. */
  first = read_line (lines);
  g_assert_true (g_str_has_prefix (first, "200 "));
  wait_for_sigint_handler (g_subprocess_get_identifier (process));
  g_usleep (200 * 1000);
  g_subprocess_send_signal (process, SIGINT);
  second = read_line (lines);
  g_assert_true (g_str_has_prefix (second, "—"));
  g_assert_nonnull (strstr (second, "/bytes/"));
  /* Its body had begun (its 200 had come): else the test tests nothing. */
  g_assert_null (strstr (second, " 0 bytes "));
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 130);
}

/* Each result is out as soon as it and those before it are: a script
 * reads the fast ones while a slow one still runs (here one that never
 * ends: were the lines held to the end, the read would wait for ever). */
static void
test_fetch_streams (void)
{
  g_autofree char *fast = url ("/json/records?n=2");
  g_autofree char *stall = url ("/stall");
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *table_first = NULL;

  for (guint json = 0; json < 2; json++)
    {
      g_clear_object (&process);
      g_clear_object (&lines);
      process = g_subprocess_launcher_spawn (launcher, &error, offload_binary, "fetch",
                                             "--timeout", "60",
                                             json ? "--json" : "--concurrency",
                                             json ? fast : "2", fast, stall, NULL);
      g_assert_no_error (error);
      lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));

      if (json)
        {
          first = read_line (lines);
          second = read_line (lines);
          g_assert_nonnull (strstr (first, "\"ok\":true"));
          g_assert_nonnull (strstr (second, "\"ok\":true"));
        }
      else
        {
          table_first = read_line (lines);
          g_assert_true (g_str_has_prefix (table_first, "200 "));
        }

      /* Stopped, the rest is said: the stalled request, cancelled. */
      wait_for_sigint_handler (g_subprocess_get_identifier (process));
      g_subprocess_send_signal (process, SIGTERM);
      if (json)
        {
          g_free (summary);
          summary = read_line (lines);
          g_assert_nonnull (strstr (summary, "\"state\":\"cancelled\""));
        }
      g_subprocess_wait (process, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 143);
    }
}

static void
test_fetch_max_body (void)
{
  g_autofree char *big = url ("/bytes/500000?duration_ms=0");
  g_autofree char *out = NULL;

  g_assert_cmpint (run_offload (&out, NULL, "fetch", "--max-body", "10000", big, NULL), ==, 1);
  g_assert_nonnull (strstr (out, "larger than"));
  /* Failed after a 200: not "200" in the status column. */
  g_assert_true (g_str_has_prefix (out, "ERR "));
}

static void
test_usage_errors (void)
{
  g_autofree char *ok = url ("/delay/0");
  g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL, *e5 = NULL;

  g_assert_cmpint (run_offload (NULL, &e1, "fetch", NULL), ==, 2);
  g_assert_nonnull (strstr (e1, "no URL"));
  g_assert_cmpint (run_offload (NULL, &e2, "fetch", "--concurrency", "0", ok, NULL), ==, 2);
  g_assert_cmpint (run_offload (NULL, &e3, "fetch", "--input", "/nonexistent/urls.txt", NULL), ==, 2);
  g_assert_nonnull (strstr (e3, "cannot read"));
  g_assert_cmpint (run_offload (NULL, &e4, "fetch", "--max-body", "lots", ok, NULL), ==, 2);
  g_assert_cmpint (run_offload (NULL, &e5, "fetch", "--no-such-option", ok, NULL), ==, 2);

  /* In words, not GLib's "out of bounds [1, 18446744073709551615]". */
  {
    g_autofree char *e6 = NULL, *help = NULL;

    g_assert_cmpint (run_offload (NULL, &e6, "fetch", "--max-body", "0", ok, NULL), ==, 2);
    g_assert_nonnull (strstr (e6, "at least 1"));
    /* The usage line names the command as it is typed. */
    g_assert_cmpint (run_offload (&help, NULL, "fetch", "--help", NULL), ==, 0);
    g_assert_nonnull (strstr (help, "offload fetch ["));
  }
}

/* offload crunch's own: each a usage error, in words. */
static void
test_crunch_usage_errors (void)
{
  g_autofree char *path = small_csv ();
  const char *bad[][3] = {
    { "--workers", "0", "between 1 and 64" },
    { "--workers", "-1", "between 1 and 64" },
    { "--workers", "65", "between 1 and 64" },
    { "--bins", "0", "between 1 and 10000" },
    { "--chunk-size", "abc", "number of bytes" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *err = NULL;

      g_assert_cmpint (run_offload (NULL, &err, "crunch", path, bad[i][0], bad[i][1], NULL), ==, 2);
      g_assert_nonnull (strstr (err, bad[i][2]));
    }
  {
    g_autofree char *err = NULL;

    g_assert_cmpint (run_offload (NULL, &err, "crunch", NULL), ==, 2);
    g_assert_nonnull (strstr (err, "give one CSV file"));
  }
  {
    g_autofree char *err = NULL;

    g_assert_cmpint (run_offload (NULL, &err, "crunch", "-", NULL), ==, 2);
    g_assert_nonnull (strstr (err, "standard input"));
  }
  g_unlink (path);
}

/* Output that cannot be written (a full disk) fails the command. */
static void
test_output_not_written (void)
{
  g_autofree char *path = small_csv ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *err = NULL;

  if (!g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no /dev/full here");
      return;
    }
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_stdout_file_path (launcher, "/dev/full");
  g_assert_cmpint (run_offload_with (launcher, NULL, &err, "crunch", path, "--json", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "could not write the output"));
  g_unlink (path);
}

/* `offload fetch … | head -1`: once the reader has gone, the requests
 * stop (here one would wait for ever) and nothing is said about it; the
 * status is a shell's for a command that SIGPIPE ended. */
static void
test_fetch_reader_gone (void)
{
  g_autofree char *fast = url ("/json/records?n=2");
  g_autofree char *stall = url ("/stall");
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *err = NULL;

  process = g_subprocess_launcher_spawn (launcher, &error, offload_binary, "fetch", "--json",
                                         "--timeout", "0", fast, stall, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  first = read_line (lines);
  g_assert_nonnull (strstr (first, "\"ok\":true"));
  g_input_stream_close (G_INPUT_STREAM (lines), NULL, &error);
  g_assert_no_error (error);

  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 128 + SIGPIPE);
  {
    char buffer[256];
    gsize n = 0;

    g_input_stream_read_all (g_subprocess_get_stderr_pipe (process), buffer, sizeof buffer, &n,
                             NULL, &error);
    g_assert_no_error (error);
    err = g_strndup (buffer, n);
    g_assert_cmpstr (err, ==, "");
  }
}

/* A file name that is no valid text: the JSON stays JSON, found or not. */
static void
test_crunch_name_not_utf8 (void)
{
  g_autofree char *dir = g_dir_make_tmp ("offload-cli-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "caf\xe9.csv", NULL);
  g_autofree char *missing = g_build_filename (dir, "gone\xff.csv", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, "n\n1\n2\n", -1, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *out = NULL;
      g_autoptr(JsonNode) node = NULL;

      g_assert_cmpint (run_offload (&out, NULL, "crunch", i == 0 ? path : missing, "--json", NULL),
                       ==, i == 0 ? 0 : 1);
      node = json_from_string (out, &error);
      g_assert_no_error (error);
      g_assert_true (g_str_has_suffix (json_object_get_string_member (json_node_get_object (node),
                                                                      "file"),
                                       i == 0 ? "caf\xef\xbf\xbd.csv" : "gone\xef\xbf\xbd.csv"));
    }
  g_unlink (path);
  g_rmdir (dir);
}

static void
start_demo_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;

  demo_server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                  &error, offload_binary, "demo-server", NULL);
  g_assert_no_error (error);

  /* The first line is the base URL alone. */
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (demo_server));
  base_url = read_line (lines);
  g_assert_nonnull (base_url);
  g_assert_true (g_str_has_prefix (base_url, "http://127.0.0.1:"));
}

static void
stop_demo_server (void)
{
  g_autoptr(GError) error = NULL;

  /* SIGTERM is a clean stop: exit status 0. */
  g_subprocess_send_signal (demo_server, SIGTERM);
  g_subprocess_wait (demo_server, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (demo_server));
  g_assert_cmpint (g_subprocess_get_exit_status (demo_server), ==, 0);
  g_clear_object (&demo_server);
  g_clear_pointer (&base_url, g_free);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  offload_binary = g_getenv ("OFFLOAD_BINARY");
  g_assert_nonnull (offload_binary);
  g_setenv ("LANGUAGE", "C", TRUE);

  start_demo_server ();

  g_test_add_func ("/offload/cli/version-and-help", test_version_and_help);
  g_test_add_func ("/offload/cli/gui-without-schema", test_gui_without_schema);
  g_test_add_func ("/offload/cli/gui-missing", test_gui_missing);
  g_test_add_func ("/offload/cli/headless-without-gtk", test_headless_without_gtk);
  g_test_add_func ("/offload/cli/json-with-debug-messages", test_json_with_debug_messages);
  g_test_add_func ("/offload/cli/crunch-table", test_crunch_table);
  g_test_add_func ("/offload/cli/crunch-failed", test_crunch_failed);
  g_test_add_func ("/offload/cli/crunch-ragged", test_crunch_ragged);
  g_test_add_func ("/offload/cli/crunch-table-aligned", test_crunch_table_aligned);
  g_test_add_func ("/offload/cli/crunch-table-names", test_crunch_table_names);
  g_test_add_func ("/offload/cli/crunch-json-numbers", test_crunch_json_numbers);
  g_test_add_func ("/offload/cli/translated", test_translated);
  g_test_add_func ("/offload/cli/json-infinite-edge", test_json_infinite_edge);
  g_test_add_func ("/offload/cli/fetch-json", test_fetch_json);
  g_test_add_func ("/offload/cli/fetch-proxy-environment", test_fetch_proxy_environment);
  g_test_add_func ("/offload/cli/fetch-table", test_fetch_table);
  g_test_add_func ("/offload/cli/fetch-hides-password", test_fetch_hides_password);
  g_test_add_func ("/offload/cli/fetch-not-utf8", test_fetch_not_utf8);
  g_test_add_func ("/offload/cli/fetch-input-file", test_fetch_input_file);
  g_test_add_func ("/offload/cli/fetch-interrupted", test_fetch_interrupted);
  g_test_add_func ("/offload/cli/fetch-interrupted-mid-body", test_fetch_interrupted_mid_body);
  g_test_add_func ("/offload/cli/fetch-streams", test_fetch_streams);
  g_test_add_func ("/offload/cli/fetch-max-body", test_fetch_max_body);
  g_test_add_func ("/offload/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/offload/cli/crunch-usage-errors", test_crunch_usage_errors);
  g_test_add_func ("/offload/cli/output-not-written", test_output_not_written);
  g_test_add_func ("/offload/cli/fetch-reader-gone", test_fetch_reader_gone);
  g_test_add_func ("/offload/cli/crunch-name-not-utf8", test_crunch_name_not_utf8);

  ret = g_test_run ();

  stop_demo_server ();

  return ret;
}
