/* offload-fetch-page.c: the Fetch page
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "offload-after-paint.h"
#include "offload-demo-server.h"
#include "offload-fetch-page.h"
#include "offload-fetch-row.h"
#include "offload-file-chooser.h"
#include "offload-printable.h"
#include "offload-stack.h"
#include "offload-tooltip.h"
#include "offload-window.h"

/* The page edits the URL list (kept in GSettings), runs it through an
 * OffloadFetchQueue and shows each request as it goes. The main thread
 * only draws and reports: the requests run in the queue's worker threads,
 * and their progress is pulled once a frame by a tick callback while a run
 * is on. The blocking mode is the one deliberate exception.
 *
 * URLs that start with "demo:" go to the built-in demo server, started
 * on first use in its own thread, so the default list works offline (and
 * keeps working while the blocking mode freezes this thread). */

#define DEMO_PREFIX       "demo:"
#define BLOCKING_BUDGET   (4500 * G_GINT64_CONSTANT (1000))
#define MAX_IMPORT_BYTES  (4 * 1024 * 1024)
#define MAX_URLS          10000
#define MAX_SHOWN_PREVIEW (64 * 1024)
/* Pango lays a paragraph out whole, however little of it shows: a line of
 * 64 KiB (text without line breaks, a long string in JSON) held the main
 * loop for 120 to 230 ms when its row was selected. The view shows such a
 * line in pieces, each a paragraph of its own, which GtkTextView lays out
 * as they come into sight. */
#define SHOWN_LINE_MAX    1000

struct _OffloadFetchPage
{
  GtkWidget            parent_instance;

  GSettings           *settings;
  GtkStringList       *urls;
  gboolean             saving_urls;
  char               **undo_urls;    /* the list before the last replacement */
  char               **undo_after;   /* and right after it */
  AdwToast            *undo_toast;   /* weak: the toast that can bring them back */
  AdwToast            *message_toast; /* weak: the page's last plain toast, if still up */
  AdwToast            *end_toast;    /* weak: the last run's end, if still up */
  guint                left_out;     /* URLs the last addition had no room for */

  OffloadFetchQueue   *queue;
  OffloadDemoServer   *demo_server;
  GListStore          *requests;
  GListStore          *listed;       /* those of requests the list shows so far */
  guint                list_tick;
  GtkSingleSelection  *selection;
  GCancellable        *cancellable;
  guint                tick_id;
  gboolean             running;
  gint64               run_started;
  gint64               run_ended;
  gint64               cancel_requested;
  gboolean             blocking_run;
  gboolean             settling;     /* input queued during a blocking run is arriving */
  gboolean             run_cancelled;

  OffloadFetchRequest *shown;
  gulong               shown_notify_id;

  /* Template children */
  GtkWidget           *paned;
  GtkEntry            *url_entry;
  GtkStack            *url_stack;
  GtkListView         *url_list;
  GtkSpinButton       *concurrency_spin;
  GtkSpinButton       *timeout_spin;
  GtkSwitch           *blocking_switch;
  GtkSwitch           *long_switch;
  GtkStack            *button_stack;
  AdwToastOverlay     *toast_overlay;
  GtkLabel            *overall_label;
  GtkProgressBar      *overall_progress;
  GtkStack            *results_stack;
  GtkListView         *results_view;
  GtkStack            *details_stack;
  GtkLabel            *details_url;
  GtkWidget           *details_cancel;
  GtkWidget           *details_crunch;
  gint64               previous_run_real;   /* seconds: the last run's start */
  GtkLabel            *details_summary;
  GtkLabel            *details_timings;
  GtkLabel            *details_error;
  GtkLabel            *details_headers;
  GtkExpander         *headers_expander;
  GtkLabel            *preview_title;
  GtkTextView         *preview_view;
  GtkWidget           *preview_scroller;
  GtkScrolledWindow   *details_scroller;
};

G_DEFINE_FINAL_TYPE (OffloadFetchPage, offload_fetch_page, GTK_TYPE_WIDGET)

static void
show_toast (OffloadFetchPage *self,
            AdwToast         *toast)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), OFFLOAD_TYPE_WINDOW);

  /* Over the page that is on screen (this one, or the one the user went
   * to while this page worked). */
  if (window != NULL)
    offload_window_add_toast (OFFLOAD_WINDOW (window), toast);
  else
    adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
on_toast_dismissed (OffloadFetchPage *self,
                    AdwToast         *toast)
{
  if (self->message_toast == toast)
    g_clear_weak_pointer (&self->message_toast);
  if (self->end_toast == toast)
    g_clear_weak_pointer (&self->end_toast);
}

/* A toast that takes the place of @slot's while that one is up (or
 * queued), else a new one in @slot. Toasts piled up otherwise: a second
 * run's end was followed by the first one's, which contradicted the page,
 * and one "Added" after another. Not dismissed from here: libadwaita 1.2
 * crashed in a shown toast's hide animation (see the Undo toast). */
static void
show_in_place (OffloadFetchPage  *self,
               AdwToast         **slot,
               const char        *message,
               AdwToastPriority   priority)
{
  AdwToast *toast;

  if (*slot != NULL)
    {
      adw_toast_set_title (*slot, message);
      return;
    }

  toast = adw_toast_new (message);
  adw_toast_set_priority (toast, priority);
  /* Gone from sight when dismissed, though it may live on a while. */
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed), self,
                           G_CONNECT_SWAPPED);
  g_set_weak_pointer (slot, toast);
  show_toast (self, toast);
}

static void
show_message (OffloadFetchPage *self,
              const char       *message)
{
  show_in_place (self, &self->message_toast, message, ADW_TOAST_PRIORITY_NORMAL);
}

/* ---- The URL list ---------------------------------------------------- */

static void
save_urls (OffloadFetchPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->urls));
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  for (guint i = 0; i < n; i++)
    g_strv_builder_add (builder, gtk_string_list_get_string (self->urls, i));
  strv = g_strv_builder_end (builder);

  self->saving_urls = TRUE;
  g_settings_set_strv (self->settings, "urls", (const char * const *) strv);
  self->saving_urls = FALSE;
}

static void
load_urls (OffloadFetchPage *self)
{
  g_auto(GStrv) strv = g_settings_get_strv (self->settings, "urls");

  gtk_string_list_splice (self->urls, 0, g_list_model_get_n_items (G_LIST_MODEL (self->urls)),
                          (const char * const *) strv);
}

static void
on_urls_setting_changed (OffloadFetchPage *self)
{
  if (!self->saving_urls)
    load_urls (self);
}

static void
on_urls_changed (OffloadFetchPage *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->urls)) == 0;

  gtk_stack_set_visible_child_name (self->url_stack, empty ? "empty" : "list");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "fetch.clear", !empty);
}

static void
on_remove_clicked (GtkButton        *button,
                   OffloadFetchPage *self)
{
  GtkListItem *list_item = g_object_get_data (G_OBJECT (button), "offload-list-item");
  guint position = gtk_list_item_get_position (list_item);

  if (position != GTK_INVALID_LIST_POSITION)
    {
      gtk_string_list_remove (self->urls, position);
      save_urls (self);
    }
}

/* The URL list is a list view, not a list box: a paste or a file of a
 * thousand URLs made a thousand rows at once, a 166 ms freeze (the
 * meter's long task); a list view makes those on screen and a few more. */
