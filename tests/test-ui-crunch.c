/* test-ui-crunch.c: the Crunch page of the real window, under Xvfb
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <string.h>

#include "offload-crunch-column-item.h"
#include "offload-crunch-lane-row.h"
#include "offload-crunch-page.h"
#include "offload-histogram-view.h"
#include "offload-test-ui.h"

#define SMALL_ROWS 20000

/* The generated datasets go here (XDG_CACHE_HOME), not into the cache of
 * whoever runs the tests. */
static char *cache_dir;
static char *small_path;

static OffloadCrunchPage *
get_page (void)
{
  GtkWidget *page = offload_test_find (GTK_WIDGET (offload_test_ui_window ()), "crunch_page",
                                       OFFLOAD_TYPE_CRUNCH_PAGE);

  g_assert_nonnull (page);
  return OFFLOAD_CRUNCH_PAGE (page);
}

static GtkWidget *
find (OffloadCrunchPage *page,
      const char        *id,
      GType              type)
{
  GtkWidget *widget = offload_test_find (GTK_WIDGET (page), id, type);

  g_assert_nonnull (widget);
  return widget;
}

static const char *
label_text (OffloadCrunchPage *page,
            const char        *id)
{
  return offload_test_label_text (GTK_WIDGET (page), id);
}

static const char *
visible_child (OffloadCrunchPage *page,
               const char        *stack_id)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (find (page, stack_id, GTK_TYPE_STACK)));
}

static char *
format_count (guint64 count)
{
  /* As the page groups thousands, in whatever locale the test runs. */
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, count);
}

static gboolean
toast_shown (gpointer data)
{
  return offload_test_shows_label (GTK_WIDGET (offload_test_ui_window ()), data);
}

/* A progress bar in activity mode marks its moving block so. */
static gboolean
pulsing (GtkWidget *bar)
{
  for (GtkWidget *child = gtk_widget_get_first_child (bar); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_has_css_class (child, "pulse") || pulsing (child))
      return TRUE;

  return FALSE;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* The page acts only while it is shown, as its shortcuts do. */
static OffloadCrunchPage *
show_page (void)
{
  OffloadCrunchPage *page = get_page ();
  GtkWidget *stack = offload_test_find (GTK_WIDGET (offload_test_ui_window ()), "stack",
                                        ADW_TYPE_VIEW_STACK);

  g_assert_nonnull (stack);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), "crunch");
  offload_test_wait_for (is_mapped, page, "the Crunch page to show");

  return page;
}

static gboolean
generated (gpointer data)
{
  return !offload_crunch_page_get_generating (data);
}

static char *
generate (OffloadCrunchPage *page,
          guint64            rows)
{
  GtkWidget *generate_box = find (page, "generate_box", GTK_TYPE_BOX);
  GtkWidget *button = find (page, "generate_button", GTK_TYPE_BUTTON);
  GtkWidget *stop = find (page, "generate_cancel_button", GTK_TYPE_BUTTON);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (page));

  /* From the keyboard: the focus goes from Generate to its Stop button,
   * and back. */
  g_assert_true (gtk_widget_grab_focus (button));
  offload_crunch_page_generate_sample (page, rows);
  g_assert_true (offload_crunch_page_get_generating (page));
  g_assert_true (gtk_widget_get_visible (generate_box));
  g_assert_true (gtk_root_get_focus (root) == stop);
  offload_test_wait_for (generated, page, "the sample dataset to be written");
  g_assert_false (gtk_widget_get_visible (generate_box));
  g_assert_true (gtk_root_get_focus (root) == button);

  /* Chosen, in the cache folder, and ready to crunch. */
  g_assert_nonnull (offload_crunch_page_get_file (page));
  g_assert_true (g_str_has_prefix (offload_crunch_page_get_file (page), cache_dir));
  g_assert_true (g_file_test (offload_crunch_page_get_file (page), G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (visible_child (page, "content_stack"), ==, "ready");

  return g_strdup (offload_crunch_page_get_file (page));
}

static gboolean
run_over (gpointer data)
{
  OffloadCrunchPage *page = data;

  /* Over for the user too: Start is back in place of Cancel. */
  return !offload_crunch_page_get_running (page)
         && g_strcmp0 (visible_child (page, "button_stack"), "start") == 0;
}

/* The table comes a frame after the run's end (show_result_tick()). */
static gboolean
results_shown (gpointer data)
{
  OffloadCrunchPage *page = data;

  return offload_crunch_page_get_result (page) == NULL
         || g_strcmp0 (visible_child (page, "results_stack"), "results") == 0;
}

static void
crunch (OffloadCrunchPage *page)
{
  GtkWidget *start = find (page, "start_button", GTK_TYPE_BUTTON);
  GtkWidget *cancel = find (page, "cancel_button", GTK_TYPE_BUTTON);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (page));

  /* The focus on Start goes to Cancel in its place, and back. */
  g_assert_true (gtk_widget_grab_focus (start));
  gtk_widget_activate_action (GTK_WIDGET (page), "crunch.start", NULL);
  g_assert_true (offload_crunch_page_get_running (page));
  g_assert_cmpstr (visible_child (page, "content_stack"), ==, "run");
  g_assert_true (gtk_root_get_focus (root) == cancel);
  offload_test_wait_for (run_over, page, "the crunch to end");
  offload_test_wait_for (results_shown, page, "the table of results");
  g_assert_true (gtk_root_get_focus (root) == start);
}

