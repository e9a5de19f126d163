/* test-ui-fetch.c: the Fetch page of the real window, under Xvfb
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "offload-crunch-page.h"
#include "offload-fetch-page.h"
#include "offload-fetch-row.h"
#include "offload-test-ui.h"

static OffloadWindow *
get_window (void)
{
  return offload_test_ui_window ();
}

static OffloadFetchPage *
get_page (void)
{
  GtkWidget *page = offload_test_find (GTK_WIDGET (get_window ()), "fetch_page", OFFLOAD_TYPE_FETCH_PAGE);

  g_assert_nonnull (page);
  return OFFLOAD_FETCH_PAGE (page);
}

static const char *
label_text (OffloadFetchPage *page,
            const char       *id)
{
  return offload_test_label_text (GTK_WIDGET (page), id);
}

static gboolean
run_over (gpointer data)
{
  OffloadFetchPage *page = data;
  OffloadFetchQueue *queue = offload_fetch_page_get_queue (page);

  GtkWidget *buttons = offload_test_find (GTK_WIDGET (page), "button_stack", GTK_TYPE_STACK);

  /* Over for the user too: Start is back in place of Cancel. */
  return !offload_fetch_queue_get_running (queue)
         && offload_fetch_queue_get_n_requests (queue) > 0
         && offload_fetch_queue_get_n_finished (queue) == offload_fetch_queue_get_n_requests (queue)
         && g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (buttons)), "start") == 0;
}

static gboolean
toast_shown (gpointer data)
{
  return offload_test_shows_label (GTK_WIDGET (get_window ()), data);
}

static gboolean
url_list_at_end (gpointer data)
{
  GtkWidget *list = offload_test_find (GTK_WIDGET (data), "url_list", GTK_TYPE_LIST_VIEW);
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));
  double end = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  g_test_message ("URL list at %.0f of %.0f", gtk_adjustment_get_value (adjustment), end);
  /* Scrolled to show the last row: at the end, or within a row of it
   * (the list's height is an estimate until its rows are laid out). */
  return end > 0 && gtk_adjustment_get_value (adjustment) >= end - 60;
}

/* Whether a label under @root shows @text anywhere in its own. */
static gboolean
shows_text_containing (GtkWidget  *root,
                       const char *text)
{
  g_autoptr(GPtrArray) labels = offload_test_find_all (root, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    if (strstr (gtk_label_get_label (labels->pdata[i]), text) != NULL)
      return TRUE;

  return FALSE;
}

/* Every row shows its request's final state: the error of a failed one. */
static gboolean
rows_refreshed (gpointer data)
{
  g_autoptr(GPtrArray) rows = offload_test_find_all (GTK_WIDGET (data), OFFLOAD_TYPE_FETCH_ROW);

  for (guint i = 0; i < rows->len; i++)
    {
      OffloadFetchRequest *request = offload_fetch_row_get_request (rows->pdata[i]);
      GtkWidget *error_label = offload_test_find (rows->pdata[i], "error_label", GTK_TYPE_LABEL);

      if (request != NULL
          && gtk_widget_get_visible (error_label)
             != (offload_fetch_request_get_state (request) == OFFLOAD_FETCH_STATE_FAILED))
        return FALSE;
    }

  return TRUE;
}

static void
test_demo_preset (void)
{
  OffloadFetchPage *page = get_page ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GPtrArray) rows = NULL;
  GListModel *requests;
  guint done = 0, failed = 0, shown_errors = 0;

  /* The demo preset, offline; the stalling endpoint ends at the time limit,
   * which leaves the 4 s paced download room on a slow, sanitized build. */
  g_settings_reset (settings, "urls");
  g_settings_set_uint (settings, "timeout", 20);
  g_settings_set_uint (settings, "concurrency", 8);
  g_assert_cmpuint (g_list_model_get_n_items (offload_fetch_page_get_urls (page)), ==, 15);

  gtk_widget_activate_action (GTK_WIDGET (page), "fetch.start", NULL);
  g_assert_true (offload_fetch_queue_get_running (offload_fetch_page_get_queue (page)));
  offload_test_wait_for (run_over, page, "the demo run to end");

  requests = offload_fetch_page_get_requests (page);
  g_assert_cmpuint (g_list_model_get_n_items (requests), ==, 15);
  for (guint i = 0; i < 15; i++)
    {
      g_autoptr(OffloadFetchRequest) request = g_list_model_get_item (requests, i);
      OffloadFetchState state = offload_fetch_request_get_state (request);

      done += state == OFFLOAD_FETCH_STATE_DONE;
      failed += state == OFFLOAD_FETCH_STATE_FAILED;
      if (state == OFFLOAD_FETCH_STATE_FAILED)
        g_assert_nonnull (offload_fetch_request_get_error_message (request));
    }
  g_assert_cmpuint (done, ==, 9);
  g_assert_cmpuint (failed, ==, 6);

  /* What the user reads: the overall line, the rows, the toast. */
  g_assert_true (g_str_has_prefix (label_text (page, "overall_label"),
                                   "15 requests: 9 succeeded, 6 failed · "));
  offload_test_wait_for (toast_shown, (gpointer) "15 requests: 9 succeeded, 6 failed", "the toast");
  /* Rows refresh before the next frame, as the user sees them. */
  offload_test_wait_for (rows_refreshed, page, "the rows to show the run's end");

  rows = offload_test_find_all (GTK_WIDGET (page), OFFLOAD_TYPE_FETCH_ROW);
  g_assert_cmpuint (rows->len, >, 0);
  for (guint i = 0; i < rows->len; i++)
    {
      OffloadFetchRow *row = rows->pdata[i];
      OffloadFetchRequest *request = offload_fetch_row_get_request (row);
      GtkWidget *error_label = offload_test_find (GTK_WIDGET (row), "error_label", GTK_TYPE_LABEL);

      if (request == NULL)
        continue;
      if (offload_fetch_request_get_state (request) == OFFLOAD_FETCH_STATE_FAILED)
        {
          g_assert_true (gtk_widget_get_visible (error_label));
          g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (error_label)), ==,
                           offload_fetch_request_get_error_message (request));
          shown_errors++;
        }
      else
        g_assert_false (gtk_widget_get_visible (error_label));
    }
  g_assert_cmpuint (shown_errors, >, 0);

  /* The demo server is idle afterwards. */
  g_assert_cmpuint (offload_demo_server_get_in_flight (offload_fetch_page_get_demo_server (page)),
                    ==, 0);
}