static void
setup_url_row (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               OffloadFetchPage         *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");

  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (label, TRUE);

  gtk_widget_add_css_class (remove, "flat");
  offload_tooltip_set_text (remove, _("Remove"));
  /* Not a reference: the list item owns the button and the box. */
  g_object_set_data (G_OBJECT (remove), "offload-list-item", list_item);
  g_object_set_data (G_OBJECT (box), "offload-list-item", list_item);
  g_signal_connect_object (remove, "clicked", G_CALLBACK (on_remove_clicked), self, 0);

  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), remove);
  gtk_list_item_set_child (list_item, box);
  gtk_list_item_set_activatable (list_item, FALSE);
  gtk_list_item_set_selectable (list_item, FALSE);
}

/* Delete in the URL list removes the URL whose row has the focus: the
 * row itself, its box or its remove button. */
static void
remove_focused_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  OffloadFetchPage *self = OFFLOAD_FETCH_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  for (GtkWidget *w = focus; w != NULL && w != GTK_WIDGET (self->url_list);
       w = gtk_widget_get_parent (w))
    {
      GtkWidget *child = gtk_widget_get_first_child (w);
      GtkListItem *item = g_object_get_data (G_OBJECT (w), "offload-list-item");
      guint position;

      if (item == NULL && child != NULL)
        item = g_object_get_data (G_OBJECT (child), "offload-list-item");
      if (item == NULL)
        continue;

      position = gtk_list_item_get_position (item);
      if (position != GTK_INVALID_LIST_POSITION)
        {
          gtk_string_list_remove (self->urls, position);
          save_urls (self);
        }
      return;
    }
}

static void
bind_url_row (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              OffloadFetchPage         *self)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *label = gtk_widget_get_first_child (box);
  GtkWidget *remove = gtk_widget_get_last_child (box);
  g_autofree char *hidden =
    offload_url_hide_password (gtk_string_object_get_string (gtk_list_item_get_item (list_item)));
  g_autofree char *url = offload_printable (hidden);
  g_autofree char *remove_label = g_strdup_printf (_("Remove %s"), url);

  gtk_label_set_label (GTK_LABEL (label), url);
  offload_tooltip_set_text (label, url);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
}

/* The URLs just added are at the list's end, often below what it shows:
 * the list scrolls to the last, so that the user sees them arrive. GTK 4.8
 * has no gtk_list_view_scroll_to(), but its list views have the action
 * behind it, which anchors the view on the item (moving the adjustment by
 * hand warned "failed to scroll to given position" when the list changed
 * under it). */
static gboolean
reveal_now (gpointer user_data)
{
  OffloadFetchPage *self = user_data;
  guint n;

  if (self->urls == NULL)       /* the window closed meanwhile */
    return G_SOURCE_REMOVE;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->urls));
  if (n > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->url_list), "list.scroll-to-item", "u", n - 1);
  return G_SOURCE_REMOVE;
}

/* Once the new rows are laid out: before, the view knows no place for
 * them, and the action does nothing. */
static void
reveal_last_urls (OffloadFetchPage *self)
{
  offload_run_after_paint (GTK_WIDGET (self), reveal_now, self);
}

/* The suggested URL, added; the line typed goes from the entry. */
static void
on_suggestion_clicked (AdwToast         *toast,
                       OffloadFetchPage *self)
{
  const char *suggestion = g_object_get_data (G_OBJECT (toast), "offload-suggestion");
  const char *typed = g_object_get_data (G_OBJECT (toast), "offload-typed");
  g_autofree char *entry = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_entry)));

  if (offload_fetch_page_add_urls (self, suggestion) > 0
      && g_strcmp0 (offload_url_line_strip (entry), typed) == 0)
    gtk_editable_set_text (GTK_EDITABLE (self->url_entry), "");
}

/* "10000 left out: the list holds at most 10000 URLs" */
static char *
left_out_message (OffloadFetchPage *self)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u left out: the list holds at most %u URLs",
                                       "%u left out: the list holds at most %u URLs",
                                       self->left_out),
                          self->left_out, MAX_URLS);
}

/**
 * offload_fetch_page_add_urls:
 * @self: the page
 * @text: one URL, or many separated by lines (a paste, a file), or by
 *   blanks where every word of a line has a scheme; lines starting with #
 *   are comments
 *
 * Adds them at the end of the list, up to %MAX_URLS in all, and saves it.
 *
 * Returns: how many were added
 */
guint
offload_fetch_page_add_urls (OffloadFetchPage *self,
                             const char       *text)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) urls = NULL;
  guint room;
  guint added = 0;

  g_return_val_if_fail (OFFLOAD_IS_FETCH_PAGE (self), 0);
  g_return_val_if_fail (text != NULL, 0);

  if (self->urls == NULL)
    return 0;

  room = MAX_URLS - MIN (MAX_URLS, g_list_model_get_n_items (G_LIST_MODEL (self->urls)));
  builder = g_strv_builder_new ();
  lines = g_strsplit_set (text, "\r\n", -1);
  self->left_out = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = NULL;
      char *line = offload_url_line_strip (lines[i]);

      if (*line == '#')
        continue;

      words = offload_url_line_split (line);
      for (guint j = 0; words[j] != NULL; j++)
        {
          /* Past the list's room: counted, to be said. */
          if (added == room)
            {
              self->left_out++;
              continue;
            }
          g_strv_builder_add (builder, words[j]);
          added++;
        }
    }

  /* Text with no URL at all (blank lines and comments, a typo'd word, a
   * CSV file's lines on the clipboard) is not added: said now, not as
   * failed requests at the next run. Among URLs, a line that is not one
   * is kept, to fail as one request, as offload fetch does. */
  urls = g_strv_builder_end (builder);
  {
    gboolean any = FALSE;

    for (guint i = 0; urls[i] != NULL && !any; i++)
      any = offload_url_is_web (urls[i]) || g_str_has_prefix (urls[i], DEMO_PREFIX);
    if (!any && room == 0)
      {
        g_autofree char *message = g_strdup_printf (_("The list holds at most %u URLs"),
                                                    MAX_URLS);
        show_message (self, message);
        return 0;
      }
    if (!any)
      {
        g_autofree char *suggestion = urls[0] != NULL && urls[1] == NULL
                                      ? offload_url_suggest (urls[0]) : NULL;
        g_autofree char *message = NULL;

        /* One line typed without its scheme: what it most likely meant,
         * short enough for a toast, and added with one click. */
        if (suggestion != NULL)
          {
            AdwToast *toast;

            message = g_strdup_printf (_("Not a URL. Did you mean “%s”?"), suggestion);
            toast = adw_toast_new (message);
            adw_toast_set_button_label (toast, _("_Add It"));
            g_object_set_data_full (G_OBJECT (toast), "offload-typed", g_strdup (urls[0]),
                                    g_free);
            g_object_set_data_full (G_OBJECT (toast), "offload-suggestion",
                                    g_steal_pointer (&suggestion), g_free);
            g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_suggestion_clicked),
                                     self, 0);
            show_toast (self, toast);
            return 0;
          }
        message = g_strdup (_("Nothing added: no line is a URL (one that starts with "
                              "http:// or https://)"));
        show_message (self, message);
        return 0;
      }
  }

  /* One splice, one list update, one settings write. */
  gtk_string_list_splice (self->urls, g_list_model_get_n_items (G_LIST_MODEL (self->urls)), 0,
                          (const char * const *) urls);
  save_urls (self);
  reveal_last_urls (self);

  /* What the caller says next ("Added…", "Imported…") says it too. */
  if (self->left_out > 0)
    {
      g_autofree char *message = left_out_message (self);

      show_message (self, message);
    }

  return added;
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  OffloadFetchPage *self = OFFLOAD_FETCH_PAGE (widget);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->url_entry));

  if (*text == '\0')
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->url_entry));
      return;
    }

  /* Not added: the text stays, to be put right. */
  if (offload_fetch_page_add_urls (self, text) > 0)
    gtk_editable_set_text (GTK_EDITABLE (self->url_entry), "");
}