static GListModel *
table_model (OffloadCrunchPage *page)
{
  GtkWidget *view = find (page, "columns_view", GTK_TYPE_COLUMN_VIEW);

  return G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (view)));
}

static guint
find_row (GListModel              *model,
          OffloadCrunchColumnType  type,
          gboolean                 last)
{
  guint found = GTK_INVALID_LIST_POSITION;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(OffloadCrunchColumnItem) item = g_list_model_get_item (model, i);

      if (offload_crunch_column_item_get_column (item)->type == type)
        {
          found = i;
          if (!last)
            break;
        }
    }

  return found;
}

static void
test_empty (void)
{
  OffloadCrunchPage *page = show_page ();

  /* Nothing chosen yet: the empty state says what to do, Start waits. */
  g_assert_null (offload_crunch_page_get_file (page));
  g_assert_cmpstr (visible_child (page, "content_stack"), ==, "empty");
  g_assert_true (offload_test_shows_label (GTK_WIDGET (page),
                                           "Choose a CSV file or generate a sample dataset"));

  gtk_widget_activate_action (GTK_WIDGET (page), "crunch.start", NULL);
  g_assert_false (offload_crunch_page_get_running (page));
  g_assert_null (offload_crunch_page_get_job (page));
}

typedef struct
{
  char     *text;
  gboolean  done;
} ClipboardRead;

static void
clipboard_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ClipboardRead *read = user_data;
  g_autoptr(GError) error = NULL;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);
  g_assert_no_error (error);
  read->done = TRUE;
}

static gboolean
clipboard_read (gpointer data)
{
  return ((ClipboardRead *) data)->done;
}

/* The export is written in the background: wait until the file holds
 * all of it (a part of a JSON object does not parse). */
static gboolean
json_written (gpointer data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  return json_parser_load_from_file (parser, data, NULL)
         && json_parser_get_root (parser) != NULL;
}

typedef struct
{
  const char *path;
  const char *expected;
} Written;

static gboolean
csv_written (gpointer data)
{
  Written *written = data;
  g_autofree char *contents = NULL;

  return g_file_get_contents (written->path, &contents, NULL, NULL)
         && g_strcmp0 (contents, written->expected) == 0;
}