static gboolean
something_receiving (gpointer data)
{
  OffloadFetchPage *page = data;
  GListModel *requests = offload_fetch_page_get_requests (page);

  for (guint i = 0; requests != NULL && i < g_list_model_get_n_items (requests); i++)
    {
      g_autoptr(OffloadFetchRequest) request = g_list_model_get_item (requests, i);

      if (offload_fetch_request_get_state (request) == OFFLOAD_FETCH_STATE_RECEIVING)
        return TRUE;
    }

  return FALSE;
}

static gboolean
demo_server_idle (gpointer data)
{
  return offload_demo_server_get_in_flight (data) == 0;
}

/* Runs @urls, @concurrency at a time with a 60 s limit, and returns once
 * a body starts arriving. */
static void
start_until_receiving (OffloadFetchPage   *page,
                       const char * const *urls,
                       guint               concurrency)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  g_settings_set_strv (settings, "urls", urls);
  g_settings_set_uint (settings, "timeout", 60);
  g_settings_set_uint (settings, "concurrency", concurrency);

  gtk_widget_activate_action (GTK_WIDGET (page), "fetch.start", NULL);
  offload_test_wait_for (something_receiving, page, "a body to start arriving");
}

/* What Escape does on @widget: its own Escape shortcut, as the key runs
 * it (GTK then offers the key to the widgets above, the page's shortcut
 * last). */
static gboolean
press_escape_on (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger)
              && gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == GDK_KEY_Escape)
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget,
                                                 NULL);
        }
    }
  g_assert_not_reached ();
}

static void
test_cancel (void)
{
  OffloadFetchPage *page = get_page ();
  const char *slow[] = {
    "demo:/bytes/100000000?duration_ms=30000",
    "demo:/bytes/100000000?duration_ms=30000",
    "demo:/stall",
    "demo:/delay/0",
    NULL
  };
  GListModel *requests;
  GtkWidget *start = offload_test_find (GTK_WIDGET (page), "start_button", GTK_TYPE_BUTTON);
  GtkWidget *cancel = offload_test_find (GTK_WIDGET (page), "cancel_button", GTK_TYPE_BUTTON);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (page));
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  /* From the keyboard: Start, focused, pressed, becomes Cancel with the
   * focus, and the same key again cancels. */
  g_settings_set_strv (settings, "urls", slow);
  g_settings_set_uint (settings, "timeout", 60);
  g_settings_set_uint (settings, "concurrency", 3);
  g_assert_true (gtk_widget_grab_focus (start));
  gtk_widget_activate (start);
  offload_test_wait_for (something_receiving, page, "a body to start arriving");
  g_assert_true (gtk_root_get_focus (root) == cancel);

  /* Escape in the URL entry while a URL is typed there is the text's, not
   * a cancel of the run; in the empty entry, it cancels. */
  {
    GtkEntry *entry = GTK_ENTRY (offload_test_find (GTK_WIDGET (page), "url_entry",
                                                    GTK_TYPE_ENTRY));

    gtk_editable_set_text (GTK_EDITABLE (entry), "http://exa");
    g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (entry)));
    g_assert_false (press_escape_on (GTK_WIDGET (entry)));
    g_assert_false (press_escape_on (GTK_WIDGET (page)));
    g_assert_false (g_str_has_prefix (label_text (page, "overall_label"), "Cancelling"));
    g_assert_true (offload_fetch_queue_get_running (offload_fetch_page_get_queue (page)));
    gtk_editable_set_text (GTK_EDITABLE (entry), "");
    g_assert_true (gtk_widget_grab_focus (cancel));
  }

  /* A button activated from the keyboard clicks a moment later. */
  gtk_widget_activate (gtk_root_get_focus (root));
  offload_test_wait_for (run_over, page, "the run to stop");
  g_assert_true (g_str_has_prefix (label_text (page, "overall_label"), "Cancelled after "));
  g_assert_true (gtk_root_get_focus (root) == start);

  /* Nothing is left running: every request ended, the server sees no one. */
  requests = offload_fetch_page_get_requests (page);
  for (guint i = 0; i < g_list_model_get_n_items (requests); i++)
    {
      g_autoptr(OffloadFetchRequest) request = g_list_model_get_item (requests, i);

      g_assert_true (offload_fetch_request_is_finished (request));
    }
  g_assert_cmpuint (offload_fetch_queue_get_n_cancelled (offload_fetch_page_get_queue (page)), >=, 3);
  offload_test_wait_for (demo_server_idle, offload_fetch_page_get_demo_server (page),
            "the demo server to see every connection closed");
}