static void
show_added (OffloadFetchPage *self,
            guint             added)
{
  g_autofree char *message = NULL;

  /* None: offload_fetch_page_add_urls() has said why. */
  if (added == 0)
    return;
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Added %u URL", "Added %u URLs", added),
                             added);
  if (self->left_out > 0)
    {
      g_autofree char *left_out = left_out_message (self);

      /* Translators: "Added 5 URLs; 3 left out: the list holds at most 10000 URLs" */
      g_clear_pointer (&message, g_free);
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Added %u URL; %s",
                                              "Added %u URLs; %s", added),
                                 added, left_out);
    }
  show_message (self, message);
}

static void
paste_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(OffloadFetchPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *message = NULL;

  text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);
  if (self->urls == NULL)       /* the window closed meanwhile */
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (text == NULL)
    {
      /* An empty clipboard, or one of an image: GDK says "Format
       * text/plain not supported". */
      if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
        message = g_strdup (_("Nothing to paste: the clipboard holds no text"));
      else
        message = g_strdup_printf (_("Nothing to paste: %s"), error->message);
      show_message (self, message);
      return;
    }

  show_added (self, offload_fetch_page_add_urls (self, text));
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, paste_cb,
                                 g_object_ref (widget));
}

static void
import_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(OffloadFetchPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *message = NULL;
  g_autofree char *name = g_file_get_basename (G_FILE (object));
  gsize length = 0;
  guint added;

  /* A file too large for a URL list is cut off by import_read_more(),
   * which GIO reports as cancelled: the length tells. */
  if (!g_file_load_partial_contents_finish (G_FILE (object), result, &contents, &length, NULL,
                                            &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (self->urls == NULL)
        return;
      message = g_strdup_printf (_("Could not read “%s”: %s"), name, error->message);
      show_message (self, message);
      return;
    }
  if (self->urls == NULL)       /* the window closed meanwhile */
    return;

  if (error != NULL || length > MAX_IMPORT_BYTES)
    {
      message = g_strdup_printf (_("“%s” is too large for a list of URLs (over 4 MB)"), name);
      show_message (self, message);
      return;
    }

  /* A NUL is in no list of URLs (a binary file, UTF-16); a line that is
   * not UTF-8 is a request that fails, as on the command line. */
  if (memchr (contents, '\0', length) != NULL)
    {
      message = g_strdup_printf (_("“%s” is not a text file of URLs, one a line"), name);
      show_message (self, message);
      return;
    }

  added = offload_fetch_page_add_urls (self, contents);
  if (added == 0)
    return;
  if (self->left_out > 0)
    {
      g_autofree char *left_out = left_out_message (self);

      /* Translators: "Imported 10000 URLs from “a.txt”; 10000 left out: the
       * list holds at most 10000 URLs" */
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported %u URL from “%s”; %s",
                                              "Imported %u URLs from “%s”; %s", added),
                                 added, name, left_out);
    }
  else
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported %u URL from “%s”",
                                            "Imported %u URLs from “%s”", added),
                               added, name);
  show_message (self, message);
}

/* Stop reading once the file is too large to be a URL list. */
static gboolean
import_read_more (const char *file_contents,
                  goffset     file_size,
                  gpointer    user_data)
{
  return file_size <= MAX_IMPORT_BYTES;
}

static void
import_file (OffloadFetchPage *self,
             GFile            *file)
{
  /* Read in the background: a file on a slow mount must not freeze us. */
  g_file_load_partial_contents_async (file, NULL, import_read_more, import_loaded_cb,
                                      g_object_ref (self));
}

/* Dropped on the page: text files are imported as Import does; links
 * (from a browser, say) and text are added as URLs. */
static gboolean
on_drop (GtkDropTarget    *target,
         const GValue     *value,
         double            x,
         double            y,
         OffloadFetchPage *self)
{
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      g_autoptr(GString) links = g_string_new (NULL);
      GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));

      for (GSList *l = files; l != NULL; l = l->next)
        {
          GFile *file = l->data;

          if (g_file_has_uri_scheme (file, "http") || g_file_has_uri_scheme (file, "https"))
            {
              g_autofree char *uri = g_file_get_uri (file);

              g_string_append_printf (links, "%s\n", uri);
            }
          else
            import_file (self, file);
        }
      g_slist_free (files);
      if (links->len > 0)
        show_added (self, offload_fetch_page_add_urls (self, links->str));
      return TRUE;
    }

  if (G_VALUE_HOLDS (value, G_TYPE_STRING) && g_value_get_string (value) != NULL)
    {
      show_added (self, offload_fetch_page_add_urls (self, g_value_get_string (value)));
      return TRUE;
    }

  return FALSE;
}

static void
import_chosen_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(OffloadFetchPage) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  file = offload_file_chooser_finish (result, &error);
  if (file != NULL)
    import_file (self, file);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_message (self, error->message);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  OffloadFetchPage *self = OFFLOAD_FETCH_PAGE (widget);
  g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Text files"));
  gtk_file_filter_add_mime_type (filter, "text/plain");
  g_list_store_append (filters, filter);

  offload_file_chooser_open_async (GTK_WINDOW (gtk_widget_get_root (widget)), _("Import URLs"),
                                   _("_Import"), G_LIST_MODEL (filters), import_chosen_cb,
                                   g_object_ref (self));
}

/**
 * offload_fetch_page_undo_urls:
 * @before: the list before a replacement
 * @after: the list the replacement made
 * @now: the list now
 *
 * What undoing the replacement gives: @before, and what was added since
 * the replacement, after it. An Undo toast can come back minutes later
 * (a toast of higher priority sends it back to the queue): URLs added in
 * the meantime are not lost to it.
 *
 * Returns: (transfer full): the list
 */
char **
offload_fetch_page_undo_urls (const char * const *before,
                              const char * const *after,
                              const char * const *now)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  /* Sets, not g_strv_contains(): lists of 10,000 URLs each. */
  g_autoptr(GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; before[i] != NULL; i++)
    g_hash_table_add (known, (gpointer) before[i]);
  for (guint i = 0; after[i] != NULL; i++)
    g_hash_table_add (known, (gpointer) after[i]);

  g_strv_builder_addv (builder, (const char **) before);
  for (guint i = 0; now[i] != NULL; i++)
    if (!g_hash_table_contains (known, now[i]))
      g_strv_builder_add (builder, now[i]);

  return g_strv_builder_end (builder);
}

static void
on_undo_clicked (OffloadFetchPage *self)
{
  g_auto(GStrv) now = NULL;
  g_auto(GStrv) urls = NULL;

  /* Clicked, the toast goes: it takes no further change. */
  g_clear_weak_pointer (&self->undo_toast);
  if (self->undo_urls == NULL)
    return;

  now = g_settings_get_strv (self->settings, "urls");
  urls = offload_fetch_page_undo_urls ((const char * const *) self->undo_urls,
                                       (const char * const *) self->undo_after,
                                       (const char * const *) now);
  g_settings_set_strv (self->settings, "urls", (const char * const *) urls);
  g_clear_pointer (&self->undo_urls, g_strfreev);
  g_clear_pointer (&self->undo_after, g_strfreev);
}