static void
test_generate_and_crunch (void)
{
  OffloadCrunchPage *page = show_page ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  OffloadHistogramView *histogram = NULL;
  OffloadCrunchResult *result;
  GListModel *model;
  GtkSingleSelection *selection;
  GtkWidget *view;
  g_autofree char *rows = format_count (SMALL_ROWS);
  g_autofree char *summary_start = g_strdup_printf ("%s rows · ", rows);
  g_autofree char *count_text = NULL;
  const OffloadCrunchColumn *column;
  guint numeric, text_row;

  g_settings_set_uint (settings, "crunch-workers", 2);
  g_settings_set_boolean (settings, "crunch-blocking", FALSE);

  small_path = generate (page, SMALL_ROWS);
  crunch (page);

  /* The statistics, as the table lists them. */
  result = offload_crunch_page_get_result (page);
  g_assert_nonnull (result);
  g_assert_cmpuint (result->rows, ==, SMALL_ROWS);
  g_assert_cmpuint (result->columns->len, ==, 10);
  g_assert_cmpstr (visible_child (page, "results_stack"), ==, "results");
  g_assert_false (gtk_widget_get_visible (find (page, "error_box", GTK_TYPE_BOX)));

  model = table_model (page);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 10);
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(OffloadCrunchColumnItem) item = g_list_model_get_item (model, i);

      column = offload_crunch_column_item_get_column (item);
      g_assert_cmpuint (column->count + column->missing, ==, SMALL_ROWS);
    }

  numeric = find_row (model, OFFLOAD_CRUNCH_COLUMN_NUMERIC, TRUE);
  g_assert_cmpuint (numeric, !=, GTK_INVALID_LIST_POSITION);
  {
    g_autoptr(OffloadCrunchColumnItem) item = g_list_model_get_item (model, numeric);

    column = offload_crunch_column_item_get_column (item);
    g_assert_cmpuint (column->count, >, 0);
    g_assert_cmpfloat (column->min, <=, column->p25);
    g_assert_cmpfloat (column->p25, <=, column->p50);
    g_assert_cmpfloat (column->p50, <=, column->p75);
    g_assert_cmpfloat (column->p75, <=, column->max);
    count_text = format_count (column->count);
  }
  /* What the user reads in the Count column. */
  view = find (page, "columns_view", GTK_TYPE_COLUMN_VIEW);
  g_assert_true (offload_test_shows_label (view, count_text));

  /* The summary line. */
  g_assert_true (g_str_has_prefix (label_text (page, "summary_label"), summary_start));
  g_assert_nonnull (strstr (label_text (page, "summary_label"), " · 10 columns · "));
  g_assert_nonnull (strstr (label_text (page, "summary_label"), " · 2 workers · "));
  g_assert_true (g_str_has_prefix (label_text (page, "overall_label"), "Crunched “"));

  /* A numeric column selected: its histogram is drawn. */
  selection = GTK_SINGLE_SELECTION (model);
  gtk_single_selection_set_selected (selection, numeric);
  histogram = OFFLOAD_HISTOGRAM_VIEW (find (page, "histogram_view",
                                            OFFLOAD_TYPE_HISTOGRAM_VIEW));
  g_assert_cmpstr (visible_child (page, "histogram_stack"), ==, "histogram");
  g_assert_cmpuint (offload_histogram_view_get_n_bins (histogram), >, 0);
  g_assert_cmpuint (offload_histogram_view_get_n_bins (histogram), <=, 50);
  g_assert_cmpuint (offload_histogram_view_get_total (histogram), >, 0);
  g_assert_cmpuint (offload_histogram_view_get_total (histogram), <=, column->count);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (histogram)));

  /* A text column has none, and says so. */
  text_row = find_row (model, OFFLOAD_CRUNCH_COLUMN_TEXT, FALSE);
  if (text_row != GTK_INVALID_LIST_POSITION)
    {
      gtk_single_selection_set_selected (selection, text_row);
      g_assert_cmpstr (visible_child (page, "histogram_stack"), ==, "none");
      g_assert_cmpuint (offload_histogram_view_get_n_bins (histogram), ==, 0);
      g_assert_nonnull (strstr (label_text (page, "histogram_hint"), "no histogram"));
    }

  /* Sorting by a header: the model the table shows is sorted. */
  {
    GListModel *columns = gtk_column_view_get_columns (GTK_COLUMN_VIEW (view));
    g_autoptr(GtkColumnViewColumn) name_column = g_list_model_get_item (columns, 0);
    g_autofree char *previous = NULL;

    gtk_column_view_sort_by_column (GTK_COLUMN_VIEW (view), name_column, GTK_SORT_DESCENDING);
    for (guint i = 0; i < g_list_model_get_n_items (model); i++)
      {
        g_autoptr(OffloadCrunchColumnItem) item = g_list_model_get_item (model, i);
        const char *name = offload_crunch_column_item_get_name (item);

        if (previous != NULL)
          g_assert_cmpint (g_utf8_collate (previous, name), >=, 0);
        g_free (previous);
        previous = g_strdup (name);
      }
    gtk_column_view_sort_by_column (GTK_COLUMN_VIEW (view), NULL, GTK_SORT_ASCENDING);
  }

  /* Copy: the CSV on the clipboard. */
  {
    g_autofree char *csv = offload_crunch_result_to_csv (result);
    ClipboardRead read = { NULL, FALSE };

    gtk_widget_activate_action (GTK_WIDGET (page), "crunch.copy", NULL);
    gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (page)), NULL,
                                   clipboard_read_cb, &read);
    offload_test_wait_for (clipboard_read, &read, "the clipboard");
    g_assert_cmpstr (read.text, ==, csv);
    g_free (read.text);
  }

  /* Export: JSON by its name, CSV otherwise, written whole, the file
   * chosen in the file chooser. Closing the chooser writes nothing. */
  {
    g_autofree char *json_path = g_build_filename (cache_dir, "stats.json", NULL);
    g_autofree char *csv_path = g_build_filename (cache_dir, "stats.csv", NULL);
    g_autoptr(GFile) json_file = g_file_new_for_path (json_path);
    g_autoptr(GFile) csv_file = g_file_new_for_path (csv_path);
    g_autofree char *csv = offload_crunch_result_to_csv (result);
    Written written = { csv_path, csv };

    gtk_widget_activate_action (GTK_WIDGET (page), "crunch.export", NULL);
    offload_test_answer_chooser ("Export Statistics", json_file);
    offload_test_wait_for (json_written, json_path, "the JSON export");

    gtk_widget_activate_action (GTK_WIDGET (page), "crunch.export", NULL);
    offload_test_answer_chooser ("Export Statistics", NULL);
    g_assert_false (g_file_test (csv_path, G_FILE_TEST_EXISTS));

    gtk_widget_activate_action (GTK_WIDGET (page), "crunch.export", NULL);
    offload_test_answer_chooser ("Export Statistics", csv_file);
    offload_test_wait_for (csv_written, &written, "the CSV export");
  }
}

static gboolean
all_columns_listed (gpointer data)
{
  OffloadCrunchPage *page = data;
  OffloadCrunchResult *result = offload_crunch_page_get_result (page);

  return result != NULL && g_list_model_get_n_items (table_model (page)) == result->columns->len;
}

static void
assert_listed_once (GListModel *model,
                    guint       n)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(OffloadCrunchColumnItem) item = g_list_model_get_item (model, i);

      g_assert_true (g_hash_table_add (names, g_strdup (offload_crunch_column_item_get_name (item))));
    }
}

static gboolean
table_empty (gpointer data)
{
  return g_list_model_get_n_items (data) == 0;
}

/* A file of many columns: the table lists them all, a few rows a frame,
 * and the first numeric one's histogram is drawn though the first rows
 * listed hold text. */
/* Every icon-only button, the results' copy and export included (a run
 * came before), says what it does to a screen reader. */
static void
test_accessible_labels (void)
{
  show_page ();
  offload_test_assert_icon_buttons_labelled (GTK_WIDGET (offload_test_ui_window ()));
}