/* Closing the window mid-run stops the requests then: they are
 * cancelled, not left to run unseen (here until the 60 s time limit)
 * while the run's callback holds the page. */
static void
test_close_window (void)
{
  OffloadFetchPage *page = get_page ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  const char *slow[] = {
    "demo:/bytes/100000000?duration_ms=30000",
    "demo:/stall",
    NULL
  };
  g_autoptr(GListModel) requests = NULL;

  start_until_receiving (page, slow, 2);
  requests = g_object_ref (offload_fetch_page_get_requests (page));

  offload_test_ui_close_window (G_OBJECT (page));

  for (guint i = 0; i < g_list_model_get_n_items (requests); i++)
    {
      g_autoptr(OffloadFetchRequest) request = g_list_model_get_item (requests, i);

      g_assert_cmpint (offload_fetch_request_get_state (request), ==,
                       OFFLOAD_FETCH_STATE_CANCELLED);
    }
  g_settings_reset (settings, "urls");
  g_settings_reset (settings, "timeout");
  g_settings_reset (settings, "concurrency");
}

/* Every icon-only button of the window, the URL rows' and the result
 * rows' included (a run came before), says what it does to a screen
 * reader. */
static void
test_accessible_labels (void)
{
  offload_test_assert_icon_buttons_labelled (GTK_WIDGET (offload_test_ui_window ()));
}

static gboolean
has_urls (gpointer data)
{
  return g_list_model_get_n_items (offload_fetch_page_get_urls (get_page ())) == GPOINTER_TO_UINT (data);
}

/* Import: the URLs of the text file chosen in the file chooser, one a
 * line, added to the list; closing the chooser adds nothing. */
static void
test_import_urls (void)
{
  OffloadFetchPage *page = get_page ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GListModel *urls = offload_fetch_page_get_urls (page);
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  int fd;

  g_settings_reset (settings, "urls");
  g_assert_cmpuint (g_list_model_get_n_items (urls), ==, 15);
  fd = g_file_open_tmp ("offload-urls-XXXXXX.txt", &path, &error);
  g_assert_no_error (error);
  close (fd);
  /* As some editors save it: a byte order mark first, CRLFs. */
  g_file_set_contents (path, "\xEF\xBB\xBFhttps://a.example/1\r\n# two endpoints\r\n\r\n"
                       "https://b.example/2\r\nhttps://c.example/caf\xe9\r\n", -1, &error);
  g_assert_no_error (error);
  file = g_file_new_for_path (path);

  gtk_widget_activate_action (GTK_WIDGET (page), "fetch.import", NULL);
  offload_test_answer_chooser ("Import URLs", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (urls), ==, 15);

  gtk_widget_activate_action (GTK_WIDGET (page), "fetch.import", NULL);
  offload_test_answer_chooser ("Import URLs", file);
  /* A line in Latin-1 is kept, made UTF-8 (it fails as its request), not
   * a file refused whole as it was. */
  offload_test_wait_for (has_urls, GUINT_TO_POINTER (18), "the imported URLs");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (urls), 15), ==,
                   "https://a.example/1");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (urls), 16), ==,
                   "https://b.example/2");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (urls), 17), ==,
                   "https://c.example/caf\xef\xbf\xbd");

  g_unlink (path);
  g_settings_reset (settings, "urls");
}

/* Dropped on the page: a text file's URLs imported, a link added as it
 * is (a browser drags links as URIs), dropped text added line by line. */
static void
test_drop_urls (void)
{
  OffloadFetchPage *page = get_page ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GListModel *urls = offload_fetch_page_get_urls (page);
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) link = g_file_new_for_uri ("https://c.example/3");
  g_autoptr(GError) error = NULL;
  GSList *files = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  g_auto(GValue) text = G_VALUE_INIT;
  int fd;

  g_settings_reset (settings, "urls");
  fd = g_file_open_tmp ("offload-urls-XXXXXX.txt", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, "https://a.example/1\nhttps://b.example/2\n", -1, &error);
  g_assert_no_error (error);
  file = g_file_new_for_path (path);

  files = g_slist_append (g_slist_append (NULL, link), file);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
  g_slist_free (files);
  g_assert_true (offload_test_drop (GTK_WIDGET (page), &value));
  /* The link at once, the file's URLs once it is read. */
  g_assert_cmpuint (g_list_model_get_n_items (urls), ==, 16);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (urls), 15), ==,
                   "https://c.example/3");
  offload_test_wait_for (has_urls, GUINT_TO_POINTER (18), "the dropped file's URLs");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (urls), 17), ==,
                   "https://b.example/2");

  g_value_init (&text, G_TYPE_STRING);
  g_value_set_string (&text, "https://d.example/4\nhttps://e.example/5");
  g_assert_true (offload_test_drop (GTK_WIDGET (page), &text));
  g_assert_cmpuint (g_list_model_get_n_items (urls), ==, 20);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (urls), 19), ==,
                   "https://e.example/5");

  g_unlink (path);
  g_settings_reset (settings, "urls");
}