/* Gone, the toast takes no further change to undo. */
static void
on_undo_dismissed (OffloadFetchPage *self,
                   AdwToast         *toast)
{
  if (self->undo_toast == toast)
    g_clear_weak_pointer (&self->undo_toast);
}

/* The whole list replaced (@urls NULL: by the demo's), and a toast that
 * brings it back. Its button is handled by the toast's own signal: the
 * toast overlay is the window's, outside the page, where the page's
 * actions do not reach. */
static void
replace_urls (OffloadFetchPage   *self,
              const char * const *urls,
              const char         *title)
{
  g_auto(GStrv) before = g_settings_get_strv (self->settings, "urls");
  g_auto(GStrv) after = NULL;
  AdwToast *toast;

  if (urls != NULL)
    g_settings_set_strv (self->settings, "urls", urls);
  else
    g_settings_reset (self->settings, "urls");
  after = g_settings_get_strv (self->settings, "urls");
  if (g_strv_equal ((const char * const *) before, (const char * const *) after))
    return;

  g_strfreev (self->undo_urls);
  self->undo_urls = g_steal_pointer (&before);
  g_strfreev (self->undo_after);
  self->undo_after = g_steal_pointer (&after);

  /* One undo at a time: a toast still up takes the new change, rather
   * than being dismissed from here, which crashed libadwaita 1.2 in its
   * hide animation (see the Crunch page). */
  if (self->undo_toast != NULL)
    {
      adw_toast_set_title (self->undo_toast, title);
      return;
    }

  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  /* Now, while the user still has the change in mind. */
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_undo_clicked), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_undo_dismissed), self,
                           G_CONNECT_SWAPPED);
  g_set_weak_pointer (&self->undo_toast, toast);
  show_toast (self, toast);
}

static void
restore_demo_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  /* Translators: a toast, with an Undo button */
  replace_urls (OFFLOAD_FETCH_PAGE (widget), NULL, _("Restored the demo URLs"));
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  OffloadFetchPage *self = OFFLOAD_FETCH_PAGE (widget);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->urls));
  const char * const none[] = { NULL };
  g_autofree char *title = NULL;

  if (n == 0)
    return;

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Removed %u URL", "Removed %u URLs", n),
                           n);
  replace_urls (self, none, title);
}

/* ---- Progress and results -------------------------------------------- */

static void
update_overall (OffloadFetchPage *self)
{
  OffloadFetchQueue *queue = self->queue;
  guint n = offload_fetch_queue_get_n_requests (queue);
  guint finished = offload_fetch_queue_get_n_finished (queue);
  guint failed = offload_fetch_queue_get_n_failed (queue);
  guint cancelled = offload_fetch_queue_get_n_cancelled (queue);
  g_autofree char *size = g_format_size (offload_fetch_queue_get_bytes_received (queue));
  g_autofree char *text = NULL;
  gint64 end = self->run_ended != 0 ? self->run_ended : g_get_monotonic_time ();
  double seconds = self->run_started != 0 ? (end - self->run_started) / 1e6 : 0;

  if (self->run_started == 0)
    return;

  if (offload_fetch_queue_get_running (queue) && self->cancel_requested != 0)
    text = g_strdup_printf (_("Cancelling… %u of %u done"), finished, n);
  else if (offload_fetch_queue_get_running (queue))
    /* Translators: e.g. "13 of 20 done, 2 failed · 1.2 MB · 3.4 s" */
    text = g_strdup_printf (_("%u of %u done, %u failed · %s · %.1f s"),
                            finished, n, failed, size, seconds);
  else if (self->run_cancelled)
    text = g_strdup_printf (_("Cancelled after %.1f s: %u of %u done, %u failed, %u cancelled; "
                              "stopping took %.0f ms"),
                            seconds, finished - cancelled, n, failed, cancelled,
                            (self->run_ended - self->cancel_requested) / 1000.0);
  else if (self->blocking_run)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u request on the main thread: %u succeeded, %u "
                                         "failed, %u stopped at the 4.5 s freeze limit · %s "
                                         "in %.1f s, all of it frozen",
                                         "%u requests on the main thread: %u succeeded, %u "
                                         "failed, %u stopped at the 4.5 s freeze limit · %s "
                                         "in %.1f s, all of it frozen", n),
                            n, finished - failed - cancelled, failed, cancelled, size, seconds);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u request: %u succeeded, %u failed · %s in %.1f s",
                                         "%u requests: %u succeeded, %u failed · %s in %.1f s",
                                         n),
                            n, finished - failed - cancelled, failed, size, seconds);

  gtk_label_set_label (self->overall_label, text);
  gtk_progress_bar_set_fraction (self->overall_progress, n > 0 ? (double) finished / n : 0);
}

/* The body's box as tall as its text, up to its most (360 px, as the
 * template says): a GtkTextView asks for the height of the lines it has
 * laid out so far, which is what shows at first (four lines of a JSON
 * body of twenty, however much room the pane had). Lines are counted,
 * long ones by how many times they wrap at about a hundred characters. */
#define PREVIEW_MIN_HEIGHT 60
#define PREVIEW_MAX_HEIGHT 360

static void
fit_preview_height (OffloadFetchPage *self,
                    const char       *text)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self->preview_view));
  PangoFontMetrics *metrics = pango_context_get_metrics (context, NULL, NULL);
  int line_height = MAX (1, PANGO_PIXELS (pango_font_metrics_get_height (metrics)));
  int most_lines = PREVIEW_MAX_HEIGHT / line_height + 1;
  int lines = 0;
  const char *p = text;

  pango_font_metrics_unref (metrics);
  while (lines < most_lines)
    {
      const char *end = strchr (p, '\n');
      gsize length = end != NULL ? (gsize) (end - p) : strlen (p);

      lines += 1 + (int) (length / 100);
      if (end == NULL)
        break;
      p = end + 1;
    }

  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (self->preview_scroller),
                                              CLAMP (lines * line_height + 12,
                                                     PREVIEW_MIN_HEIGHT, PREVIEW_MAX_HEIGHT));
}