static void
test_many_columns (void)
{
  OffloadCrunchPage *page = show_page ();
  g_autoptr(GString) csv = g_string_new (NULL);
  g_autofree char *path = g_build_filename (cache_dir, "many-columns.csv", NULL);
  g_autoptr(GError) error = NULL;
  GListModel *model;
  gpointer selected;

  for (guint c = 0; c < 60; c++)
    g_string_append_printf (csv, "%s%c%u", c == 0 ? "" : ",", c < 30 ? 't' : 'n', c % 30);
  g_string_append_c (csv, '\n');
  for (guint r = 0; r < 50; r++)
    {
      for (guint c = 0; c < 60; c++)
        {
          if (c > 0)
            g_string_append_c (csv, ',');
          if (c < 30)
            g_string_append_printf (csv, "word%u", (r + c) % 7);
          else
            g_string_append_printf (csv, "%u.5", r * c);
        }
      g_string_append_c (csv, '\n');
    }
  g_file_set_contents (path, csv->str, (gssize) csv->len, &error);
  g_assert_no_error (error);

  offload_crunch_page_set_file (page, path);
  crunch (page);
  offload_test_wait_for (all_columns_listed, page, "every column in the table");

  /* All 60, each once, whatever order the table is sorted in. */
  model = table_model (page);
  assert_listed_once (model, 60);

  selected = gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (model));
  g_assert_nonnull (selected);
  g_assert_cmpint (offload_crunch_column_item_get_column (selected)->type, ==,
                   OFFLOAD_CRUNCH_COLUMN_NUMERIC);
  g_assert_cmpstr (visible_child (page, "histogram_stack"), ==, "histogram");

  /* Scrolled down the 60, the next run's table starts at its top again. */
  {
    GtkWidget *scroller = find (page, "table_scroller", GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *vertical = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

    gtk_adjustment_set_value (vertical, gtk_adjustment_get_upper (vertical)
                                        - gtk_adjustment_get_page_size (vertical));
    g_assert_cmpfloat (gtk_adjustment_get_value (vertical), >, 0);
    crunch (page);
    g_assert_cmpfloat (gtk_adjustment_get_value (vertical), ==, 0);
  }
  /* The last table, emptied a few rows a frame, is all gone from the new
   * one, which is whole. */
  offload_test_wait_for (all_columns_listed, page, "every column in the table");
  assert_listed_once (model, 60);

  /* Another file: the table empties, a few rows a frame. */
  {
    g_autofree char *other = g_build_filename (cache_dir, "other.csv", NULL);

    g_file_set_contents (other, "a\n1\n", -1, &error);
    g_assert_no_error (error);
    offload_crunch_page_set_file (page, other);
    offload_test_wait_for (table_empty, model, "the table to empty");
    g_unlink (other);
  }
  g_unlink (path);
}

static gboolean
table_column_visible (OffloadCrunchPage *page,
                      const char        *title)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (find (page, "columns_view", GTK_TYPE_COLUMN_VIEW));
  GListModel *columns = gtk_column_view_get_columns (view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        return gtk_column_view_column_get_visible (column);
    }
  g_assert_not_reached ();
}

/* A file's own text is written out, not obeyed: a mark that turns text
 * right to left showed "\u202eevil" as "live", and a newline in a value
 * made its row two lines tall. */
static void
test_file_text_escaped (void)
{
  OffloadCrunchPage *page = show_page ();
  g_autofree char *path = g_build_filename (cache_dir, "escaped.csv", NULL);
  g_autoptr(GError) error = NULL;
  GListModel *model;

  g_file_set_contents (path, "\xe2\x80\xae" "evil,n\n\"p\nq\",1\n\"p\nq\",2\nr,3\n", -1,
                       &error);
  g_assert_no_error (error);
  offload_crunch_page_set_file (page, path);
  crunch (page);
  offload_test_wait_for (all_columns_listed, page, "every column in the table");

  model = table_model (page);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(OffloadCrunchColumnItem) item = g_list_model_get_item (model, i);

      if (offload_crunch_column_item_get_column (item)->type == OFFLOAD_CRUNCH_COLUMN_TEXT)
        gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (model), i);
    }
  g_assert_cmpstr (label_text (page, "histogram_title"), ==, "Column “\\u202eevil”");
  /* Text and numbers: both kinds of statistics. */
  g_assert_true (table_column_visible (page, "Mean"));
  g_assert_true (table_column_visible (page, "Top"));
  g_assert_nonnull (strstr (label_text (page, "histogram_hint"), "“p\\nq”, 2 times"));
  g_assert_true (offload_test_shows_label (GTK_WIDGET (page), "\\u202eevil"));
  g_unlink (path);
}

/* Numbers that span more than a double holds have no histogram, and the
 * page says why, not that there are no finite values. And the table shows
 * the statistics the file's columns have. */
static void
test_too_wide (void)
{
  OffloadCrunchPage *page = show_page ();
  g_autofree char *path = g_build_filename (cache_dir, "too-wide.csv", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, "x\n1.7e308\n-1.7e308\n0\n", -1, &error);
  g_assert_no_error (error);
  offload_crunch_page_set_file (page, path);
  crunch (page);
  offload_test_wait_for (all_columns_listed, page, "every column in the table");
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (table_model (page)), 0);
  g_assert_cmpstr (label_text (page, "histogram_hint"), ==,
                   "“x” spans too wide a range for a histogram: from -1.7e+308 to 1.7e+308.");
  /* Numbers only: no empty columns for text's statistics. */
  g_assert_true (table_column_visible (page, "Mean"));
  g_assert_false (table_column_visible (page, "Top"));

  /* Text only: its statistics in sight, and no "select a numeric
   * column" when there is none. */
  g_file_set_contents (path, "name\nx\ny\nx\n", -1, &error);
  g_assert_no_error (error);
  offload_crunch_page_set_file (page, path);
  crunch (page);
  offload_test_wait_for (all_columns_listed, page, "every column in the table");
  g_assert_false (table_column_visible (page, "Mean"));
  g_assert_true (table_column_visible (page, "Top"));
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (table_model (page)),
                                     GTK_INVALID_LIST_POSITION);
  g_assert_cmpstr (label_text (page, "histogram_hint"), ==,
                   "No column of this file holds numbers: there is no histogram to draw");
  g_unlink (path);
}