static gboolean
has_buttons (gpointer data)
{
  g_autoptr(GPtrArray) buttons = offload_test_find_all (GTK_WIDGET (data), GTK_TYPE_BUTTON);

  return buttons->len > 0;
}

/* The button of the toast on show, clicked: as the user has it. */
typedef struct
{
  const char *label;
  GtkWidget  *button;
} ToastButton;

static gboolean
toast_button_sensitive (gpointer data)
{
  ToastButton *wanted = data;
  g_autoptr(GPtrArray) buttons = offload_test_find_all (GTK_WIDGET (get_window ()),
                                                        GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    if (gtk_widget_get_mapped (buttons->pdata[i])
        && g_strcmp0 (gtk_button_get_label (buttons->pdata[i]), wanted->label) == 0
        && gtk_widget_is_sensitive (buttons->pdata[i]))
      {
        wanted->button = buttons->pdata[i];
        return TRUE;
      }

  return FALSE;
}

static void
click_toast_button (const char *label)
{
  ToastButton wanted = { label, NULL };

  offload_test_wait_for (toast_button_sensitive, &wanted, "the toast's button");
  g_signal_emit_by_name (wanted.button, "clicked");
}

static void
click_undo (void)
{
  click_toast_button ("_Undo");
}

static void
test_edit_urls (void)
{
  OffloadFetchPage *page = get_page ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GListModel *urls = offload_fetch_page_get_urls (page);
  GtkWidget *url_stack = offload_test_find (GTK_WIDGET (page), "url_stack", GTK_TYPE_STACK);
  g_auto(GStrv) saved = NULL;

  g_settings_reset (settings, "urls");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (url_stack)), ==, "list");

  /* Remove all: the empty state, and the toast's Undo brings them back. */
  gtk_widget_activate_action (GTK_WIDGET (page), "fetch.clear", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (urls), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (url_stack)), ==, "empty");
  offload_test_wait_for (toast_shown, (gpointer) "Removed 15 URLs", "the toast");
  click_undo ();
  g_assert_cmpuint (g_list_model_get_n_items (urls), ==, 15);

  /* Restoring the demo URLs over others can be undone too. */
  offload_fetch_page_add_urls (page, "https://c.example/3\n");
  gtk_widget_activate_action (GTK_WIDGET (page), "fetch.restore-demo", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (urls), ==, 15);
  offload_test_wait_for (toast_shown, (gpointer) "Restored the demo URLs", "the toast");
  click_undo ();
  g_assert_cmpuint (g_list_model_get_n_items (urls), ==, 16);

  /* A second change while the toast is up: the toast takes it, and its
   * Undo brings back the list as it was just before. */
  gtk_widget_activate_action (GTK_WIDGET (page), "fetch.clear", NULL);
  offload_test_wait_for (toast_shown, (gpointer) "Removed 16 URLs", "the toast");
  gtk_widget_activate_action (GTK_WIDGET (page), "fetch.restore-demo", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (urls), ==, 15);
  offload_test_wait_for (toast_shown, (gpointer) "Restored the demo URLs", "the toast");
  click_undo ();
  g_assert_cmpuint (g_list_model_get_n_items (urls), ==, 0);

  /* A URL added while the toast waits (a toast can come back minutes
   * later, after a run's) is not lost to its Undo. */
  gtk_widget_activate_action (GTK_WIDGET (page), "fetch.restore-demo", NULL);
  offload_test_wait_for (toast_shown, (gpointer) "Restored the demo URLs", "the toast");
  offload_fetch_page_add_urls (page, "https://d.example/4\n");
  g_assert_cmpuint (g_list_model_get_n_items (urls), ==, 16);
  click_undo ();
  g_assert_cmpuint (g_list_model_get_n_items (urls), ==, 1);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (urls), 0), ==,
                   "https://d.example/4");
  {
    const char * const none[] = { NULL };

    g_settings_set_strv (settings, "urls", none);
  }

  /* A password in a URL stays off the screen; the list keeps it. */
  offload_fetch_page_add_urls (page, "http://user:hunter2@a.example/p");
  offload_test_wait_for (toast_shown, (gpointer) "http://user:•••@a.example/p", "the URL");
  g_assert_false (shows_text_containing (GTK_WIDGET (get_window ()), "hunter2"));
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (urls), 0), ==,
                   "http://user:hunter2@a.example/p");
  g_settings_reset (settings, "urls");

  /* Pasting several lines at once adds one URL a line, comments skipped. */
  offload_fetch_page_add_urls (page, "https://a.example/1\n# a comment\n\nhttps://b.example/2\r\n");
  g_assert_cmpuint (g_list_model_get_n_items (urls), ==, 17);
  /* The list, longer than it shows, scrolls to them. */
  offload_test_wait_for (url_list_at_end, page, "the URL list to show its end");
  saved = g_settings_get_strv (settings, "urls");
  g_assert_cmpuint (g_strv_length (saved), ==, 17);
  g_assert_cmpstr (saved[16], ==, "https://b.example/2");

  /* Blanks split a line only into URLs: a line of words is one, to fail
   * as one request. */
  g_assert_cmpuint (offload_fetch_page_add_urls (page, "https://c.example/3 demo:/delay/1\n"),
                    ==, 2);
  g_assert_cmpuint (offload_fetch_page_add_urls (page, "http://exa mple.com/a b\n"), ==, 1);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (urls), 19), ==,
                   "http://exa mple.com/a b");
  gtk_string_list_splice (GTK_STRING_LIST (urls), 17, 3, NULL);

  /* Text with no URL in it is not added, and says so: a word typed, a
   * CSV file's lines pasted. */
  g_assert_cmpuint (offload_fetch_page_add_urls (page, "hello world"), ==, 0);
  g_assert_cmpuint (offload_fetch_page_add_urls (page, "id,name\n1,one\n2,two\n"), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (urls), ==, 17);
  offload_test_wait_for (toast_shown, (gpointer) "Nothing added: no line is a URL (one that "
                         "starts with http:// or https://)", "the toast");
  /* A host and port typed without http://: refused, with what it meant
   * (g_uri_peek_scheme() took "localhost" for a scheme, and added it). */
  g_assert_cmpuint (offload_fetch_page_add_urls (page, "localhost:8080/x"), ==, 0);
  offload_test_wait_for (toast_shown, (gpointer) "Not a URL. Did you mean "
                         "“http://localhost:8080/x”?", "the toast");
  g_assert_cmpuint (g_list_model_get_n_items (urls), ==, 17);
  /* Its button adds what was meant. */
  click_toast_button ("_Add It");
  g_assert_cmpuint (g_list_model_get_n_items (urls), ==, 18);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (urls), 17), ==,
                   "http://localhost:8080/x");
  gtk_string_list_remove (GTK_STRING_LIST (urls), 17);

  /* A row's remove button removes its URL, and only it. */
  {
    GtkWidget *list = offload_test_find (GTK_WIDGET (page), "url_list", GTK_TYPE_LIST_VIEW);
    g_autoptr(GPtrArray) buttons = NULL;
    g_autofree char *second = NULL;

    offload_test_wait_for (has_buttons, list, "the URL rows");
    buttons = offload_test_find_all (list, GTK_TYPE_BUTTON);
    second = g_strdup (gtk_string_list_get_string (GTK_STRING_LIST (urls), 1));
    for (guint i = 0; i < buttons->len; i++)
      {
        GtkListItem *item = g_object_get_data (buttons->pdata[i], "offload-list-item");

        if (gtk_list_item_get_position (item) == 0)
          {
            g_signal_emit_by_name (buttons->pdata[i], "clicked");
            break;
          }
      }
    g_assert_cmpuint (g_list_model_get_n_items (urls), ==, 16);
    g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (urls), 0), ==, second);
    g_clear_pointer (&saved, g_strfreev);
    saved = g_settings_get_strv (settings, "urls");
    g_assert_cmpuint (g_strv_length (saved), ==, 16);
  }

  /* Delete removes the URL whose row has the focus, and only it. */
  {
    GtkWidget *list = offload_test_find (GTK_WIDGET (page), "url_list", GTK_TYPE_LIST_VIEW);
    g_autoptr(GPtrArray) buttons = NULL;
    g_autofree char *next = g_strdup (gtk_string_list_get_string (GTK_STRING_LIST (urls), 1));

    offload_test_wait_for (has_buttons, list, "the URL rows");
    buttons = offload_test_find_all (list, GTK_TYPE_BUTTON);
    for (guint i = 0; i < buttons->len; i++)
      {
        GtkListItem *item = g_object_get_data (buttons->pdata[i], "offload-list-item");

        if (gtk_list_item_get_position (item) == 0)
          {
            g_assert_true (gtk_widget_grab_focus (buttons->pdata[i]));
            break;
          }
      }
    gtk_widget_activate_action (GTK_WIDGET (page), "fetch.remove-focused", NULL);
    g_assert_cmpuint (g_list_model_get_n_items (urls), ==, 15);
    g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (urls), 0), ==, next);

    /* With the focus elsewhere, nothing goes. */
    gtk_widget_grab_focus (offload_test_find (GTK_WIDGET (page), "url_entry", GTK_TYPE_WIDGET));
    gtk_widget_activate_action (GTK_WIDGET (page), "fetch.remove-focused", NULL);
    g_assert_cmpuint (g_list_model_get_n_items (urls), ==, 15);
  }

  g_settings_reset (settings, "urls");
}