static void
update_details (OffloadFetchPage *self)
{
  OffloadFetchRequest *request = self->shown;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->preview_view);
  OffloadFetchState state;
  g_autofree char *summary = NULL;
  g_autofree char *timings = NULL;
  g_autofree char *received = NULL;
  const char *preview;
  const char *error;
  const char *headers;
  gint64 queued, started, first_byte, finished;

  if (request == NULL)
    {
      gtk_stack_set_visible_child_name (self->details_stack, "none");
      return;
    }
  gtk_stack_set_visible_child_name (self->details_stack, "details");

  state = offload_fetch_request_get_state (request);
  {
    g_autofree char *hidden = offload_url_hide_password (offload_fetch_request_get_url (request));
    g_autofree char *url = offload_printable (hidden);

    gtk_label_set_label (self->details_url, url);
  }
  gtk_widget_set_visible (self->details_cancel,
                          !offload_fetch_request_is_finished (request) && !self->blocking_run);
  gtk_widget_set_visible (self->details_crunch,
                          offload_fetch_request_get_kept_path (request) != NULL);

  received = g_format_size (offload_fetch_request_get_bytes_received (request));
  if (offload_fetch_request_get_status (request) > 0)
    summary = g_strdup_printf (_("%s · HTTP %u %s · %s · %s"),
                               offload_fetch_state_label (state),
                               offload_fetch_request_get_status (request),
                               offload_fetch_request_get_reason (request) != NULL
                               ? offload_fetch_request_get_reason (request) : "",
                               offload_fetch_request_get_content_type (request) != NULL
                               ? offload_fetch_request_get_content_type (request)
                               : _("no content type"),
                               received);
  else
    summary = g_strdup (offload_fetch_state_label (state));
  gtk_label_set_label (self->details_summary, summary);

  queued = offload_fetch_request_get_queued_time (request);
  started = offload_fetch_request_get_started_time (request);
  first_byte = offload_fetch_request_get_first_byte_time (request);
  finished = offload_fetch_request_get_finished_time (request);
  if (started > 0)
    {
      /* Only what has happened: a running request has not finished, and
       * one that failed before an answer had no first byte. */
      g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
      const char *thread = offload_fetch_request_get_thread_name (request);

      g_ptr_array_add (parts, g_strdup_printf (_("Waited %.0f ms in the queue"),
                                               (started - queued) / 1000.0));
      if (first_byte > 0)
        g_ptr_array_add (parts, g_strdup_printf (_("first byte after %.0f ms"),
                                                 (first_byte - started) / 1000.0));
      /* A redirect loop had answers: redirects, each followed. */
      else if (finished > 0
               && !g_error_matches (offload_fetch_request_get_error (request), OFFLOAD_FETCH_ERROR,
                                    OFFLOAD_FETCH_ERROR_TOO_MANY_REDIRECTS))
        g_ptr_array_add (parts, g_strdup (_("no answer")));
      if (finished > 0)
        g_ptr_array_add (parts, g_strdup_printf (_("finished after %.0f ms"),
                                                 (finished - started) / 1000.0));
      if (thread != NULL)
        g_ptr_array_add (parts, g_strdup_printf (_("on thread %s"), thread));
      g_ptr_array_add (parts, NULL);
      timings = g_strjoinv (" · ", (char **) parts->pdata);
    }
  gtk_label_set_label (self->details_timings, timings != NULL ? timings : "");
  gtk_widget_set_visible (GTK_WIDGET (self->details_timings), timings != NULL);

  /* A cancelled request's "Cancelled" is its state, said above already,
   * and no error; why it was stopped, when that is more (the blocking
   * mode's limit), is said, but not in an error's red. */
  error = offload_fetch_request_get_error_message (request);
  if (state == OFFLOAD_FETCH_STATE_CANCELLED
      && g_strcmp0 (error, offload_fetch_state_label (state)) == 0)
    error = NULL;
  gtk_label_set_label (self->details_error, error != NULL ? error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->details_error), error != NULL);
  if (state == OFFLOAD_FETCH_STATE_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->details_error), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->details_error), "error");

  headers = offload_fetch_request_get_headers (request);
  gtk_label_set_label (self->details_headers, headers != NULL ? headers : "");
  gtk_widget_set_visible (GTK_WIDGET (self->headers_expander), headers != NULL);

  preview = offload_fetch_request_get_preview (request);
  if (preview == NULL)
    gtk_label_set_label (self->preview_title,
                         offload_fetch_request_is_finished (request)
                         ? _("No body") : _("The body appears here when the request ends"));
  else
    {
      const char *kind;
      gboolean hex_cut = FALSE;

      switch (offload_fetch_request_get_preview_kind (request))
        {
        case OFFLOAD_PREVIEW_JSON:
          kind = _("Body (JSON, formatted)");
          break;
        case OFFLOAD_PREVIEW_HEX:
          hex_cut = offload_fetch_request_get_bytes_received (request)
                    > OFFLOAD_PREVIEW_MAX_HEX_BYTES;
          kind = hex_cut ? _("Body (binary, first 12 KiB in hex)") : _("Body (binary, in hex)");
          break;
        case OFFLOAD_PREVIEW_TEXT:
        case OFFLOAD_PREVIEW_NONE:
        default:
          kind = _("Body (text)");
          break;
        }

      /* Cut short by the request's end (an error, a cancel), or longer
       * than what is kept of a body (256 KiB; the hex view says its own
       * 12 KiB). */
      if (offload_fetch_request_get_preview_partial (request)
          && (state == OFFLOAD_FETCH_STATE_FAILED || state == OFFLOAD_FETCH_STATE_CANCELLED))
        {
          g_autofree char *title = g_strdup_printf (_("%s: what arrived before the request "
                                                      "stopped"), kind);
          gtk_label_set_label (self->preview_title, title);
        }
      else if (offload_fetch_request_get_preview_partial (request) && !hex_cut)
        {
          g_autofree char *title = g_strdup_printf (_("%s: only the start was kept"), kind);
          gtk_label_set_label (self->preview_title, title);
        }
      else
        gtk_label_set_label (self->preview_title, kind);
    }
  {
    g_autoptr(GString) shown = NULL;
    GtkTextIter start;

    gtk_text_buffer_set_text (buffer, "", 0);
    if (preview != NULL)
      {
        gsize length = strlen (preview);
        gboolean cut = length > MAX_SHOWN_PREVIEW;

        /* The first 64 KiB of a longer preview, cut at a character. */
        if (cut)
          length = (gsize) (g_utf8_find_prev_char (preview, preview + MAX_SHOWN_PREVIEW + 1)
                            - preview);
        shown = offload_preview_break_lines (preview, length, SHOWN_LINE_MAX);
        if (shown->len > length)
          {
            g_autofree char *title = g_strdup_printf (_("%s (long lines shown in pieces)"),
                                                      gtk_label_get_label (self->preview_title));

            gtk_label_set_label (self->preview_title, title);
          }
        if (cut)
          g_string_append_printf (shown, "\n%s", _("… (the view shows the first 64 KiB)"));
        gtk_text_buffer_get_start_iter (buffer, &start);
        /* Without hyphens that the body does not have ("lo-rem"). */
        gtk_text_buffer_insert_with_tags_by_name (buffer, &start, shown->str, (int) shown->len,
                                                  "as-received", NULL);
      }
    gtk_widget_set_visible (self->preview_scroller, preview != NULL);
    if (shown != NULL)
      fit_preview_height (self, shown->str);
  }
}

static void
on_shown_state_changed (OffloadFetchPage *self)
{
  update_details (self);
}

/* Kept CSV bodies live for two runs: the last run's may be open on the
 * Crunch page. Older ones go, in a thread (no file I/O on this one). */
static void
prune_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  gint64 cutoff = *(gint64 *) task_data;
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "offload", "responses",
                                           NULL);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf buf;

      if (g_str_has_prefix (name, "response-") && g_str_has_suffix (name, ".csv")
          && g_stat (path, &buf) == 0 && (gint64) buf.st_mtime < cutoff)
        g_unlink (path);
    }
  g_task_return_boolean (task, TRUE);
}

static void
prune_kept_bodies (OffloadFetchPage *self)
{
  g_autoptr(GTask) task = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (self->previous_run_real != 0)
    {
      task = g_task_new (NULL, NULL, NULL, NULL);
      g_task_set_task_data (task, g_memdup2 (&self->previous_run_real, sizeof (gint64)), g_free);
      g_task_run_in_thread (task, prune_thread);
    }
  self->previous_run_real = now;
}