/* The contrast: the same statistics on the main thread. */
static void
test_blocking (void)
{
  OffloadCrunchPage *page = show_page ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  OffloadCrunchResult *result;

  if (small_path == NULL)
    small_path = generate (page, SMALL_ROWS);
  offload_crunch_page_set_file (page, small_path);
  g_settings_set_boolean (settings, "crunch-blocking", TRUE);

  gtk_widget_activate_action (GTK_WIDGET (page), "crunch.start", NULL);
  g_assert_true (g_str_has_prefix (label_text (page, "overall_label"),
                                   "Running on the main thread"));
  offload_test_wait_for (run_over, page, "the blocking crunch to end");

  /* Ctrl+Return pressed again during the freeze arrives now, before the
   * next frame: it starts no second freeze. */
  gtk_widget_activate_action (GTK_WIDGET (page), "crunch.start", NULL);
  g_assert_false (offload_crunch_page_get_running (page));

  offload_test_wait_for (results_shown, page, "the table of results");

  result = offload_crunch_page_get_result (page);
  g_assert_nonnull (result);
  g_assert_cmpuint (result->rows, ==, SMALL_ROWS);
  g_assert_cmpuint (result->workers, ==, 0);
  g_assert_nonnull (strstr (label_text (page, "summary_label"), " · on the main thread · "));
  g_assert_cmpuint (g_list_model_get_n_items (table_model (page)), ==, 10);

  g_settings_set_boolean (settings, "crunch-blocking", FALSE);
}

/* A worker that crashes: its chunk runs again on a fresh worker, the run
 * succeeds, and the page says what happened. */
static void
test_retry (void)
{
  OffloadCrunchPage *page = show_page ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *once = g_build_filename (cache_dir, "fault-once", NULL);
  OffloadCrunchResult *result;
  GtkWidget *events_label;

  if (small_path == NULL)
    small_path = generate (page, SMALL_ROWS);
  offload_crunch_page_set_file (page, small_path);
  g_settings_set_uint (settings, "crunch-workers", 2);
  g_settings_set_boolean (settings, "crunch-blocking", FALSE);

  /* The first worker started crashes; the workers inherit this. */
  g_setenv ("OFFLOAD_WORKER_FAULT", "crash", TRUE);
  g_setenv ("OFFLOAD_WORKER_FAULT_ONCE", once, TRUE);
  crunch (page);
  g_unsetenv ("OFFLOAD_WORKER_FAULT");
  g_unsetenv ("OFFLOAD_WORKER_FAULT_ONCE");

  result = offload_crunch_page_get_result (page);
  g_assert_nonnull (result);
  g_assert_cmpuint (result->rows, ==, SMALL_ROWS);
  g_assert_cmpuint (result->events->len, >=, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (result->events, 0), "SIGSEGV"));

  events_label = find (page, "events_label", GTK_TYPE_LABEL);
  g_assert_true (gtk_widget_get_visible (events_label));
  g_assert_true (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (events_label)),
                                   g_ptr_array_index (result->events, 0)));
  g_assert_false (gtk_widget_get_visible (find (page, "error_box", GTK_TYPE_BOX)));
}

static gboolean
ready_says_size (gpointer data)
{
  AdwStatusPage *ready = ADW_STATUS_PAGE (find (get_page (), "ready_page", ADW_TYPE_STATUS_PAGE));

  return g_str_has_prefix (adw_status_page_get_description (ready), data);
}

static gboolean
ready_says (gpointer data)
{
  AdwStatusPage *ready = ADW_STATUS_PAGE (find (get_page (), "ready_page", ADW_TYPE_STATUS_PAGE));

  return strstr (adw_status_page_get_description (ready), data) != NULL;
}

/* A histogram's edges read as different numbers, however narrow its
 * range: 1e15 to 1e15 + 80 read "1e+15 to 1e+15", and 1 to 1 + 2e-12
 * "1.00000000 to 1.00000000". */