static gboolean
long_task_label_shown (gpointer data)
{
  GtkWidget *label = offload_test_find (GTK_WIDGET (get_window ()), "long_tasks_label", GTK_TYPE_LABEL);

  return g_strcmp0 (gtk_label_get_label (GTK_LABEL (label)), "0") != 0;
}

static gboolean
freeze_recorded (gpointer data)
{
  return offload_latency_probe_get_longest_task (data) >= 600000;
}

/* The contrast: the same kind of work on the main thread freezes the
 * window, and the meter says so. */
static gboolean
start_taken (gpointer data)
{
  OffloadFetchPage *page = data;

  gtk_widget_activate_action (GTK_WIDGET (page), "fetch.start", NULL);
  return offload_fetch_queue_get_running (offload_fetch_page_get_queue (page));
}

static void
test_blocking (void)
{
  OffloadFetchPage *page = get_page ();
  OffloadWindow *window = get_window ();
  OffloadLatencyProbe *probe = offload_window_get_probe (window);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  const char *urls[] = { "demo:/delay/300", "demo:/delay/300", NULL };

  g_settings_set_strv (settings, "urls", urls);
  g_settings_set_boolean (settings, "fetch-blocking", TRUE);
  g_action_group_activate_action (G_ACTION_GROUP (window), "reset-hud", NULL);

  gtk_widget_activate_action (GTK_WIDGET (page), "fetch.start", NULL);
  g_assert_true (g_str_has_prefix (label_text (page, "overall_label"),
                                   "Running on the main thread"));
  offload_test_wait_for (run_over, page, "the blocking run to end");

  g_assert_true (g_str_has_prefix (label_text (page, "overall_label"),
                                   "2 requests on the main thread: 2 succeeded, 0 failed"));

  /* Ctrl+Return pressed again during the freeze ("nothing happens")
   * arrives now, before the next frame: it starts no second freeze. */
  gtk_widget_activate_action (GTK_WIDGET (page), "fetch.start", NULL);
  g_assert_false (offload_fetch_queue_get_running (offload_fetch_page_get_queue (page)));
  g_assert_true (g_str_has_prefix (label_text (page, "overall_label"),
                                   "2 requests on the main thread: 2 succeeded, 0 failed"));

  /* The heartbeat after the freeze may come after the run's end is shown,
   * and a slow build may have recorded other stalls before it: wait for
   * the freeze itself, both requests long, in one piece. */
  offload_test_wait_for (freeze_recorded, probe, "the meter to record the freeze");
  g_assert_true (long_task_label_shown (NULL));
  g_assert_cmpint (offload_latency_probe_get_longest_task (probe), >=, 600000);

  /* Once a frame is drawn, Start starts again. */
  g_settings_set_boolean (settings, "fetch-blocking", FALSE);
  offload_test_wait_for (start_taken, page, "Start to start a run again");
  offload_test_wait_for (run_over, page, "the run to end");
}