/* The window's win.crunch-file opens it on the Crunch page. */
static void
crunch_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  OffloadFetchPage *self = OFFLOAD_FETCH_PAGE (widget);
  const char *path;

  if (self->shown == NULL || (path = offload_fetch_request_get_kept_path (self->shown)) == NULL)
    return;
  gtk_widget_activate_action (widget, "win.crunch-file", "s", path);
}

static void
on_selection_changed (OffloadFetchPage *self)
{
  OffloadFetchRequest *request = gtk_single_selection_get_selected_item (self->selection);

  if (self->shown == request)
    return;

  g_clear_signal_handler (&self->shown_notify_id, self->shown);
  g_set_object (&self->shown, request);
  if (request != NULL)
    self->shown_notify_id = g_signal_connect_object (request, "notify::state",
                                                     G_CALLBACK (on_shown_state_changed),
                                                     self, G_CONNECT_SWAPPED);
  update_details (self);
  /* Another request's details from their top (its URL, status, timings),
   * not where the last one's were scrolled to. */
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->details_scroller), 0);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (
                              GTK_SCROLLED_WINDOW (self->preview_scroller)), 0);
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  gtk_list_item_set_child (item, offload_fetch_row_new ());
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  offload_fetch_row_set_request (OFFLOAD_FETCH_ROW (gtk_list_item_get_child (item)),
                                 gtk_list_item_get_item (item));
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  offload_fetch_row_set_request (OFFLOAD_FETCH_ROW (gtk_list_item_get_child (item)), NULL);
}

/* ---- Running --------------------------------------------------------- */

static void
set_running (OffloadFetchPage *self,
             gboolean          running)
{
  gboolean focused = offload_focus_is_in (GTK_WIDGET (self->button_stack));

  self->running = running;
  /* fetch.start stays enabled: its button is hidden during a run, and
   * its shortcut then says why nothing starts (start_action()). */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "fetch.cancel", running);
  offload_stack_show (self->button_stack, running ? "cancel" : "start", focused);
}

static gboolean
progress_tick (GtkWidget     *widget,
               GdkFrameClock *frame_clock,
               gpointer       user_data)
{
  OffloadFetchPage *self = OFFLOAD_FETCH_PAGE (widget);

  /* Pull, once a frame: the workers never push into the main loop. */
  offload_fetch_queue_update (self->queue);
  update_overall (self);

  return G_SOURCE_CONTINUE;
}

static void
stop_ticking (OffloadFetchPage *self)
{
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
}

static void
announce_end (OffloadFetchPage *self)
{
  OffloadFetchQueue *queue = self->queue;
  guint n = offload_fetch_queue_get_n_requests (queue);
  guint failed = offload_fetch_queue_get_n_failed (queue);
  guint cancelled = offload_fetch_queue_get_n_cancelled (queue);
  guint succeeded = offload_fetch_queue_get_n_finished (queue) - failed - cancelled;
  g_autofree char *title = NULL;

  if (cancelled > 0 && self->blocking_run)
    /* Translators: a toast when a blocking run ends at its time limit; the
     * page's summary says which limit (a toast longer than this is cut) */
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u request on the main thread: %u succeeded, %u "
                                          "failed, %u stopped",
                                          "%u requests on the main thread: %u succeeded, %u "
                                          "failed, %u stopped", n),
                             n, succeeded, failed, cancelled);
  else if (cancelled > 0)
    /* Translators: a toast when a run ends */
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u request: %u succeeded, %u failed, %u cancelled",
                                          "%u requests: %u succeeded, %u failed, %u cancelled",
                                          n),
                             n, succeeded, failed, cancelled);
  else
    /* Translators: a toast when a run ends */
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u request: %u succeeded, %u failed",
                                          "%u requests: %u succeeded, %u failed", n),
                             n, succeeded, failed);

  /* The run's end now, not after toasts queued during it. */
  show_in_place (self, &self->end_toast, title, ADW_TOAST_PRIORITY_HIGH);
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(OffloadFetchPage) self = user_data;
  g_autoptr(GError) error = NULL;

  g_application_release (g_application_get_default ());

  /* The window closed while the run was stopping. */
  if (self->queue == NULL)
    return;

  self->run_cancelled = !offload_fetch_queue_run_finish (OFFLOAD_FETCH_QUEUE (object), result,
                                                         &error);
  self->run_ended = g_get_monotonic_time ();
  stop_ticking (self);
  g_clear_object (&self->cancellable);

  update_overall (self);
  set_running (self, FALSE);
  announce_end (self);
}

/* Rows a frame, at most, as a run starts. GTK 4.8's list view makes
 * widgets for up to two hundred rows at once: for a run of 469 URLs that
 * frame held the main loop 85 ms (the meter's long task). Listed sixteen
 * at a time, each frame makes and lays out that many (the longest frame
 * then 26-30 ms; 42-49 ms at 32 a frame); the two hundred rows are there
 * in a fifth of a second, and the run itself starts at once, with all of
 * them. */
#define ROWS_PER_FRAME 16

static gboolean
list_more (OffloadFetchPage *self)
{
  guint listed = g_list_model_get_n_items (G_LIST_MODEL (self->listed));
  guint total = g_list_model_get_n_items (G_LIST_MODEL (self->requests));
  guint n = MIN (ROWS_PER_FRAME, total - listed);
  g_autoptr(GPtrArray) items = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_list_model_get_item (G_LIST_MODEL (self->requests), listed + i));
  g_list_store_splice (self->listed, listed, 0, items->pdata, n);

  return listed + n < total;
}

static gboolean
list_tick (GtkWidget     *widget,
           GdkFrameClock *clock,
           gpointer       user_data)
{
  OffloadFetchPage *self = OFFLOAD_FETCH_PAGE (widget);

  return list_more (self) ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
list_tick_removed (gpointer data)
{
  OffloadFetchPage *self = data;

  self->list_tick = 0;
}

static void
stop_listing (OffloadFetchPage *self)
{
  if (self->list_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->list_tick);
}

/* The list shows self->requests: the first rows now, the others over the
 * next frames. */
static void
list_requests (OffloadFetchPage *self)
{
  g_autoptr(GListStore) listed = g_list_store_new (OFFLOAD_TYPE_FETCH_REQUEST);

  stop_listing (self);
  g_set_object (&self->listed, listed);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (listed));
  if (list_more (self))
    self->list_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), list_tick, self,
                                                    list_tick_removed);
}

static gboolean
ensure_demo_server (OffloadFetchPage  *self,
                    GError           **error)
{
  if (self->demo_server != NULL)
    return TRUE;

  self->demo_server = offload_demo_server_new ();
  if (!offload_demo_server_start (self->demo_server, 0, error))
    {
      g_clear_object (&self->demo_server);
      return FALSE;
    }

  return TRUE;
}

static GListStore *
make_requests (OffloadFetchPage  *self,
               GError           **error)
{
  g_autoptr(GListStore) store = g_list_store_new (OFFLOAD_TYPE_FETCH_REQUEST);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->urls));

  for (guint i = 0; i < n; i++)
    {
      const char *url = gtk_string_list_get_string (self->urls, i);
      g_autoptr(OffloadFetchRequest) request = NULL;
      g_autofree char *expanded = NULL;

      if (g_str_has_prefix (url, DEMO_PREFIX))
        {
          const char *path = url + strlen (DEMO_PREFIX);

          if (!ensure_demo_server (self, error))
            return NULL;
          expanded = g_strconcat (offload_demo_server_get_base_url (self->demo_server),
                                  *path == '/' ? "" : "/", path, NULL);
        }

      request = offload_fetch_request_new (expanded != NULL ? expanded : url);
      g_list_store_append (store, request);
    }

  return g_steal_pointer (&store);
}