static void
test_histogram_edges (void)
{
  static const struct { double low, high; const char *description; } cases[] = {
    { 1e15, 1e15 + 80, "2 bins from 1000000000000000 to 1000000000000080; "
                       "the largest holds 3 values" },
    { 1, 1 + 0x1p-39, "2 bins from 1 to 1.00000000000182; the largest holds 3 values" },
    { 0, 1000, "2 bins from 0 to 1000; the largest holds 3 values" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GtkWidget *view = g_object_ref_sink (offload_histogram_view_new ());
      double edges[3] = { cases[i].low, (cases[i].low + cases[i].high) / 2, cases[i].high };
      guint64 bins[2] = { 3, 1 };
      char *failure;

      offload_histogram_view_set_data (OFFLOAD_HISTOGRAM_VIEW (view), 2, edges, bins);
      failure = gtk_test_accessible_check_property (GTK_ACCESSIBLE (view),
                                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                    cases[i].description);
      if (failure != NULL)
        g_error ("%s", failure);
      g_object_unref (view);
    }
}

/* A file that is not what it should be: the error, in words. */
static void
test_error (void)
{
  OffloadCrunchPage *page = show_page ();
  g_autofree char *path = g_build_filename (cache_dir, "header-only.csv", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, "a,b,c\n", -1, &error);
  g_assert_no_error (error);
  offload_crunch_page_set_file (page, path);
  g_assert_cmpstr (visible_child (page, "content_stack"), ==, "ready");

  crunch (page);
  g_assert_null (offload_crunch_page_get_result (page));
  g_assert_true (gtk_widget_get_visible (find (page, "error_box", GTK_TYPE_BOX)));
  g_assert_true (g_str_has_prefix (label_text (page, "error_title"), "Could not crunch “"));
  g_assert_cmpstr (label_text (page, "error_label"), !=, "");
  g_assert_true (g_str_has_prefix (label_text (page, "overall_label"), "Failed after "));
  g_assert_cmpstr (visible_child (page, "results_stack"), ==, "none");
  g_assert_cmpstr (label_text (page, "no_results_label"), ==, "No statistics: the run failed");
  g_assert_false (gtk_widget_get_sensitive (find (page, "copy_button", GTK_TYPE_BUTTON)));
  g_unlink (path);

  /* An empty file: its size is known, and said (it read "…"). */
  g_file_set_contents (path, "", -1, &error);
  g_assert_no_error (error);
  offload_crunch_page_set_file (page, path);
  offload_test_wait_for (ready_says_size, (gpointer) "“header-only.csv”, 0 bytes.",
                         "the empty file's size");
  g_unlink (path);

  /* A file that is gone, or a folder: said as soon as it is chosen, not
   * "Ready to Crunch" until Start. */
  offload_crunch_page_set_file (page, path);
  offload_test_wait_for (ready_says_size,
                         (gpointer) "“header-only.csv” does not exist. Choose another file.",
                         "the missing file's problem");
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (find (page, "ready_page",
                                                                     ADW_TYPE_STATUS_PAGE))),
                   ==, "Cannot Read This File");
  offload_crunch_page_set_file (page, cache_dir);
  offload_test_wait_for (ready_says, (gpointer) "” is not a regular file. Choose another file.",
                         "the folder's problem");
  /* A good file again: ready again. */
  g_file_set_contents (path, "a\n1\n", -1, &error);
  g_assert_no_error (error);
  offload_crunch_page_set_file (page, path);
  offload_test_wait_for (ready_says_size, (gpointer) "“header-only.csv”, 4 bytes.",
                         "the file's size");
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (find (page, "ready_page",
                                                                     ADW_TYPE_STATUS_PAGE))),
                   ==, "Ready to Crunch");
  g_unlink (path);
}

static gboolean
lane_running (gpointer data)
{
  OffloadCrunchPage *page = data;
  OffloadCrunchJob *job = offload_crunch_page_get_job (page);
  GPtrArray *pids = g_object_get_data (G_OBJECT (page), "test-pids");

  for (guint i = 0; job != NULL && i < offload_crunch_job_get_n_lanes (job); i++)
    {
      OffloadCrunchLane lane = { 0 };

      offload_crunch_job_get_lane (job, i, &lane);
      if (lane.state == OFFLOAD_CRUNCH_LANE_RUNNING && lane.pid > 0)
        {
          g_ptr_array_add (pids, GINT_TO_POINTER (lane.pid));
          return TRUE;
        }
    }

  return FALSE;
}

/* Starts a crunch and returns once a worker reads a chunk, its process
 * id added to @pids. */
static void
start_until_lane_runs (OffloadCrunchPage *page,
                       GPtrArray         *pids)
{
  g_object_set_data (G_OBJECT (page), "test-pids", pids);
  gtk_widget_activate_action (GTK_WIDGET (page), "crunch.start", NULL);
  offload_test_wait_for (lane_running, page, "a worker to read a chunk");
  g_object_set_data (G_OBJECT (page), "test-pids", NULL);
}

/* Reaped: each process is gone, not a zombie. */
static void
assert_reaped (GPtrArray *pids)
{
  g_assert_cmpuint (pids->len, >, 0);
  for (guint i = 0; i < pids->len; i++)
    {
      g_assert_cmpint (kill (GPOINTER_TO_INT (pids->pdata[i]), 0), ==, -1);
      g_assert_cmpint (errno, ==, ESRCH);
    }
}