/* The list shows every request of the run, in order, sixteen more each
 * frame (ROWS_PER_FRAME in the page), however many there are. */
static gboolean
all_listed (gpointer data)
{
  OffloadFetchPage *page = data;
  GtkWidget *view = offload_test_find (GTK_WIDGET (page), "results_view", GTK_TYPE_LIST_VIEW);
  GListModel *listed = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (view)));

  return g_list_model_get_n_items (listed)
         == g_list_model_get_n_items (offload_fetch_page_get_requests (page));
}

static void
test_many_rows (void)
{
  OffloadFetchPage *page = get_page ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *view = offload_test_find (GTK_WIDGET (page), "results_view", GTK_TYPE_LIST_VIEW);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) urls = NULL;
  GListModel *listed, *requests;

  for (guint i = 0; i < 150; i++)
    {
      g_autofree char *url = g_strdup_printf ("demo:/delay/%u", i % 3);

      g_strv_builder_add (builder, url);
    }
  urls = g_strv_builder_end (builder);
  g_settings_set_strv (settings, "urls", (const char * const *) urls);
  g_settings_set_uint (settings, "concurrency", 16);

  gtk_widget_activate_action (GTK_WIDGET (page), "fetch.start", NULL);
  /* The first rows at once. */
  listed = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (view)));
  g_assert_cmpuint (g_list_model_get_n_items (listed), >, 0);
  offload_test_wait_for (run_over, page, "the run to end");
  offload_test_wait_for (all_listed, page, "every request listed");

  requests = offload_fetch_page_get_requests (page);
  g_assert_cmpuint (g_list_model_get_n_items (requests), ==, 150);
  for (guint i = 0; i < 150; i++)
    {
      g_autoptr(GObject) shown = g_list_model_get_item (listed, i);
      g_autoptr(GObject) request = g_list_model_get_item (requests, i);

      g_assert_true (shown == request);
    }
  offload_test_wait_for (toast_shown, (gpointer) "150 requests: 150 succeeded, 0 failed",
                         "the toast");
}

static gboolean
timings_say_no_answer (gpointer data)
{
  const char *timings = offload_test_label_text (GTK_WIDGET (data), "details_timings");

  return strstr (timings, "no answer") != NULL && strstr (timings, "finished after") != NULL;
}

static gboolean
details_say_waiting (gpointer data)
{
  return g_strcmp0 (offload_test_label_text (GTK_WIDGET (data), "details_summary"),
                    "Waiting for the answer") == 0;
}

/* Cancelling the selected request stops it alone. */
/* Start again while a run stops: said, not ignored. */
static void
test_start_while_stopping (void)
{
  OffloadFetchPage *page = get_page ();
  const char *slow[] = { "demo:/stall", "demo:/bytes/100000000?duration_ms=30000", NULL };
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  g_settings_set_strv (settings, "urls", slow);
  g_settings_set_uint (settings, "timeout", 60);
  gtk_widget_activate_action (GTK_WIDGET (page), "fetch.start", NULL);
  offload_test_wait_for (something_receiving, page, "a body to start arriving");

  /* The requests end in the main loop's next turns: still stopping now. */
  gtk_widget_activate_action (GTK_WIDGET (page), "fetch.cancel", NULL);
  gtk_widget_activate_action (GTK_WIDGET (page), "fetch.start", NULL);
  offload_test_wait_for (toast_shown,
                         (gpointer) "The last run is still stopping: start again once it has",
                         "the toast");
  offload_test_wait_for (run_over, page, "the run to stop");
  g_assert_true (g_str_has_prefix (label_text (page, "overall_label"), "Cancelled after "));
  g_settings_reset (settings, "urls");
  g_settings_reset (settings, "timeout");
}