static gboolean
settled (gpointer user_data)
{
  OffloadFetchPage *self = user_data;

  self->settling = FALSE;
  return G_SOURCE_REMOVE;
}

static gboolean
run_blocking_idle (gpointer user_data)
{
  OffloadFetchPage *self = user_data;
  gint64 budget;

  if (self->queue == NULL)      /* the window closed before the run began */
    return G_SOURCE_REMOVE;

  budget = gtk_switch_get_active (self->long_switch) ? 0 : BLOCKING_BUDGET;

  /* Deliberately on the main thread: the labelled contrast mode. */
  offload_fetch_queue_run_blocking (self->queue, G_LIST_MODEL (self->requests), budget,
                                    NULL, NULL);
  self->run_ended = g_get_monotonic_time ();

  update_overall (self);
  set_running (self, FALSE);
  announce_end (self);
  /* Keys pressed during the freeze (Ctrl+Return again, "nothing
   * happens") arrive now: they would start a second freeze. GTK hands
   * them out at the start of the next frame; they are ignored until it
   * has been drawn. */
  self->settling = TRUE;
  offload_run_after_paint (GTK_WIDGET (self), settled, self);

  return G_SOURCE_REMOVE;
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  OffloadFetchPage *self = OFFLOAD_FETCH_PAGE (widget);
  g_autoptr(GListStore) requests = NULL;
  g_autoptr(GError) error = NULL;

  if (self->settling || !gtk_widget_get_mapped (widget))
    return;
  /* Ctrl+Return while the requests stop: said, not ignored. */
  if (self->running)
    {
      if (self->cancel_requested != 0)
        show_message (self, _("The last run is still stopping: start again once it has"));
      return;
    }

  if (g_list_model_get_n_items (G_LIST_MODEL (self->urls)) == 0)
    {
      show_message (self, _("Add a URL to fetch first"));
      gtk_widget_grab_focus (GTK_WIDGET (self->url_entry));
      return;
    }

  requests = make_requests (self, &error);
  if (requests == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The demo server could not start: %s"),
                                                  error->message);
      show_message (self, message);
      return;
    }

  g_set_object (&self->requests, requests);
  list_requests (self);
  gtk_stack_set_visible_child_name (self->results_stack, "results");
  gtk_widget_set_visible (GTK_WIDGET (self->details_stack), TRUE);

  offload_fetch_queue_set_concurrency (self->queue,
                                       g_settings_get_uint (self->settings, "concurrency"));
  offload_fetch_queue_set_timeout (self->queue, g_settings_get_uint (self->settings, "timeout"));
  offload_fetch_queue_set_max_body (self->queue,
                                    g_settings_get_uint64 (self->settings, "max-body"));

  prune_kept_bodies (self);

  self->run_started = g_get_monotonic_time ();
  self->run_ended = 0;
  self->cancel_requested = 0;
  self->run_cancelled = FALSE;
  self->blocking_run = gtk_switch_get_active (self->blocking_switch);
  set_running (self, TRUE);

  if (self->blocking_run)
    {
      gtk_widget_action_set_enabled (widget, "fetch.cancel", FALSE);
      gtk_progress_bar_set_fraction (self->overall_progress, 0);
      gtk_label_set_label (self->overall_label,
                           _("Running on the main thread: the window does not respond "
                             "until it ends…"));
      /* After the "frozen" label is on screen. */
      offload_run_after_paint (widget, run_blocking_idle, self);
      return;
    }

  /* Held until the run has really ended, so closing the last window lets
   * the cancelled requests finish stopping before the app exits. */
  g_application_hold (g_application_get_default ());
  self->cancellable = g_cancellable_new ();
  offload_fetch_queue_run_async (self->queue, G_LIST_MODEL (requests), self->cancellable,
                                 run_cb, g_object_ref (self));
  self->tick_id = gtk_widget_add_tick_callback (widget, progress_tick, NULL, NULL);
  update_overall (self);
}

static void
cancel_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  OffloadFetchPage *self = OFFLOAD_FETCH_PAGE (widget);

  /* Only this one: its connection closes, the run goes on. */
  if (self->shown != NULL)
    offload_fetch_request_cancel (self->shown);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  OffloadFetchPage *self = OFFLOAD_FETCH_PAGE (widget);

  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;

  /* "Cancelling…" stays until every request has really stopped. */
  self->cancel_requested = g_get_monotonic_time ();
  g_cancellable_cancel (self->cancellable);
  update_overall (self);
}

/* ---- Life cycle ------------------------------------------------------ */

/* The URL entry: a new list starts there. */
static gboolean
offload_fetch_page_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (OFFLOAD_FETCH_PAGE (widget)->url_entry));
}

/* Closing the window stops the requests: nothing runs on unseen. The
 * page leaves its window then, but is not disposed while the run's
 * callback still holds it, so this cannot wait for dispose. */
static void
offload_fetch_page_unroot (GtkWidget *widget)
{
  OffloadFetchPage *self = OFFLOAD_FETCH_PAGE (widget);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  GTK_WIDGET_CLASS (offload_fetch_page_parent_class)->unroot (widget);
}

static void
offload_fetch_page_dispose (GObject *object)
{
  OffloadFetchPage *self = (OffloadFetchPage *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  stop_ticking (self);

  g_clear_signal_handler (&self->shown_notify_id, self->shown);
  g_clear_object (&self->shown);
  /* A cancelled run still ends later and notifies: not to us any more. */
  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_data (self->queue, self);
  g_clear_object (&self->queue);
  if (self->demo_server != NULL)
    offload_demo_server_stop (self->demo_server);
  g_clear_object (&self->demo_server);
  stop_listing (self);
  g_clear_object (&self->requests);
  g_clear_object (&self->listed);
  g_clear_object (&self->selection);
  g_clear_object (&self->urls);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->undo_urls, g_strfreev);
  g_clear_pointer (&self->undo_after, g_strfreev);
  g_clear_weak_pointer (&self->undo_toast);
  g_clear_weak_pointer (&self->message_toast);
  g_clear_weak_pointer (&self->end_toast);

  gtk_widget_dispose_template (GTK_WIDGET (self), OFFLOAD_TYPE_FETCH_PAGE);

  G_OBJECT_CLASS (offload_fetch_page_parent_class)->dispose (object);
}