static void
test_cancel (void)
{
  OffloadCrunchPage *page = show_page ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GPtrArray) pids = g_ptr_array_new ();
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *path = NULL;
  OffloadCrunchJob *job;

  g_settings_set_uint (settings, "crunch-workers", 2);
  g_settings_set_boolean (settings, "crunch-blocking", FALSE);

  /* Small is enough: a lane seen running is still running when Cancel
   * comes, as both happen on this thread with no event between them. */
  if (small_path == NULL)
    small_path = generate (page, SMALL_ROWS);
  path = g_strdup (small_path);
  offload_crunch_page_set_file (page, path);

  /* Started from the ready page's own Start: the focus goes to Cancel,
   * not to the window's first widget (the Fetch tab) as the page goes. */
  {
    GtkWidget *ready_start =
      adw_status_page_get_child (ADW_STATUS_PAGE (find (page, "ready_page",
                                                        ADW_TYPE_STATUS_PAGE)));

    g_assert_true (gtk_widget_grab_focus (ready_start));
    start_until_lane_runs (page, pids);
    g_assert_true (gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (page)))
                   == find (page, "cancel_button", GTK_TYPE_BUTTON));
  }

  /* A file dropped meanwhile is refused, in words (the toast is looked
   * for once the run is over: no event may come before Cancel). */
  {
    g_autoptr(GFile) other = g_file_new_for_path ("/tmp/other.csv");
    g_auto(GValue) value = G_VALUE_INIT;

    g_value_init (&value, G_TYPE_FILE);
    g_value_set_object (&value, other);
    g_assert_false (offload_test_drop (GTK_WIDGET (page), &value));
    g_assert_cmpstr (offload_crunch_page_get_file (page), ==, path);
  }
  /* So is a fetched body offered to Crunch (the run goes on). */
  g_action_group_activate_action (G_ACTION_GROUP (offload_test_ui_window ()), "crunch-file",
                                  g_variant_new_string ("/tmp/other.csv"));
  g_assert_cmpstr (offload_crunch_page_get_file (page), ==, path);
  g_assert_true (offload_crunch_page_get_running (page));

  gtk_widget_activate_action (GTK_WIDGET (page), "crunch.cancel", NULL);
  g_assert_true (g_str_has_prefix (label_text (page, "overall_label"), "Cancelling…"));
  /* Start again while the workers stop: said, not ignored. */
  gtk_widget_activate_action (GTK_WIDGET (page), "crunch.start", NULL);
  offload_test_wait_for (run_over, page, "the crunch to stop");
  offload_test_wait_for (toast_shown,
                         (gpointer) "Another file can be opened once this work is done or cancelled",
                         "the toast");
  offload_test_wait_for (toast_shown,
                         (gpointer) "The last run is still stopping: start again once it has",
                         "the toast");

  /* Stopped, as the page says: every lane is idle, every worker gone. */
  g_assert_true (g_str_has_prefix (label_text (page, "overall_label"), "Cancelled after "));
  g_assert_nonnull (strstr (label_text (page, "overall_label"), "no worker left"));
  g_assert_null (offload_crunch_page_get_result (page));
  /* Where the statistics would be, no promise that they will come. */
  g_assert_cmpstr (label_text (page, "no_results_label"), ==,
                   "No statistics: the run was cancelled before it ended");

  job = offload_crunch_page_get_job (page);
  g_assert_nonnull (job);
  g_assert_cmpuint (offload_crunch_job_get_n_lanes (job), >, 0);
  for (guint i = 0; i < offload_crunch_job_get_n_lanes (job); i++)
    {
      OffloadCrunchLane lane = { 0 };

      offload_crunch_job_get_lane (job, i, &lane);
      g_assert_cmpint (lane.state, ==, OFFLOAD_CRUNCH_LANE_IDLE);
      g_assert_cmpint (lane.pid, ==, 0);
    }

  /* The lanes stay on screen, showing it. */
  rows = offload_test_find_all (GTK_WIDGET (page), OFFLOAD_TYPE_CRUNCH_LANE_ROW);
  g_assert_cmpuint (rows->len, ==, offload_crunch_job_get_n_lanes (job));
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpint (offload_crunch_lane_row_get_state (rows->pdata[i]), ==,
                     OFFLOAD_CRUNCH_LANE_IDLE);

  /* The bar shows how far it got, not a block left over from a pulse. */
  g_assert_false (pulsing (offload_test_find (GTK_WIDGET (page), "overall_progress",
                                              GTK_TYPE_PROGRESS_BAR)));

  assert_reaped (pids);

}

/* Closing the window mid-run stops the workers then: the job is
 * cancelled, not left to run to its end unseen while a callback holds
 * the page. A lane seen running is still running when the window closes,
 * as both happen on this thread with no event between them. */
static void
test_close_window (void)
{
  OffloadCrunchPage *page = show_page ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GPtrArray) pids = g_ptr_array_new ();
  g_autoptr(OffloadCrunchJob) job = NULL;

  if (small_path == NULL)
    small_path = generate (page, SMALL_ROWS);
  offload_crunch_page_set_file (page, small_path);
  g_settings_set_uint (settings, "crunch-workers", 2);
  g_settings_set_boolean (settings, "crunch-blocking", FALSE);

  start_until_lane_runs (page, pids);
  job = g_object_ref (offload_crunch_page_get_job (page));

  offload_test_ui_close_window (G_OBJECT (page));

  /* Cancelled, not failed, and every worker reaped. */
  g_assert_null (offload_crunch_job_get_error_details (job));
  g_assert_cmpint (offload_crunch_job_get_stop_duration (job), >, 0);
  for (guint i = 0; i < offload_crunch_job_get_n_lanes (job); i++)
    {
      OffloadCrunchLane lane = { 0 };

      offload_crunch_job_get_lane (job, i, &lane);
      g_assert_cmpint (lane.pid, ==, 0);
    }
  assert_reaped (pids);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

/* `offload FILE.csv`, or Open With in the file manager: the Crunch page,
 * with that file. */