static void
test_cancel_selected (void)
{
  OffloadFetchPage *page = get_page ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *view = offload_test_find (GTK_WIDGET (page), "results_view", GTK_TYPE_LIST_VIEW);
  const char *urls[] = { "demo:/stall", "demo:/delay/0", NULL };
  GListModel *requests;
  g_autoptr(OffloadFetchRequest) stalled = NULL;
  g_autoptr(OffloadFetchRequest) quick = NULL;

  g_settings_set_strv (settings, "urls", urls);
  g_settings_set_uint (settings, "timeout", 60);

  gtk_widget_activate_action (GTK_WIDGET (page), "fetch.start", NULL);
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (view))), 0);
  g_assert_true (gtk_widget_get_visible (offload_test_find (GTK_WIDGET (page), "details_cancel",
                                                     GTK_TYPE_BUTTON)));
  /* Sent, and waiting: the stalling server is not still being connected to. */
  offload_test_wait_for (details_say_waiting, page, "the request to be sent");
  gtk_widget_activate_action (GTK_WIDGET (page), "fetch.cancel-selected", NULL);
  offload_test_wait_for (run_over, page, "the run to end");

  requests = offload_fetch_page_get_requests (page);
  stalled = g_list_model_get_item (requests, 0);
  quick = g_list_model_get_item (requests, 1);
  g_assert_cmpint (offload_fetch_request_get_state (stalled), ==, OFFLOAD_FETCH_STATE_CANCELLED);
  g_assert_cmpint (offload_fetch_request_get_state (quick), ==, OFFLOAD_FETCH_STATE_DONE);
  offload_test_wait_for (toast_shown, (gpointer) "2 requests: 1 succeeded, 0 failed, 1 cancelled", "the toast");

  /* Its timings say what happened, and no first byte it never had. */
  offload_test_wait_for (timings_say_no_answer, page, "the stalled request's timings");
  g_assert_null (strstr (offload_test_label_text (GTK_WIDGET (page), "details_timings"),
                         "first byte"));
  /* "Cancelled" once, as its state, not again as an error. */
  g_assert_cmpstr (label_text (page, "details_summary"), ==, "Cancelled");
  g_assert_false (gtk_widget_get_visible (offload_test_find (GTK_WIDGET (page), "details_error",
                                                            GTK_TYPE_LABEL)));
}

/* A fetched CSV body opens on the Crunch page. */
static void
test_crunch_body (void)
{
  OffloadFetchPage *page = get_page ();
  OffloadWindow *window = get_window ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *view = offload_test_find (GTK_WIDGET (page), "results_view", GTK_TYPE_LIST_VIEW);
  GtkWidget *crunch = offload_test_find (GTK_WIDGET (window), "crunch_page",
                                         OFFLOAD_TYPE_CRUNCH_PAGE);
  GtkWidget *stack = offload_test_find (GTK_WIDGET (window), "stack", ADW_TYPE_VIEW_STACK);
  const char *urls[] = { "demo:/csv?rows=300", "demo:/json/records?n=2",
                         "demo:/bytes/1000?duration_ms=0", "demo:/redirect/100",
                         "demo:/json/records?n=4000", NULL };
  GtkWidget *preview = offload_test_find (GTK_WIDGET (page), "preview_scroller",
                                          GTK_TYPE_SCROLLED_WINDOW);
  g_autoptr(OffloadFetchRequest) csv = NULL;
  g_autofree char *file = NULL;
  const char *kept;

  g_settings_set_strv (settings, "urls", urls);
  gtk_widget_activate_action (GTK_WIDGET (page), "fetch.start", NULL);
  offload_test_wait_for (run_over, page, "the run to end");

  csv = g_list_model_get_item (offload_fetch_page_get_requests (page), 0);
  kept = offload_fetch_request_get_kept_path (csv);
  g_assert_nonnull (kept);
  g_assert_true (g_file_test (kept, G_FILE_TEST_IS_REGULAR));

  /* Only a CSV response offers it. */
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (view))), 1);
  g_assert_false (gtk_widget_get_visible (offload_test_find (GTK_WIDGET (page), "details_crunch",
                                                            GTK_TYPE_BUTTON)));
  /* The body's box as tall as its fourteen lines, not the four a text
   * view asks for at first. */
  g_assert_cmpstr (label_text (page, "preview_title"), ==, "Body (JSON, formatted)");
  g_assert_cmpint (gtk_scrolled_window_get_min_content_height (GTK_SCROLLED_WINDOW (preview)),
                   >=, 14 * 12);

  /* A short binary body is shown whole; its details from their top, not
   * where the JSON's were scrolled to. */
  {
    GtkWidget *details = offload_test_find (GTK_WIDGET (page), "details_scroller",
                                            GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (details));

    gtk_adjustment_set_value (adjustment, 40);
    gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (view))), 2);
    g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);
  }
  g_assert_cmpstr (label_text (page, "preview_title"), ==, "Body (binary, in hex)");

  /* A redirect loop had answers (redirects): no "no answer". */
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (view))), 3);
  g_assert_true (g_str_has_prefix (label_text (page, "details_error"), "Too many redirects"));
  g_assert_null (strstr (label_text (page, "details_timings"), "no answer"));
  /* JSON longer than what is kept: its start laid out all the same, not
   * one line of 256 KiB that took the view a tenth of a second. */
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (view))), 4);
  g_assert_cmpstr (label_text (page, "preview_title"), ==,
                   "Body (JSON, formatted): only the start was kept");
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (view))), 0);
  g_assert_true (gtk_widget_get_visible (offload_test_find (GTK_WIDGET (page), "details_crunch",
                                                           GTK_TYPE_BUTTON)));

  gtk_widget_activate_action (GTK_WIDGET (page), "fetch.crunch-selected", NULL);
  g_object_get (crunch, "file", &file, NULL);
  g_assert_cmpstr (file, ==, kept);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (stack)), ==, "crunch");
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), "fetch");
}