static void
offload_fetch_page_class_init (OffloadFetchPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = offload_fetch_page_dispose;

  widget_class->grab_focus = offload_fetch_page_grab_focus;
  widget_class->unroot = offload_fetch_page_unroot;

  g_type_ensure (OFFLOAD_TYPE_FETCH_ROW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/offload-fetch-page.ui");
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, paned);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, url_entry);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, url_stack);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, url_list);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, concurrency_spin);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, blocking_switch);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, long_switch);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, button_stack);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, overall_label);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, overall_progress);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, results_stack);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, results_view);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, details_stack);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, details_url);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, details_cancel);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, details_crunch);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, details_summary);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, details_timings);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, details_error);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, details_headers);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, headers_expander);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, preview_title);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, preview_view);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, preview_scroller);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchPage, details_scroller);

  gtk_widget_class_install_action (widget_class, "fetch.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "fetch.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "fetch.crunch-selected", NULL,
                                   crunch_selected_action);
  gtk_widget_class_install_action (widget_class, "fetch.cancel-selected", NULL,
                                   cancel_selected_action);
  gtk_widget_class_install_action (widget_class, "fetch.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "fetch.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "fetch.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "fetch.restore-demo", NULL, restore_demo_action);
  gtk_widget_class_install_action (widget_class, "fetch.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "fetch.remove-focused", NULL,
                                   remove_focused_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

/* Escape cancels a run from anywhere on the page, the empty URL entry
 * (where the focus is at start-up) included; not while a URL is being
 * typed there: a run of minutes is not lost to a key meant for the text.
 * Both Escape shortcuts, the page's and the entry's own, ask here. */
static gboolean
escape_pressed (GtkWidget *widget,
                GVariant  *args,
                gpointer   user_data)
{
  OffloadFetchPage *self = OFFLOAD_FETCH_PAGE (user_data);

  if (offload_focus_is_in (GTK_WIDGET (self->url_entry))
      && gtk_entry_get_text_length (self->url_entry) > 0)
    return FALSE;
  return gtk_widget_activate_action (GTK_WIDGET (self), "fetch.cancel", NULL);
}

static void
add_shortcuts (OffloadFetchPage *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  GtkShortcutController *shortcuts = GTK_SHORTCUT_CONTROLLER (controller);
  GtkShortcutTrigger *start =
    gtk_shortcut_trigger_parse_string ("<Control>Return|<Control>KP_Enter");

  /* Managed by the window, so they work wherever the focus is on this page
   * (the actions ignore them while another page is shown). */
  gtk_shortcut_controller_set_scope (shortcuts, GTK_SHORTCUT_SCOPE_MANAGED);
  gtk_shortcut_controller_add_shortcut (shortcuts,
                                        gtk_shortcut_new (start,
                                                          gtk_named_action_new ("fetch.start")));
  gtk_shortcut_controller_add_shortcut (shortcuts,
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape,
                                                                                  0),
                                                          gtk_callback_action_new (escape_pressed,
                                                                                   self, NULL)));
  gtk_shortcut_controller_add_shortcut (shortcuts,
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_o,
                                                                                  GDK_CONTROL_MASK),
                                                          gtk_named_action_new ("fetch.import")));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  /* Only where the focus is in the URL list: Delete edits text elsewhere. */
  controller = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string (
                                                            "Delete|KP_Delete"),
                                                          gtk_named_action_new (
                                                            "fetch.remove-focused")));
  gtk_widget_add_controller (GTK_WIDGET (self->url_list), controller);

  /* Escape in the URL entry: see escape_pressed(). Ahead of the entry's
   * text, in case it takes Escape before the window's shortcuts see it. */
  controller = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape,
                                                                                  0),
                                                          gtk_callback_action_new (escape_pressed,
                                                                                   self, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self->url_entry), controller);
}

static void
offload_fetch_page_init (OffloadFetchPage *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  add_shortcuts (self);
  gtk_text_buffer_create_tag (gtk_text_view_get_buffer (self->preview_view), "as-received",
                              "insert-hyphens", FALSE, NULL);
  {
    GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);

    gtk_drop_target_set_gtypes (drop, (GType[]) { GDK_TYPE_FILE_LIST, G_TYPE_STRING }, 2);
    g_signal_connect_object (drop, "drop", G_CALLBACK (on_drop), self, 0);
    gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  }

  self->settings = g_settings_new (APP_ID);
  self->queue = offload_fetch_queue_new ();
  {
    g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "offload", "responses",
                                             NULL);

    /* CSV bodies, for the Crunch page: replaced by the next run's. */
    offload_fetch_queue_set_keep_csv_dir (self->queue, dir);
  }
  g_signal_connect_object (self->queue, "notify::n-finished", G_CALLBACK (update_overall),
                           self, G_CONNECT_SWAPPED);

  /* The URL list mirrors its setting both ways. */
  self->urls = gtk_string_list_new (NULL);
  g_signal_connect_object (self->urls, "items-changed", G_CALLBACK (on_urls_changed),
                           self, G_CONNECT_SWAPPED);
  {
    g_autoptr(GtkListItemFactory) url_factory = gtk_signal_list_item_factory_new ();
    g_autoptr(GtkNoSelection) url_selection = NULL;

    g_signal_connect_object (url_factory, "setup", G_CALLBACK (setup_url_row), self, 0);
    g_signal_connect_object (url_factory, "bind", G_CALLBACK (bind_url_row), self, 0);
    gtk_list_view_set_factory (self->url_list, url_factory);
    url_selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->urls)));
    gtk_list_view_set_model (self->url_list, GTK_SELECTION_MODEL (url_selection));
  }
  g_signal_connect_object (self->settings, "changed::urls", G_CALLBACK (on_urls_setting_changed),
                           self, G_CONNECT_SWAPPED);
  load_urls (self);
  on_urls_changed (self);

  g_settings_bind (self->settings, "concurrency",
                   gtk_spin_button_get_adjustment (self->concurrency_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "timeout",
                   gtk_spin_button_get_adjustment (self->timeout_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "fetch-blocking", self->blocking_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "blocking-allow-long", self->long_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);

  g_signal_connect_object (self->url_entry, "activate", G_CALLBACK (add_action),
                           self, G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), NULL);
  gtk_list_view_set_factory (self->results_view, factory);

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  gtk_list_view_set_model (self->results_view, GTK_SELECTION_MODEL (self->selection));

  set_running (self, FALSE);
  update_details (self);
  /* Details only once there is something to select. */
  gtk_widget_set_visible (GTK_WIDGET (self->details_stack), FALSE);
}

GtkWidget *
offload_fetch_page_new (void)
{
  return g_object_new (OFFLOAD_TYPE_FETCH_PAGE, NULL);
}

/**
 * offload_fetch_page_get_queue:
 * @self: the page
 *
 * Returns: (transfer none): the queue that runs the requests
 */
OffloadFetchQueue *
offload_fetch_page_get_queue (OffloadFetchPage *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_PAGE (self), NULL);

  return self->queue;
}

/**
 * offload_fetch_page_get_requests:
 * @self: the page
 *
 * Returns: (transfer none) (nullable): the requests of the last run
 */
GListModel *
offload_fetch_page_get_requests (OffloadFetchPage *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_PAGE (self), NULL);

  return self->requests != NULL ? G_LIST_MODEL (self->requests) : NULL;
}

/**
 * offload_fetch_page_get_urls:
 * @self: the page
 *
 * Returns: (transfer none): the URL list, a #GtkStringList
 */
GListModel *
offload_fetch_page_get_urls (OffloadFetchPage *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_PAGE (self), NULL);

  return G_LIST_MODEL (self->urls);
}

/**
 * offload_fetch_page_get_demo_server:
 * @self: the page
 *
 * Returns: (transfer none) (nullable): the built-in demo server, once a
 *   "demo:" URL has started it
 */
OffloadDemoServer *
offload_fetch_page_get_demo_server (OffloadFetchPage *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_PAGE (self), NULL);

  return self->demo_server;
}

/**
 * offload_fetch_page_get_toast_overlay:
 * @self: the page
 *
 * Returns: (transfer none): the overlay over the page's results, where
 *   the window shows toasts while the page is on screen
 */
AdwToastOverlay *
offload_fetch_page_get_toast_overlay (OffloadFetchPage *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_PAGE (self), NULL);

  return self->toast_overlay;
}