static void
test_open_file (void)
{
  OffloadCrunchPage *page = get_page ();
  GtkWindow *window = GTK_WINDOW (offload_test_ui_window ());
  GApplication *app = G_APPLICATION (gtk_window_get_application (window));
  g_autofree char *path = g_build_filename (cache_dir, "opened.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkWidget *stack = offload_test_find (GTK_WIDGET (offload_test_ui_window ()), "stack",
                                        ADW_TYPE_VIEW_STACK);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, "a,b\n1,2\n", -1, &error);
  g_assert_no_error (error);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), "fetch");
  g_application_open (app, &file, 1, "");
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (stack)), ==, "crunch");
  g_assert_cmpstr (offload_crunch_page_get_file (page), ==, path);
  /* The focus is on the ready page's Start: Return crunches the file. */
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window))
                 == adw_status_page_get_child (ADW_STATUS_PAGE (find (page, "ready_page",
                                                                      ADW_TYPE_STATUS_PAGE))));
  g_unlink (path);

  /* A file that is not on this computer: kept out, in words. */
  {
    g_autoptr(GFile) remote = g_file_new_for_uri ("https://example.org/data.csv");

    adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), "fetch");
    g_application_open (app, &remote, 1, "");
    g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (stack)), ==,
                     "crunch");
    g_assert_cmpstr (offload_crunch_page_get_file (page), ==, path);
    offload_test_wait_for (toast_shown, (gpointer) "Only files on this computer can be crunched",
                           "the toast");
  }
}

static gboolean
page_has_file (gpointer data)
{
  return g_strcmp0 (offload_crunch_page_get_file (get_page ()), data) == 0;
}

/* A file dropped on the page is the page's, as one chosen is. */
static void
test_drop_file (void)
{
  OffloadCrunchPage *page = show_page ();
  g_autofree char *path = g_build_filename (cache_dir, "dropped.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, "a,b\n1,2\n", -1, &error);
  g_assert_no_error (error);
  g_value_init (&value, G_TYPE_FILE);
  g_value_set_object (&value, file);

  g_assert_true (offload_test_drop (GTK_WIDGET (page), &value));
  g_assert_cmpstr (offload_crunch_page_get_file (page), ==, path);
  g_unlink (path);
}

/* Open: the file chosen in the file chooser is the page's; closing the
 * chooser keeps the one before. */
static void
test_choose_file (void)
{
  OffloadCrunchPage *page = show_page ();
  g_autofree char *path = g_build_filename (cache_dir, "chosen.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *before = NULL;
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, "a,b\n1,2\n", -1, &error);
  g_assert_no_error (error);

  before = g_strdup (offload_crunch_page_get_file (page));
  gtk_widget_activate_action (GTK_WIDGET (page), "crunch.open", NULL);
  offload_test_answer_chooser ("Choose a CSV File", NULL);
  g_assert_cmpstr (offload_crunch_page_get_file (page), ==, before);

  gtk_widget_activate_action (GTK_WIDGET (page), "crunch.open", NULL);
  offload_test_answer_chooser ("Choose a CSV File", file);
  offload_test_wait_for (page_has_file, (gpointer) path, "the chosen file");
  g_unlink (path);
}

/* Generate, stopped from the keyboard: Stop, pressed, goes insensitive at
 * once; the focus still comes back to Generate when the worker is gone. */
static void
test_generate_stopped (void)
{
  OffloadCrunchPage *page = show_page ();
  GtkWidget *button = find (page, "generate_button", GTK_TYPE_BUTTON);
  GtkWidget *stop = find (page, "generate_cancel_button", GTK_TYPE_BUTTON);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (page));

  g_assert_true (gtk_widget_grab_focus (button));
  offload_crunch_page_generate_sample (page, 50000000);
  g_assert_true (gtk_root_get_focus (root) == stop);
  gtk_widget_activate_action (GTK_WIDGET (page), "crunch.cancel-generate", NULL);
  offload_test_wait_for (generated, page, "the sample dataset's worker to stop");
  g_assert_true (gtk_root_get_focus (root) == button);

  /* The size chosen in the list, said as the list says it. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (find (page, "rows_row", ADW_TYPE_COMBO_ROW)), 0);
  gtk_widget_activate_action (GTK_WIDGET (page), "crunch.generate", NULL);
  offload_test_wait_for (generated, page, "the sample dataset to be written");
  offload_test_wait_for (toast_shown,
                         (gpointer) "Generated the sample dataset of 100 thousand rows",
                         "the toast");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  cache_dir = g_dir_make_tmp ("offload-test-ui-crunch-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_CACHE_HOME", cache_dir, TRUE);

  offload_test_ui_init (&argc, &argv);

  g_test_add_func ("/offload/ui/crunch/empty", test_empty);
  g_test_add_func ("/offload/ui/crunch/histogram-edges", test_histogram_edges);
  g_test_add_func ("/offload/ui/crunch/generate-and-crunch", test_generate_and_crunch);
  g_test_add_func ("/offload/ui/crunch/generate-stopped", test_generate_stopped);
  g_test_add_func ("/offload/ui/crunch/accessible-labels", test_accessible_labels);
  g_test_add_func ("/offload/ui/crunch/blocking", test_blocking);
  g_test_add_func ("/offload/ui/crunch/many-columns", test_many_columns);
  g_test_add_func ("/offload/ui/crunch/file-text-escaped", test_file_text_escaped);
  g_test_add_func ("/offload/ui/crunch/too-wide", test_too_wide);
  g_test_add_func ("/offload/ui/crunch/retry", test_retry);
  g_test_add_func ("/offload/ui/crunch/error", test_error);
  g_test_add_func ("/offload/ui/crunch/cancel", test_cancel);
  g_test_add_func ("/offload/ui/crunch/open-file", test_open_file);
  g_test_add_func ("/offload/ui/crunch/choose-file", test_choose_file);
  g_test_add_func ("/offload/ui/crunch/drop-file", test_drop_file);
  g_test_add_func ("/offload/ui/crunch/close-window", test_close_window);

  ret = offload_test_ui_run ();

  remove_tree (cache_dir);
  g_free (cache_dir);
  g_free (small_path);

  return ret;
}