/* More URLs than the list has room for: those that fit are added, and
 * the toast says how many were left out, not only that there is a limit. */
static void
test_list_limit (void)
{
  OffloadFetchPage *page = get_page ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) urls = NULL;
  g_auto(GStrv) after = NULL;

  for (guint i = 0; i < 9998; i++)
    g_strv_builder_add (builder, "demo:/delay/0");
  urls = g_strv_builder_end (builder);
  g_settings_set_strv (settings, "urls", (const char * const *) urls);

  g_assert_cmpuint (offload_fetch_page_add_urls (page, "https://a.example/1\n"
                                                       "https://a.example/2\n"
                                                       "https://a.example/3 https://a.example/4\n"
                                                       "# a comment\n"
                                                       "https://a.example/5\n"), ==, 2);
  offload_test_wait_for (toast_shown,
                         (gpointer) "3 left out: the list holds at most 10000 URLs",
                         "the toast");
  after = g_settings_get_strv (settings, "urls");
  g_assert_cmpuint (g_strv_length (after), ==, 10000);
  g_assert_cmpstr (after[9999], ==, "https://a.example/2");
  g_settings_reset (settings, "urls");
}

static gboolean
toast_gone (gpointer data)
{
  return !toast_shown (data);
}

/* A run's end toast takes the place of the last run's, still up, rather
 * than being followed by it: the first run's summary came back after the
 * second's and contradicted the page. */
static void
test_end_toasts (void)
{
  OffloadFetchPage *page = get_page ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  const char *two[] = { "demo:/delay/0", "demo:/status/503", NULL };
  const char *one[] = { "demo:/delay/0", NULL };
  const char *first = "2 requests: 1 succeeded, 1 failed";
  const char *second = "1 request: 1 succeeded, 0 failed";

  g_settings_set_strv (settings, "urls", two);
  gtk_widget_activate_action (GTK_WIDGET (page), "fetch.start", NULL);
  offload_test_wait_for (run_over, page, "the first run to end");
  offload_test_wait_for (toast_shown, (gpointer) first, "the first run's toast");

  g_settings_set_strv (settings, "urls", one);
  gtk_widget_activate_action (GTK_WIDGET (page), "fetch.start", NULL);
  offload_test_wait_for (run_over, page, "the second run to end");
  offload_test_wait_for (toast_shown, (gpointer) second, "the second run's toast");
  g_assert_false (toast_shown ((gpointer) first));

  /* Gone after its time, and the first run's does not come back. */
  offload_test_wait_for (toast_gone, (gpointer) second, "the second run's toast to go");
  g_assert_false (toast_shown ((gpointer) first));
}

/* The window opens with the focus in the URL entry, where typing goes,
 * not on GTK's first focusable widget (the view switcher's Fetch tab). */
static void
test_start_up_focus (void)
{
  OffloadWindow *window = offload_test_ui_window ();
  GtkWidget *entry = offload_test_find (GTK_WIDGET (window), "url_entry", GTK_TYPE_ENTRY);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  g_assert_nonnull (focus);
  g_assert_true (focus == entry || gtk_widget_is_ancestor (focus, entry));
}

int
main (int   argc,
      char *argv[])
{
  offload_test_ui_init (&argc, &argv);

  /* First: it looks at the window as it opened. */
  g_test_add_func ("/offload/ui/fetch/start-up-focus", test_start_up_focus);

  g_test_add_func ("/offload/ui/fetch/edit-urls", test_edit_urls);
  g_test_add_func ("/offload/ui/fetch/import-urls", test_import_urls);
  g_test_add_func ("/offload/ui/fetch/drop-urls", test_drop_urls);
  g_test_add_func ("/offload/ui/fetch/demo-preset", test_demo_preset);
  g_test_add_func ("/offload/ui/fetch/many-rows", test_many_rows);
  g_test_add_func ("/offload/ui/fetch/accessible-labels", test_accessible_labels);
  g_test_add_func ("/offload/ui/fetch/cancel", test_cancel);
  g_test_add_func ("/offload/ui/fetch/cancel-selected", test_cancel_selected);
  g_test_add_func ("/offload/ui/fetch/start-while-stopping", test_start_while_stopping);
  g_test_add_func ("/offload/ui/fetch/blocking", test_blocking);
  g_test_add_func ("/offload/ui/fetch/end-toasts", test_end_toasts);
  g_test_add_func ("/offload/ui/fetch/list-limit", test_list_limit);
  g_test_add_func ("/offload/ui/fetch/crunch-body", test_crunch_body);
  g_test_add_func ("/offload/ui/fetch/close-window", test_close_window);

  return offload_test_ui_run ();
}
