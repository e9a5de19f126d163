/* offload-crunch-page.c: the Crunch page
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "offload-json.h"
#include "offload-after-paint.h"
#include "offload-crunch-column-item.h"
#include "offload-crunch-lane-row.h"
#include "offload-crunch-page.h"
#include "offload-file-chooser.h"
#include "offload-histogram-view.h"
#include "offload-number.h"
#include "offload-printable.h"
#include "offload-sample-data.h"
#include "offload-stack.h"
#include "offload-tooltip.h"
#include "offload-window.h"

/* The page picks a CSV file (or has a worker generate the sample dataset),
 * runs an OffloadCrunchJob on it and shows what the job's worker processes
 * do as they do it, then the statistics of every column. The main thread
 * never reads the file: it pulls the job's progress once a frame in a
 * tick callback and draws it. The blocking mode is the one deliberate
 * exception, and says so.
 *
 * After a failure or a cancel, the progress and the worker lanes stay as
 * they were, so what happened can still be read. */

#define BLOCKING_BUDGET   (4500 * G_GINT64_CONSTANT (1000))
#define TEXT_INTERVAL     (G_USEC_PER_SEC / 10)
#define MAX_WORKERS       16
/* Table rows a frame, at most, in or out: a file of 300 columns put
 * 3,900 cells in one frame, a 182 ms long task. */
#define TABLE_ROWS_PER_FRAME 12

static const guint64 sample_rows[] = { 100000, 1000000, 10000000 };

/* The columns of the statistics table, in pandas' describe() order. */
typedef enum {
  FIELD_NAME,
  FIELD_TYPE,
  FIELD_COUNT,
  FIELD_MISSING,
  FIELD_MEAN,
  FIELD_STD,
  FIELD_MIN,
  FIELD_P25,
  FIELD_P50,
  FIELD_P75,
  FIELD_MAX,
  FIELD_DISTINCT,
  FIELD_TOP,
  FIELD_FREQ,
  N_FIELDS
} Field;

static const struct {
  const char *title;
  gboolean    numeric;
} fields[N_FIELDS] = {
  [FIELD_NAME] = { N_("Column"), FALSE },
  [FIELD_TYPE] = { N_("Type"), FALSE },
  [FIELD_COUNT] = { N_("Count"), TRUE },
  [FIELD_MISSING] = { N_("Missing"), TRUE },
  [FIELD_MEAN] = { N_("Mean"), TRUE },
  /* Translators: the standard deviation, as pandas' describe() heads it */
  [FIELD_STD] = { N_("Std"), TRUE },
  [FIELD_MIN] = { N_("Min"), TRUE },
  /* xgettext:no-c-format */
  [FIELD_P25] = { N_("25%"), TRUE },
  /* xgettext:no-c-format */
  [FIELD_P50] = { N_("50%"), TRUE },
  /* xgettext:no-c-format */
  [FIELD_P75] = { N_("75%"), TRUE },
  [FIELD_MAX] = { N_("Max"), TRUE },
  [FIELD_DISTINCT] = { N_("Distinct"), TRUE },
  /* Translators: the most frequent value of a text column */
  [FIELD_TOP] = { N_("Top"), FALSE },
  /* Translators: how often the most frequent value occurs */
  [FIELD_FREQ] = { N_("Freq"), TRUE },
};

struct _OffloadCrunchPage
{
  GtkWidget            parent_instance;

  GSettings           *settings;
  char                *file;
  guint64              file_size;
  gboolean             file_size_known;
  char                *file_problem;  /* why the file cannot be read, as its info says */
  GCancellable        *info_cancellable;

  /* The crunch: the last job stays, for its lanes and its error. */
  OffloadCrunchJob    *job;
  OffloadCrunchResult *result;
  guint                result_tick;    /* self->result not yet all in the table */
  guint                empty_tick;     /* the table's old rows still going */
  guint                result_frames;
  guint                result_listed;  /* its columns in the table so far */
  gboolean             numeric_listed; /* one of them numeric */
  gboolean             result_numeric; /* a column of self->result is */
  GCancellable        *cancellable;
  guint                tick_id;
  gboolean             running;
  gboolean             blocking_run;
  gboolean             settling;     /* input queued during a blocking run is arriving */
  gint64               run_started;
  gint64               run_ended;
  gint64               cancel_requested;
  gint64               last_text;
  guint                last_pass;   /* shown in the words */
  GPtrArray           *lane_rows;   /* of OffloadCrunchLaneRow, owned by lanes_list */
  AdwToast            *event_toast; /* the job's event shown now, if any */
  double               fraction;    /* the bar's last, for a run that stops */

  /* The sample dataset, while it is written. */
  OffloadGenerateJob  *generate_job;
  GCancellable        *generate_cancellable;
  guint                generate_tick_id;
  guint64              generate_rows;
  gint64               generate_last_text;

  GListStore          *columns;
  GtkSingleSelection  *selection;

  /* Template children */
  GtkWidget           *paned;
  AdwActionRow        *file_row;
  AdwComboRow         *rows_row;
  GtkWidget           *generate_box;
  GtkWidget           *generate_button;
  GtkWidget           *generate_cancel_button;
  gboolean             stop_had_focus;  /* when Stop was pressed */
  GtkLabel            *generate_label;
  GtkProgressBar      *generate_progress;
  AdwActionRow        *workers_row;
  GtkSpinButton       *workers_spin;
  GtkSpinButton       *bins_spin;
  GtkSwitch           *blocking_switch;
  GtkSwitch           *long_switch;
  GtkStack            *button_stack;
  AdwToastOverlay     *toast_overlay;
  GtkStack            *content_stack;
  AdwStatusPage       *empty_page;
  AdwStatusPage       *ready_page;
  GtkLabel            *overall_label;
  GtkProgressBar      *overall_progress;
  GtkWidget           *lanes_scroller;
  GtkListBox          *lanes_list;
  GtkWidget           *error_box;
  GtkLabel            *error_title;
  GtkLabel            *error_label;
  GtkExpander         *details_expander;
  GtkLabel            *details_label;
  GtkStack            *results_stack;
  GtkScrolledWindow   *table_scroller;
  GtkLabel            *no_results_label;
  GtkLabel            *summary_label;
  GtkLabel            *events_label;
  GtkColumnView       *columns_view;
  GtkLabel            *histogram_title;
  GtkStack            *histogram_stack;
  GtkLabel            *histogram_hint;
  OffloadHistogramView *histogram_view;
};

enum {
  PROP_0,
  PROP_FILE,
  PROP_RUNNING,
  PROP_GENERATING,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (OffloadCrunchPage, offload_crunch_page, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static void update_actions (OffloadCrunchPage *self);
static void set_running    (OffloadCrunchPage *self,
                            gboolean           running);
static void stop_ticking   (OffloadCrunchPage *self);

/* ---- Words ----------------------------------------------------------- */

static char *
format_count (guint64 count)
{
  /* Grouped as the locale groups thousands. */
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, count);
}

static char *
format_stat (double value,
             int    digits)
{
  /* As pandas prints what it cannot compute. */
  if (isnan (value))
    return g_strdup ("NaN");

  return g_strdup_printf ("%.*g", digits, value);
}

static char *
format_seconds_left (double seconds)
{
  if (seconds < 60)
    /* Translators: the time a pass of the file still needs */
    return g_strdup_printf (_("about %.0f s left in this pass"), MAX (1, ceil (seconds)));

  /* Translators: the time a pass of the file still needs */
  return g_strdup_printf (_("about %.0f min left in this pass"), ceil (seconds / 60));
}

static const char *
column_type_label (OffloadCrunchColumnType type)
{
  switch (type)
    {
    case OFFLOAD_CRUNCH_COLUMN_NUMERIC:
      /* Translators: the type of a column whose cells are numbers */
      return _("number");
    case OFFLOAD_CRUNCH_COLUMN_TEXT:
      /* Translators: the type of a column with text cells */
      return _("text");
    case OFFLOAD_CRUNCH_COLUMN_EMPTY:
      /* Translators: the type of a column whose cells are all missing */
      return _("empty");
    default:
      g_return_val_if_reached (NULL);
    }
}

static const char *
phase_label (OffloadCrunchPhase phase)
{
  switch (phase)
    {
    case OFFLOAD_CRUNCH_PHASE_SAMPLE:
      return _("Sampling the file");
    case OFFLOAD_CRUNCH_PHASE_SCAN:
      return _("Reading");
    case OFFLOAD_CRUNCH_PHASE_REFINE:
      return _("Refining quartiles and histograms");
    case OFFLOAD_CRUNCH_PHASE_IDLE:
    case OFFLOAD_CRUNCH_PHASE_DONE:
    default:
      return _("Starting");
    }
}

static void
show_toast (OffloadCrunchPage *self,
            AdwToast          *toast)
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
show_message (OffloadCrunchPage *self,
              const char        *message)
{
  show_toast (self, adw_toast_new (message));
}

static char *
file_display_name (const char *path)
{
  return g_filename_display_basename (path);
}

/* ---- The file -------------------------------------------------------- */

static void
update_ready_page (OffloadCrunchPage *self)
{
  g_autofree char *name = NULL;
  g_autofree char *size = NULL;
  g_autofree char *description = NULL;
  guint workers;

  if (self->file == NULL)
    return;

  name = file_display_name (self->file);
  size = self->file_size_known ? g_format_size (self->file_size) : NULL;
  workers = (guint) gtk_spin_button_get_value_as_int (self->workers_spin);

  /* Said before Start, not only after it. */
  adw_status_page_set_title (self->ready_page, self->file_problem != NULL
                                               ? _("Cannot Read This File")
                                               : _("Ready to Crunch"));
  /* Its Start button would only fail; the sidebar's stays, for a file
   * that comes back. */
  gtk_widget_set_visible (adw_status_page_get_child (self->ready_page), self->file_problem == NULL);
  if (self->file_problem != NULL)
    {
      /* Translators: why a file cannot be crunched, said as soon as it is
       * chosen */
      description = g_strdup_printf (_("%s. Choose another file."), self->file_problem);
      adw_status_page_set_description (self->ready_page, description);
      return;
    }

  if (gtk_switch_get_active (self->blocking_switch))
    /* Translators: %s is a file name, then its size (or "…" until it is known) */
    description = g_strdup_printf (_("“%s”, %s. Start computes exact statistics of every "
                                     "column on the main thread: the window freezes until "
                                     "it ends."),
                                   name, size != NULL ? size : "…");
  else
    /* Translators: %s is a file name, then its size (or "…" until it is known) */
    description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "“%s”, %s. Start computes exact statistics and "
                                                "histograms of every column in %u worker "
                                                "process.",
                                                "“%s”, %s. Start computes exact statistics and "
                                                "histograms of every column in %u worker "
                                                "processes.",
                                                workers),
                                   name, size != NULL ? size : "…", workers);
  adw_status_page_set_description (self->ready_page, description);
}

static void
update_file_row (OffloadCrunchPage *self)
{
  g_autofree char *name = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *folder_name = NULL;
  g_autofree char *subtitle = NULL;

  if (self->file == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->file_row), _("No File Chosen"));
      adw_action_row_set_subtitle (self->file_row, _("A CSV file with a header row"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->file_row), NULL);
      return;
    }

  name = file_display_name (self->file);
  folder = g_path_get_dirname (self->file);
  folder_name = g_filename_display_name (folder);
  if (self->file_size_known)
    {
      g_autofree char *size = g_format_size (self->file_size);

      /* Translators: a file's size, then the folder it is in */
      subtitle = g_strdup_printf (_("%s · %s"), size, folder_name);
    }
  else
    subtitle = g_strdup (folder_name);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->file_row), name);
  adw_action_row_set_subtitle (self->file_row, subtitle);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->file_row), self->file);
}

static void
file_info_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(OffloadCrunchPage) self = user_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = g_file_query_info_finish (G_FILE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->settings == NULL)
    return;   /* another file chosen, or the window closed meanwhile */

  g_clear_pointer (&self->file_problem, g_free);
  if (info == NULL)
    {
      g_autofree char *name = file_display_name (self->file);

      /* As the crunch would say it; an old size goes. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        self->file_problem = g_strdup_printf (_("“%s” does not exist"), name);
      else
        self->file_problem = g_strdup (error->message);
      self->file_size_known = FALSE;
    }
  else if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_autofree char *name = file_display_name (self->file);

      self->file_problem = g_strdup_printf (_("“%s” is not a regular file"), name);
      self->file_size_known = FALSE;
    }
  else
    {
      self->file_size = (guint64) g_file_info_get_size (info);
      self->file_size_known = TRUE;
    }
  update_file_row (self);
  update_ready_page (self);
}

static void
update_content (OffloadCrunchPage *self)
{
  const char *name;

  if (self->file == NULL)
    name = "empty";
  else if (self->job == NULL)
    name = "ready";
  else
    name = "run";

  gtk_stack_set_visible_child_name (self->content_stack, name);
}

/* Emptying the table at once held the main loop 100-120 ms, whether it
 * had 5,000 rows or 20,000: GTK 4.8's column view keeps the widgets of up
 * to 200 rows around the top, eleven cells each, and takes them all down
 * in one go. So the table empties from its end while the results are out
 * of sight: the rows past those with widgets at once, then the others
 * TABLE_ROWS_PER_FRAME a frame. Only unsorted, where the end of the list
 * is the end of the view: unsorting a sorted table to empty it so cost
 * 300 ms. */
#define TABLE_ROWS_WITH_WIDGETS 256

static void
empty_table_now (OffloadCrunchPage *self)
{
  if (self->empty_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->empty_tick);
      self->empty_tick = 0;
    }
  g_list_store_remove_all (self->columns);
}

static gboolean
empty_table_tick (GtkWidget     *widget,
                  GdkFrameClock *clock,
                  gpointer       user_data)
{
  OffloadCrunchPage *self = OFFLOAD_CRUNCH_PAGE (widget);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->columns));
  guint from = n > TABLE_ROWS_WITH_WIDGETS ? TABLE_ROWS_WITH_WIDGETS
                                           : n - MIN (n, TABLE_ROWS_PER_FRAME);

  g_list_store_splice (self->columns, from, n - from, NULL, 0);
  if (from > 0)
    return G_SOURCE_CONTINUE;

  self->empty_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
empty_table (OffloadCrunchPage *self)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->columns_view);

  if (self->empty_tick != 0)
    return;
  if (gtk_sorter_get_order (sorter) != GTK_SORTER_ORDER_NONE)
    g_list_store_remove_all (self->columns);
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->columns)) > 0)
    self->empty_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), empty_table_tick,
                                                     NULL, NULL);
}

static void
clear_results (OffloadCrunchPage *self)
{
  g_clear_pointer (&self->result, offload_crunch_result_unref);
  if (self->result_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->result_tick);
  self->result_listed = 0;
  /* The next table from its first column and row, not where this one was
   * scrolled to (its Column, Type and Count out of sight). While the rows
   * are there: GTK 4.8's column view warns of a scroll in an empty list. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->columns)) > 0)
    {
      gtk_adjustment_set_value (gtk_scrolled_window_get_hadjustment (self->table_scroller), 0);
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->table_scroller), 0);
    }
  empty_table (self);
  offload_histogram_view_clear (self->histogram_view);
  gtk_label_set_label (self->no_results_label, _("The statistics appear here when the run ends"));
  gtk_stack_set_visible_child_name (self->results_stack, "none");
}

static void
clear_lanes (OffloadCrunchPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->lanes_list))) != NULL)
    gtk_list_box_remove (self->lanes_list, child);
  g_ptr_array_set_size (self->lane_rows, 0);
  gtk_widget_set_visible (self->lanes_scroller, FALSE);
}

static void
forget_job (OffloadCrunchPage *self)
{
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  clear_lanes (self);
  clear_results (self);
  gtk_widget_set_visible (self->error_box, FALSE);
}

static void
cancel_run (OffloadCrunchPage *self)
{
  if (self->cancellable != NULL && !g_cancellable_is_cancelled (self->cancellable))
    {
      self->cancel_requested = g_get_monotonic_time ();
      g_cancellable_cancel (self->cancellable);
    }
}

/* The file's size, for the summary: off the main thread like any I/O. */
static void
read_file_size (OffloadCrunchPage *self)
{
  g_autoptr(GFile) file = NULL;

  g_cancellable_cancel (self->info_cancellable);
  g_clear_object (&self->info_cancellable);
  if (self->file == NULL)
    return;

  file = g_file_new_for_path (self->file);
  self->info_cancellable = g_cancellable_new ();
  g_file_query_info_async (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                           G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_DEFAULT, self->info_cancellable, file_info_cb,
                           g_object_ref (self));
}

/**
 * offload_crunch_page_set_file:
 * @self: the page
 * @path: (type filename) (nullable): a CSV file, or %NULL for none
 *
 * Chooses the file to crunch (the Fetch page offers a fetched CSV body
 * this way). A run on the previous file is cancelled.
 */
void
offload_crunch_page_set_file (OffloadCrunchPage *self,
                              const char        *path)
{
  g_return_if_fail (OFFLOAD_IS_CRUNCH_PAGE (self));

  if (self->settings == NULL)
    return;

  /* The running job keeps its own reference: its end is ignored. */
  cancel_run (self);
  stop_ticking (self);
  g_clear_object (&self->cancellable);
  set_running (self, FALSE);
  forget_job (self);

  self->file_size = 0;
  self->file_size_known = FALSE;
  g_clear_pointer (&self->file_problem, g_free);

  if (g_strcmp0 (self->file, path) != 0)
    {
      g_free (self->file);
      self->file = g_strdup (path);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
    }

  read_file_size (self);

  update_file_row (self);
  update_ready_page (self);
  update_content (self);
  update_actions (self);
}

/**
 * offload_crunch_page_get_file:
 * @self: the page
 *
 * Returns: (type filename) (nullable): the chosen file
 */
const char *
offload_crunch_page_get_file (OffloadCrunchPage *self)
{
  g_return_val_if_fail (OFFLOAD_IS_CRUNCH_PAGE (self), NULL);

  return self->file;
}

/* While a crunch or a sample dataset is under way, another file would end
 * that work unseen: refused, in words, at once (not after the toasts
 * already waiting), as the user just asked. */
static gboolean
refuse_while_busy (OffloadCrunchPage *self)
{
  AdwToast *toast;

  if (!self->running && self->generate_job == NULL)
    return FALSE;

  toast = adw_toast_new (_("Another file can be opened once this work is done or cancelled"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  show_toast (self, toast);
  return TRUE;
}

/**
 * offload_crunch_page_open:
 * @self: the page
 * @file: a CSV file chosen by the user: dropped, from the command line or
 *   the file manager, a fetched body
 *
 * Chooses @file, as offload_crunch_page_set_file() does, unless a crunch
 * or a sample dataset is under way or @file is not on this computer: the
 * page then says why in a toast.
 *
 * Returns: whether @file is now the page's
 */
gboolean
offload_crunch_page_open (OffloadCrunchPage *self,
                          GFile             *file)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (OFFLOAD_IS_CRUNCH_PAGE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (self->settings == NULL || refuse_while_busy (self))
    return FALSE;

  /* The workers read local files: a remote one has no path (the portal
   * gives one for the files it shares). */
  path = g_file_get_path (file);
  if (path == NULL)
    {
      show_message (self, _("Only files on this computer can be crunched"));
      return FALSE;
    }

  offload_crunch_page_set_file (self, path);
  return TRUE;
}

static GtkFileFilter *
csv_filter_new (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("CSV files"));
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_suffix (filter, "csv");

  return filter;
}

static GtkFileFilter *
json_filter_new (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("JSON files"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_suffix (filter, "json");

  return filter;
}

static GtkFileFilter *
all_filter_new (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("All files"));
  gtk_file_filter_add_pattern (filter, "*");

  return filter;
}

/* A file dropped on the page is opened, as Choose a CSV File does. */
static gboolean
on_drop (GtkDropTarget     *target,
         const GValue      *value,
         double             x,
         double             y,
         OffloadCrunchPage *self)
{
  if (!G_VALUE_HOLDS (value, G_TYPE_FILE) || g_value_get_object (value) == NULL)
    return FALSE;

  return offload_crunch_page_open (self, g_value_get_object (value));
}

static void
open_chosen_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(OffloadCrunchPage) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  file = offload_file_chooser_finish (result, &error);
  if (self->settings == NULL)
    return;
  if (file != NULL)
    offload_crunch_page_open (self, file);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_message (self, error->message);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  OffloadCrunchPage *self = OFFLOAD_CRUNCH_PAGE (widget);
  g_autoptr(GListStore) filters = NULL;
  g_autoptr(GtkFileFilter) csv = NULL;
  g_autoptr(GtkFileFilter) all = NULL;

  if (!gtk_widget_get_mapped (widget))
    return;

  filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  csv = csv_filter_new ();
  all = all_filter_new ();
  g_list_store_append (filters, csv);
  g_list_store_append (filters, all);
  offload_file_chooser_open_async (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   _("Choose a CSV File"), _("_Open"), G_LIST_MODEL (filters),
                                   open_chosen_cb, g_object_ref (self));
}

/* ---- The sample dataset ---------------------------------------------- */

static void
update_generate_progress (OffloadCrunchPage *self,
                          gboolean           with_text)
{
  guint64 rows_done = 0, bytes_done = 0;

  if (self->generate_job == NULL)
    return;

  offload_generate_job_get_progress (self->generate_job, &rows_done, &bytes_done);
  gtk_progress_bar_set_fraction (self->generate_progress,
                                 self->generate_rows > 0
                                 ? CLAMP ((double) rows_done / self->generate_rows, 0, 1) : 0);

  if (with_text)
    {
      g_autofree char *done = format_count (rows_done);
      g_autofree char *total = format_count (self->generate_rows);
      g_autofree char *size = g_format_size (bytes_done);
      g_autofree char *text = NULL;

      if (self->generate_cancellable != NULL
          && g_cancellable_is_cancelled (self->generate_cancellable))
        text = g_strdup (_("Stopping…"));
      else
        /* Translators: e.g. "Generating 340,000 of 1,000,000 rows · 24.1 MB" */
        text = g_strdup_printf (_("Generating %s of %s rows · %s"), done, total, size);
      gtk_label_set_label (self->generate_label, text);
    }
}

static gboolean
generate_tick (GtkWidget     *widget,
               GdkFrameClock *frame_clock,
               gpointer       user_data)
{
  OffloadCrunchPage *self = OFFLOAD_CRUNCH_PAGE (widget);
  gint64 now = g_get_monotonic_time ();
  gboolean with_text = now - self->generate_last_text >= TEXT_INTERVAL;

  if (with_text)
    self->generate_last_text = now;
  update_generate_progress (self, with_text);

  return G_SOURCE_CONTINUE;
}

static void
set_generating (OffloadCrunchPage *self,
                gboolean           generating)
{
  /* Generate and its Stop button take each other's focus, as Start and
   * Cancel do (see offload-stack.c). */
  gboolean on_generate = offload_focus_is_in (self->generate_button);
  gboolean on_stop = offload_focus_is_in (self->generate_cancel_button) || self->stop_had_focus;

  gtk_widget_set_visible (self->generate_box, generating);

  if (generating && self->generate_tick_id == 0)
    self->generate_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), generate_tick,
                                                           NULL, NULL);
  else if (!generating && self->generate_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->generate_tick_id);
      self->generate_tick_id = 0;
    }

  update_actions (self);
  if (generating && on_generate)
    gtk_widget_grab_focus (self->generate_cancel_button);
  else if (!generating && on_stop)
    gtk_widget_grab_focus (self->generate_button);
  self->stop_had_focus = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GENERATING]);
}

static void
generate_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(OffloadCrunchPage) self = user_data;
  OffloadGenerateJob *job = OFFLOAD_GENERATE_JOB (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup (offload_generate_job_get_path (job));
  g_autofree char *rows = NULL;
  g_autofree char *message = NULL;
  gboolean ok;

  g_application_release (g_application_get_default ());

  ok = offload_generate_job_run_finish (job, result, &error);
  if (self->settings == NULL || job != self->generate_job)
    return;

  g_clear_object (&self->generate_job);
  g_clear_object (&self->generate_cancellable);
  set_generating (self, FALSE);

  /* As the row count was chosen ("1 million"), not "1000000". */
  for (guint i = 0; i < G_N_ELEMENTS (sample_rows) && rows == NULL; i++)
    if (sample_rows[i] == self->generate_rows)
      rows = g_strdup (gtk_string_list_get_string (
        GTK_STRING_LIST (adw_combo_row_get_model (self->rows_row)), i));
  if (rows == NULL)
    rows = format_count (self->generate_rows);
  if (ok)
    {
      offload_crunch_page_set_file (self, path);
      /* Translators: a toast; %s is a number of rows */
      message = g_strdup_printf (_("Generated the sample dataset of %s rows"), rows);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    message = g_strdup (_("Stopped generating the sample dataset"));
  else
    message = g_strdup_printf (_("Could not generate the sample dataset: %s"), error->message);

  show_message (self, message);
}

/**
 * offload_crunch_page_generate_sample:
 * @self: the page
 * @rows: how many rows
 *
 * Has a worker process write the deterministic sample dataset of @rows
 * rows into the cache folder, with a progress bar and a Cancel button,
 * then chooses it.
 */
void
offload_crunch_page_generate_sample (OffloadCrunchPage *self,
                                     guint64            rows)
{
  g_autofree char *path = NULL;

  g_return_if_fail (OFFLOAD_IS_CRUNCH_PAGE (self));
  g_return_if_fail (rows > 0);

  if (self->generate_job != NULL || self->settings == NULL)
    return;

  if (self->running)
    {
      show_message (self, _("The sample dataset can be generated once the crunch has ended"));
      return;
    }

  path = offload_generate_job_default_path (rows);
  self->generate_job = offload_generate_job_new (path, rows, OFFLOAD_SAMPLE_DATA_DEFAULT_SEED);
  self->generate_cancellable = g_cancellable_new ();
  self->generate_rows = rows;
  self->generate_last_text = 0;

  /* Held until the worker has really stopped, even if the window closes. */
  g_application_hold (g_application_get_default ());
  offload_generate_job_run_async (self->generate_job, self->generate_cancellable, generate_cb,
                                  g_object_ref (self));

  set_generating (self, TRUE);
  update_generate_progress (self, TRUE);
}

static void
generate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  OffloadCrunchPage *self = OFFLOAD_CRUNCH_PAGE (widget);
  guint selected = adw_combo_row_get_selected (self->rows_row);

  if (selected >= G_N_ELEMENTS (sample_rows))
    selected = 1;

  offload_crunch_page_generate_sample (self, sample_rows[selected]);
}

static void
cancel_generate_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  OffloadCrunchPage *self = OFFLOAD_CRUNCH_PAGE (widget);

  if (self->generate_cancellable == NULL)
    return;

  /* Stop goes insensitive now, and would drop the focus before the
   * generation ends and gives it back to Generate (set_generating()). */
  self->stop_had_focus = offload_focus_is_in (self->generate_cancel_button);
  g_cancellable_cancel (self->generate_cancellable);
  update_generate_progress (self, TRUE);
  gtk_widget_action_set_enabled (widget, "crunch.cancel-generate", FALSE);
}

/* ---- Progress -------------------------------------------------------- */

static void
ensure_lanes (OffloadCrunchPage *self,
              guint              n_lanes)
{
  if (self->lane_rows->len == n_lanes)
    return;

  clear_lanes (self);
  for (guint i = 0; i < n_lanes; i++)
    {
      GtkWidget *row = offload_crunch_lane_row_new (i + 1);

      gtk_list_box_append (self->lanes_list, row);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (gtk_widget_get_parent (row)), FALSE);
      g_ptr_array_add (self->lane_rows, row);
    }
  gtk_widget_set_visible (self->lanes_scroller, n_lanes > 0);
}

/* Pulls the job's progress and shows it: the bars every time, the words
 * only @with_text, so they can be read. Returns the lanes that still have
 * a worker. */
static guint
update_progress (OffloadCrunchPage *self,
                 gboolean           with_text)
{
  OffloadCrunchProgress progress = { 0 };
  g_autoptr(GPtrArray) parts = NULL;
  g_autofree char *text = NULL;
  guint n_lanes, busy = 0;
  double fraction = -1;
  double seconds;

  if (self->job == NULL)
    return 0;

  offload_crunch_job_get_progress (self->job, &progress);

  n_lanes = offload_crunch_job_get_n_lanes (self->job);
  ensure_lanes (self, n_lanes);
  for (guint i = 0; i < n_lanes; i++)
    {
      OffloadCrunchLane lane = { 0 };

      offload_crunch_job_get_lane (self->job, i, &lane);
      offload_crunch_lane_row_update (g_ptr_array_index (self->lane_rows, i), &lane, with_text);
      busy += lane.state != OFFLOAD_CRUNCH_LANE_IDLE;
    }

  if (progress.bytes_total > 0
      && (progress.phase == OFFLOAD_CRUNCH_PHASE_SAMPLE
          || progress.phase == OFFLOAD_CRUNCH_PHASE_SCAN
          || progress.phase == OFFLOAD_CRUNCH_PHASE_REFINE))
    fraction = CLAMP ((double) progress.bytes_done / (double) progress.bytes_total, 0, 1);

  if (fraction >= 0)
    {
      gtk_progress_bar_set_fraction (self->overall_progress, fraction);
      self->fraction = fraction;
    }
  else if (with_text && self->running && progress.phase != OFFLOAD_CRUNCH_PHASE_DONE)
    gtk_progress_bar_pulse (self->overall_progress);

  /* A new pass is named at once, as its bar starts again from 0. */
  if (progress.pass != self->last_pass)
    with_text = TRUE;

  if (!with_text || !self->running)
    return busy;
  self->last_pass = progress.pass;

  seconds = (g_get_monotonic_time () - self->run_started) / 1e6;
  if (self->cancel_requested != 0 || progress.cancelling)
    {
      if (busy == 0)
        text = g_strdup (_("Cancelling…"));
      else
        /* Translators: while a cancelled crunch waits for its workers to exit */
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Cancelling… waiting for %u worker to exit",
                                             "Cancelling… waiting for %u workers to exit",
                                             busy),
                                busy);
      gtk_label_set_label (self->overall_label, text);
      return busy;
    }

  parts = g_ptr_array_new_with_free_func (g_free);
  if (progress.pass > 0)
    /* Translators: e.g. "Reading, pass 2 of 3"; the phase, then which read of the file */
    g_ptr_array_add (parts, g_strdup_printf (_("%s, pass %u of %u"), phase_label (progress.phase),
                                             progress.pass, progress.passes));
  else
    g_ptr_array_add (parts, g_strdup (phase_label (progress.phase)));

  if (progress.bytes_total > 0)
    {
      g_autofree char *done = g_format_size (progress.bytes_done);
      g_autofree char *total = g_format_size (progress.bytes_total);

      /* Translators: bytes read of the file's size, e.g. "340.2 MB of 1.0 GB" */
      g_ptr_array_add (parts, g_strdup_printf (_("%s of %s"), done, total));
    }

  if (progress.bytes_per_second > 0)
    {
      g_autofree char *speed = g_format_size ((guint64) progress.bytes_per_second);

      /* Translators: a reading speed, e.g. "420.0 MB/s" */
      g_ptr_array_add (parts, g_strdup_printf (_("%s/s"), speed));
    }

  if (progress.rows > 0)
    {
      g_autofree char *rows = format_count (progress.rows);

      g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row", "%s rows",
                                                            progress.rows),
                                               rows));
    }

  if (progress.bytes_per_second > 0 && progress.bytes_total > progress.bytes_done
      && progress.bytes_done > 0)
    g_ptr_array_add (parts,
                     format_seconds_left ((progress.bytes_total - progress.bytes_done)
                                          / progress.bytes_per_second));

  if (progress.retries > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u chunk retried",
                                                          "%u chunks retried", progress.retries),
                                             progress.retries));

  /* Translators: the time since the run began */
  g_ptr_array_add (parts, g_strdup_printf (_("%.1f s"), seconds));

  g_ptr_array_add (parts, NULL);
  /* Translators: what separates the parts of a progress line */
  text = g_strjoinv (_(" · "), (char **) parts->pdata);
  gtk_label_set_label (self->overall_label, text);

  return busy;
}

static gboolean
progress_tick (GtkWidget     *widget,
               GdkFrameClock *frame_clock,
               gpointer       user_data)
{
  OffloadCrunchPage *self = OFFLOAD_CRUNCH_PAGE (widget);
  gint64 now = g_get_monotonic_time ();
  gboolean with_text = now - self->last_text >= TEXT_INTERVAL;

  /* Pull, once a frame: the workers never push into the main loop. */
  if (with_text)
    self->last_text = now;
  update_progress (self, with_text);

  return G_SOURCE_CONTINUE;
}

static void
stop_ticking (OffloadCrunchPage *self)
{
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
}

static void
on_event_toast_dismissed (AdwToast          *toast,
                          OffloadCrunchPage *self)
{
  if (self->event_toast == toast)
    self->event_toast = NULL;
}

static void
on_job_event (OffloadCrunchJob  *job,
              const char        *message,
              OffloadCrunchPage *self)
{
  /* Many chunks may fail at once: one toast shows the latest event, the
   * summary lists them all when the run ends. */
  if (self->event_toast != NULL)
    {
      adw_toast_set_title (self->event_toast, message);
      return;
    }

  self->event_toast = adw_toast_new (message);
  adw_toast_set_timeout (self->event_toast, 6);
  g_signal_connect_object (self->event_toast, "dismissed",
                           G_CALLBACK (on_event_toast_dismissed), self, 0);
  show_toast (self, self->event_toast);
}

/* ---- Results --------------------------------------------------------- */

static const OffloadCrunchColumn *
item_column (gpointer item)
{
  return offload_crunch_column_item_get_column (OFFLOAD_CRUNCH_COLUMN_ITEM (item));
}

static double
column_stat (const OffloadCrunchColumn *column,
             Field                      field)
{
  if (column->type == OFFLOAD_CRUNCH_COLUMN_TEXT)
    return NAN;

  switch (field)
    {
    case FIELD_MEAN:
      return column->mean;
    case FIELD_STD:
      return column->std;
    case FIELD_MIN:
      return column->min;
    case FIELD_P25:
      return column->p25;
    case FIELD_P50:
      return column->p50;
    case FIELD_P75:
      return column->p75;
    case FIELD_MAX:
      return column->max;
    case FIELD_NAME:
    case FIELD_TYPE:
    case FIELD_COUNT:
    case FIELD_MISSING:
    case FIELD_DISTINCT:
    case FIELD_TOP:
    case FIELD_FREQ:
    case N_FIELDS:
    default:
      g_return_val_if_reached (NAN);
    }
}

static char *
cell_text (const OffloadCrunchColumn *column,
           Field                      field)
{
  gboolean text = column->type == OFFLOAD_CRUNCH_COLUMN_TEXT;

  switch (field)
    {
    case FIELD_NAME:
      return offload_printable (column->name);
    case FIELD_TYPE:
      return g_strdup (column_type_label (column->type));
    case FIELD_COUNT:
      return format_count (column->count);
    case FIELD_MISSING:
      return format_count (column->missing);
    case FIELD_MEAN:
    case FIELD_STD:
    case FIELD_MIN:
    case FIELD_P25:
    case FIELD_P50:
    case FIELD_P75:
    case FIELD_MAX:
      /* The deviation is a scale: six digits; the others places, told
       * apart however far from zero they lie, and whole when short. */
      if (text)
        return g_strdup ("");
      {
        double value = column_stat (column, field);

        return format_stat (value, field == FIELD_STD ? offload_number_whole_digits (value, 6, 14)
                                   : offload_crunch_figure_digits (column, value));
      }
    case FIELD_DISTINCT:
      {
        g_autofree char *count = NULL;

        if (!text)
          return g_strdup ("");
        count = format_count (column->distinct);
        /* Translators: an estimated count, e.g. "≈ 12,345" */
        return column->distinct_estimated ? g_strdup_printf (_("≈ %s"), count)
                                          : g_steal_pointer (&count);
      }
    case FIELD_TOP:
      return offload_printable (text && column->top != NULL ? column->top : "");
    case FIELD_FREQ:
      {
        g_autofree char *count = NULL;

        if (!text || column->top == NULL)
          return g_strdup ("");
        count = format_count (column->top_count);
        return column->top_estimated ? g_strdup_printf (_("≈ %s"), count)
                                     : g_steal_pointer (&count);
      }
    case N_FIELDS:
    default:
      g_return_val_if_reached (NULL);
    }
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  Field field = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), fields[field].numeric ? 1.0f : 0.0f);
  if (fields[field].numeric)
    gtk_widget_add_css_class (label, "numeric");
  if (field == FIELD_NAME || field == FIELD_TOP)
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
      gtk_label_set_width_chars (GTK_LABEL (label), field == FIELD_NAME ? 12 : 8);
    }
  if (field == FIELD_TYPE)
    gtk_widget_add_css_class (label, "dim-label");

  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  Field field = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_list_item_get_child (item);
  g_autofree char *text = cell_text (item_column (gtk_list_item_get_item (item)), field);

  gtk_label_set_label (GTK_LABEL (label), text);
  if (field == FIELD_NAME || field == FIELD_TOP)
    offload_tooltip_set_text (label, *text != '\0' ? text : NULL);
}

static int
compare_doubles (double a,
                 double b)
{
  /* Missing (NaN) last, whatever the order asked. */
  if (isnan (a) || isnan (b))
    return isnan (a) - isnan (b);

  return (a > b) - (a < b);
}

static int
compare_counts (guint64 a,
                guint64 b)
{
  return (a > b) - (a < b);
}

static int
compare_columns (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  const OffloadCrunchColumn *x = item_column ((gpointer) a);
  const OffloadCrunchColumn *y = item_column ((gpointer) b);
  Field field = GPOINTER_TO_INT (user_data);
  gboolean x_text = x->type == OFFLOAD_CRUNCH_COLUMN_TEXT;
  gboolean y_text = y->type == OFFLOAD_CRUNCH_COLUMN_TEXT;

  switch (field)
    {
    case FIELD_NAME:
      return g_utf8_collate (x->name, y->name);
    case FIELD_TYPE:
      return (int) x->type - (int) y->type;
    case FIELD_COUNT:
      return compare_counts (x->count, y->count);
    case FIELD_MISSING:
      return compare_counts (x->missing, y->missing);
    case FIELD_MEAN:
    case FIELD_STD:
    case FIELD_MIN:
    case FIELD_P25:
    case FIELD_P50:
    case FIELD_P75:
    case FIELD_MAX:
      return compare_doubles (column_stat (x, field), column_stat (y, field));
    case FIELD_DISTINCT:
      if (!x_text || !y_text)
        return (int) !x_text - (int) !y_text;
      return compare_counts (x->distinct, y->distinct);
    case FIELD_TOP:
      if (!x_text || !y_text || x->top == NULL || y->top == NULL)
        return (int) (!x_text || x->top == NULL) - (int) (!y_text || y->top == NULL);
      return g_utf8_collate (x->top, y->top);
    case FIELD_FREQ:
      if (!x_text || !y_text)
        return (int) !x_text - (int) !y_text;
      return compare_counts (x->top_count, y->top_count);
    case N_FIELDS:
    default:
      g_return_val_if_reached (0);
    }
}

static void
add_table_columns (OffloadCrunchPage *self)
{
  for (guint i = 0; i < N_FIELDS; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;
      GtkSorter *sorter;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (i));

      column = gtk_column_view_column_new (_(fields[i].title), factory);
      sorter = GTK_SORTER (gtk_custom_sorter_new (compare_columns, GINT_TO_POINTER (i), NULL));
      gtk_column_view_column_set_sorter (column, sorter);
      g_object_unref (sorter);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->columns_view, column);
    }
}

static void
show_histogram (OffloadCrunchPage *self)
{
  gpointer item = gtk_single_selection_get_selected_item (self->selection);
  const OffloadCrunchColumn *column;
  g_autofree char *title = NULL;
  g_autofree char *hint = NULL;
  g_autofree char *name = NULL;
  g_autofree char *top = NULL;

  if (item == NULL)
    {
      offload_histogram_view_clear (self->histogram_view);
      gtk_label_set_label (self->histogram_title, _("Histogram"));
      gtk_label_set_label (self->histogram_hint,
                           self->result != NULL && !self->result_numeric
                           ? _("No column of this file holds numbers: there is no histogram "
                               "to draw")
                           : _("Select a numeric column to see its histogram"));
      gtk_stack_set_visible_child_name (self->histogram_stack, "none");
      return;
    }

  column = item_column (item);
  /* A file's own text, written out as the table does: a newline or a
   * mark that turns text right to left would be obeyed. */
  name = offload_printable (column->name);
  top = column->top != NULL ? offload_printable (column->top) : NULL;

  if (column->type == OFFLOAD_CRUNCH_COLUMN_NUMERIC && column->n_bins > 0)
    {
      /* Translators: the title above a column's histogram */
      title = g_strdup_printf (_("Histogram of “%s”"), name);
      gtk_label_set_label (self->histogram_title, title);
      offload_histogram_view_set_data (self->histogram_view, column->n_bins, column->edges,
                                       column->bins);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->histogram_view),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
      gtk_stack_set_visible_child_name (self->histogram_stack, "histogram");
      return;
    }

  /* Translators: the title above a column's details when it has no
   * histogram */
  title = g_strdup_printf (_("Column “%s”"), name);
  gtk_label_set_label (self->histogram_title, title);
  offload_histogram_view_clear (self->histogram_view);
  if (column->type == OFFLOAD_CRUNCH_COLUMN_TEXT && column->top != NULL
      && column->top_estimated)
    {
      g_autofree char *count = format_count (column->top_count);

      /* Past the memory bound, as the table's "≈" says. */
      hint = g_strdup_printf (_("“%s” holds text, which has no histogram. Its most frequent "
                                "value is likely “%s”, about %s times (an estimate: the "
                                "column has too many distinct values to count each)."),
                              name, top, count);
    }
  else if (column->type == OFFLOAD_CRUNCH_COLUMN_TEXT && column->top != NULL)
    {
      g_autofree char *count = format_count (column->top_count);

      hint = g_strdup_printf (_("“%s” holds text, which has no histogram. Its most frequent "
                                "value is “%s”, %s times."),
                              name, top, count);
    }
  else if (column->type == OFFLOAD_CRUNCH_COLUMN_TEXT)
    hint = g_strdup_printf (_("“%s” holds text, which has no histogram."), name);
  else if (column->type == OFFLOAD_CRUNCH_COLUMN_EMPTY)
    hint = g_strdup_printf (_("“%s” has no values: every cell is missing."), name);
  else if (isfinite (column->min) && isfinite (column->max))
    {
      g_autofree char *low = format_stat (column->min, 6);
      g_autofree char *high = format_stat (column->max, 6);

      /* Wider than a double: max - min overflows. */
      hint = g_strdup_printf (_("“%s” spans too wide a range for a histogram: from %s to %s."),
                              name, low, high);
    }
  else
    hint = g_strdup_printf (_("“%s” has no finite values to draw."), name);
  gtk_label_set_label (self->histogram_hint, hint);
  gtk_stack_set_visible_child_name (self->histogram_stack, "none");
}

static char *
format_summary (const OffloadCrunchResult *result)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *rows = format_count (result->rows);
  guint n_columns = result->columns->len;

  g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row", "%s rows",
                                                        result->rows),
                                           rows));
  g_ptr_array_add (parts, g_format_size (result->bytes));
  g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u column",
                                                        "%u columns", n_columns),
                                           n_columns));
  g_ptr_array_add (parts, g_strdup_printf (_("%.1f s"), result->seconds));
  if (result->workers == 0)
    g_ptr_array_add (parts, g_strdup (_("on the main thread")));
  else
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u worker",
                                                          "%u workers", result->workers),
                                             result->workers));
  g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u pass",
                                                        "%u passes", result->passes),
                                           result->passes));
  if (result->ragged_rows > 0)
    {
      g_autofree char *ragged = format_count (result->ragged_rows);
      g_autofree char *first = format_count (result->first_ragged_row);

      /* Translators: records with more or fewer fields than the header;
       * then where the first of them is, the header being row 1 */
      g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%s ragged row (row %s, counting "
                                                            "the header)",
                                                            "%s ragged rows (the first is row "
                                                            "%s, counting the header)",
                                                            result->ragged_rows),
                                               ragged, first));
    }

  g_ptr_array_add (parts, NULL);
  return g_strjoinv (_(" · "), (char **) parts->pdata);
}

/* The first numeric column's histogram, without a click, once one is
 * listed; not when the user has chosen a column already. The selection's
 * notify draws it. */
static void
select_first_numeric (OffloadCrunchPage *self)
{
  GListModel *sorted = gtk_single_selection_get_model (self->selection);
  guint n = g_list_model_get_n_items (sorted);

  if (!self->numeric_listed
      || gtk_single_selection_get_selected (self->selection) != GTK_INVALID_LIST_POSITION)
    return;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (sorted, i);

      if (item_column (item)->type == OFFLOAD_CRUNCH_COLUMN_NUMERIC)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return;
        }
    }
}

/* The next rows of self->result into the table. */
static gboolean
list_more_columns (OffloadCrunchPage *self)
{
  OffloadCrunchResult *result = self->result;
  guint n = MIN (TABLE_ROWS_PER_FRAME, result->columns->len - self->result_listed);
  g_autoptr(GPtrArray) items = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      const OffloadCrunchColumn *column = g_ptr_array_index (result->columns,
                                                             self->result_listed + i);

      /* The table is looked through only once a numeric column is in it:
       * not at every frame of a file of thousands of text columns. */
      self->numeric_listed |= column->type == OFFLOAD_CRUNCH_COLUMN_NUMERIC;
      g_ptr_array_add (items, offload_crunch_column_item_new (result, self->result_listed + i));
    }
  g_list_store_splice (self->columns, self->result_listed, 0, items->pdata, n);
  self->result_listed += n;
  select_first_numeric (self);

  return self->result_listed < result->columns->len;
}

/* The table's columns of numbers' statistics only when a column of the
 * file has numbers, those of text only when one has text: a file of
 * numbers had three empty columns at its right, and one of text showed
 * seven empty ones before the three it needed (out of sight). */
static void
show_table_columns (OffloadCrunchPage *self)
{
  GListModel *view_columns = gtk_column_view_get_columns (self->columns_view);
  gboolean numeric = FALSE;
  gboolean text = FALSE;

  for (guint i = 0; i < self->result->columns->len; i++)
    {
      const OffloadCrunchColumn *column = g_ptr_array_index (self->result->columns, i);

      numeric |= column->type == OFFLOAD_CRUNCH_COLUMN_NUMERIC;
      text |= column->type == OFFLOAD_CRUNCH_COLUMN_TEXT;
    }
  self->result_numeric = numeric;
  for (guint i = 0; i < N_FIELDS; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (view_columns, i);

      if (i >= FIELD_MEAN && i <= FIELD_MAX)
        gtk_column_view_column_set_visible (column, numeric);
      else if (i >= FIELD_DISTINCT && i <= FIELD_FREQ)
        gtk_column_view_column_set_visible (column, text);
    }
  /* Not sorted by a column out of sight, whose header no click reaches.
   * GTK 4.8 does not say which column sorts (a click on another header
   * sorts by that one, there). */
#if GTK_CHECK_VERSION (4, 10, 0)
  {
    GtkSorter *sorter = gtk_column_view_get_sorter (self->columns_view);
    GtkColumnViewColumn *sorted_by =
      gtk_column_view_sorter_get_primary_sort_column (GTK_COLUMN_VIEW_SORTER (sorter));

    if (sorted_by != NULL && !gtk_column_view_column_get_visible (sorted_by))
      gtk_column_view_sort_by_column (self->columns_view, NULL, GTK_SORT_ASCENDING);
  }
#endif
}

/* Fills the table (its first rows) and the histogram with self->result. */
static void
show_result (OffloadCrunchPage *self)
{
  OffloadCrunchResult *result = self->result;
  g_autofree char *summary = format_summary (result);

  /* What is left of the last table, if it has not all gone yet. */
  empty_table_now (self);
  show_table_columns (self);
  self->result_listed = 0;
  self->numeric_listed = FALSE;
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  show_histogram (self);
  list_more_columns (self);

  gtk_label_set_label (self->summary_label, summary);

  if (result->events != NULL && result->events->len > 0)
    {
      g_autoptr(GString) events = g_string_new (NULL);

      for (guint i = 0; i < result->events->len; i++)
        {
          if (i > 0)
            g_string_append_c (events, '\n');
          g_string_append (events, g_ptr_array_index (result->events, i));
        }
      gtk_label_set_label (self->events_label, events->str);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->events_label),
                          result->events != NULL && result->events->len > 0);

  gtk_stack_set_visible_child_name (self->results_stack, "results");
}

/* A table of a hundred new cells, their text, its layout and a redraw
 * cost one frame 30-45 ms under a software renderer; with the frame that
 * says the run has ended, the main loop was held 45-55 ms. So the table
 * waits for the frame after that one, and the main loop breathes between
 * the two; its rows then come TABLE_ROWS_PER_FRAME a frame. */
static gboolean
show_result_tick (GtkWidget     *widget,
                  GdkFrameClock *clock,
                  gpointer       user_data)
{
  OffloadCrunchPage *self = OFFLOAD_CRUNCH_PAGE (widget);

  if (self->result_frames++ == 0)
    return G_SOURCE_CONTINUE;
  if (self->result == NULL)
    return G_SOURCE_REMOVE;
  if (self->result_frames == 2)
    {
      show_result (self);
      return self->result_listed < self->result->columns->len ? G_SOURCE_CONTINUE
                                                              : G_SOURCE_REMOVE;
    }
  /* Then a few more rows a frame, for a file of many columns. */
  return list_more_columns (self) ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* Also when the page is unrealized first, with its window. */
static void
show_result_tick_removed (gpointer data)
{
  OffloadCrunchPage *self = data;

  self->result_tick = 0;
}

static void
show_result_soon (OffloadCrunchPage *self)
{
  self->result_frames = 0;
  if (self->result_tick == 0)
    self->result_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), show_result_tick,
                                                      self, show_result_tick_removed);
}

/* ---- Copy and export ------------------------------------------------- */

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  OffloadCrunchPage *self = OFFLOAD_CRUNCH_PAGE (widget);
  g_autofree char *csv = NULL;
  g_autofree char *message = NULL;
  guint n;

  if (self->result == NULL)
    return;

  csv = offload_crunch_result_to_csv (self->result);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), csv);

  n = self->result->columns->len;
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Copied the statistics of %u column as CSV",
                                          "Copied the statistics of %u columns as CSV", n),
                             n);
  show_message (self, message);
}

static void
export_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(OffloadCrunchPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_parse_name (G_FILE (object));
  g_autofree char *basename = g_file_get_basename (G_FILE (object));
  g_autofree char *display = g_filename_display_name (basename);
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    message = g_strdup_printf (_("Could not save “%s”: %s"), name, error->message);
  else
    /* Translators: a toast; %s is a file name */
    message = g_strdup_printf (_("Saved the statistics to “%s”"), display);

  if (self->settings != NULL)
    show_message (self, message);
}

/**
 * offload_crunch_page_export:
 * @self: the page
 * @file: where to save the statistics: as JSON if its name ends in
 *   ".json", as CSV otherwise
 *
 * Saves the last result, atomically (a crash never leaves half a file),
 * in the background. A toast tells how it went.
 */
void
offload_crunch_page_export (OffloadCrunchPage *self,
                            GFile             *file)
{
  g_autofree char *basename = NULL;
  g_autofree char *lower = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (OFFLOAD_IS_CRUNCH_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->result == NULL)
    return;

  basename = g_file_get_basename (file);
  lower = g_ascii_strdown (basename != NULL ? basename : "", -1);
  if (g_str_has_suffix (lower, ".json"))
    {
      g_autoptr(JsonNode) node = offload_crunch_result_to_json (self->result);
      char *data = offload_json_to_display_string (node, TRUE);

      bytes = g_bytes_new_take (data, strlen (data));
    }
  else
    {
      char *csv = offload_crunch_result_to_csv (self->result);

      bytes = g_bytes_new_take (csv, strlen (csv));
    }

  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                       G_FILE_CREATE_REPLACE_DESTINATION, NULL, export_cb,
                                       g_object_ref (self));
}

static char *
export_suggested_name (OffloadCrunchPage *self)
{
  g_autofree char *basename = g_path_get_basename (self->result->path != NULL
                                                   ? self->result->path : "data.csv");
  char *dot = strrchr (basename, '.');

  if (dot != NULL && dot != basename)
    *dot = '\0';

  /* Translators: the suggested name of exported statistics; %s is the
   * CSV file's name without its extension */
  return g_strdup_printf (_("%s-statistics.csv"), basename);
}

static void
export_chosen_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(OffloadCrunchPage) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  file = offload_file_chooser_finish (result, &error);
  if (self->settings == NULL)
    return;
  if (file != NULL)
    offload_crunch_page_export (self, file);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_message (self, error->message);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  OffloadCrunchPage *self = OFFLOAD_CRUNCH_PAGE (widget);
  g_autoptr(GListStore) filters = NULL;
  g_autoptr(GtkFileFilter) csv = NULL;
  g_autoptr(GtkFileFilter) json = NULL;
  g_autofree char *name = NULL;

  if (self->result == NULL || !gtk_widget_get_mapped (widget))
    return;

  filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  csv = csv_filter_new ();
  json = json_filter_new ();
  g_list_store_append (filters, csv);
  g_list_store_append (filters, json);
  name = export_suggested_name (self);
  offload_file_chooser_save_async (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   _("Export Statistics"), _("_Save"), G_LIST_MODEL (filters),
                                   name, export_chosen_cb, g_object_ref (self));
}

/* ---- Running --------------------------------------------------------- */

static void
update_actions (OffloadCrunchPage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean generating = self->generate_job != NULL;
  gboolean busy = self->running || generating;
  gboolean focused = offload_focus_is_in (GTK_WIDGET (self->button_stack));

  /* Enabled during a run too: its button is hidden then, and its
   * shortcut says why nothing starts (start_action()). */
  gtk_widget_action_set_enabled (widget, "crunch.start", !generating && self->file != NULL);
  gtk_widget_action_set_enabled (widget, "crunch.cancel",
                                 (self->running && !self->blocking_run) || generating);
  gtk_widget_action_set_enabled (widget, "crunch.open", !busy);
  gtk_widget_action_set_enabled (widget, "crunch.generate", !busy);
  gtk_widget_action_set_enabled (widget, "crunch.cancel-generate",
                                 generating && !g_cancellable_is_cancelled (
                                   self->generate_cancellable));
  gtk_widget_action_set_enabled (widget, "crunch.copy", self->result != NULL);
  gtk_widget_action_set_enabled (widget, "crunch.export", self->result != NULL);
  offload_stack_show (self->button_stack, self->running ? "cancel" : "start", focused);
}

static void
set_running (OffloadCrunchPage *self,
             gboolean           running)
{
  if (self->running == running)
    return;

  self->running = running;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
show_error (OffloadCrunchPage *self,
            const GError      *error)
{
  const char *details = offload_crunch_job_get_error_details (self->job);
  g_autofree char *name = file_display_name (offload_crunch_job_get_path (self->job));
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;

  if (g_error_matches (error, OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_TIME_LIMIT))
    {
      title = g_strdup (_("Stopped at the time limit of the blocking mode"));
      text = g_strdup (_("The window stays frozen for at most 4.5 s. Turn off “Run on the Main "
                         "Thread” to crunch in worker processes, or allow longer freezes."));
    }
  else
    {
      /* Translators: %s is a file name */
      title = g_strdup_printf (_("Could not crunch “%s”"), name);
      text = g_strdup (error->message);
    }

  gtk_label_set_label (self->error_title, title);
  gtk_label_set_label (self->error_label, text);
  gtk_label_set_label (self->details_label, details != NULL ? details : "");
  gtk_widget_set_visible (GTK_WIDGET (self->details_expander), details != NULL);
  gtk_widget_set_visible (self->error_box, TRUE);
}

/* The run has ended, one way or another: say how. */
static void
finish_run (OffloadCrunchPage   *self,
            OffloadCrunchResult *result,
            const GError        *error)
{
  g_autofree char *name = file_display_name (offload_crunch_job_get_path (self->job));
  g_autofree char *text = NULL;
  g_autofree char *toast = NULL;
  double seconds;
  guint busy;

  self->run_ended = g_get_monotonic_time ();
  seconds = (self->run_ended - self->run_started) / 1e6;
  stop_ticking (self);
  g_clear_object (&self->cancellable);

  /* One last pull: the lanes as the job left them. */
  busy = update_progress (self, TRUE);
  set_running (self, FALSE);

  if (result != NULL)
    {
      gtk_progress_bar_set_fraction (self->overall_progress, 1.0);
      if (self->blocking_run)
        /* Translators: %s is a file name */
        text = g_strdup_printf (_("Crunched “%s” on the main thread in %.1f s, all of it "
                                  "frozen"),
                                name, result->seconds);
      else
        /* Translators: %s is a file name */
        text = g_strdup_printf (_("Crunched “%s” in %.1f s"), name, result->seconds);
      toast = g_strdup (text);
      /* The lanes have done their part; the table needs the room. */
      clear_lanes (self);
      g_clear_pointer (&self->result, offload_crunch_result_unref);
      self->result = offload_crunch_result_ref (result);
      show_result_soon (self);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      double stop_ms = offload_crunch_job_get_stop_duration (self->job) / 1000.0;

      if (busy == 0)
        /* Translators: when a cancelled crunch has really stopped */
        text = g_strdup_printf (_("Cancelled after %.1f s · stopped in %.0f ms, no worker "
                                  "left"),
                                seconds, stop_ms);
      else
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Cancelled after %.1f s · %u worker still "
                                             "stopping",
                                             "Cancelled after %.1f s · %u workers still "
                                             "stopping",
                                             busy),
                                seconds, busy);
      /* No toast: the user has just asked for it, the line above says
       * it, and a toast would take the first Escape meant to cancel a
       * run started again at once. */
      gtk_label_set_label (self->no_results_label,
                           _("No statistics: the run was cancelled before it ended"));
    }
  else if (g_error_matches (error, OFFLOAD_CRUNCH_ERROR, OFFLOAD_CRUNCH_ERROR_TIME_LIMIT))
    {
      /* Translators: the progress line of a crunch on the main thread
       * that reached its time limit */
      text = g_strdup_printf (_("Stopped at the time limit after %.1f s"), seconds);
      show_error (self, error);
      gtk_label_set_label (self->no_results_label,
                           _("No statistics: the run stopped at the time limit"));
      toast = g_strdup (_("Stopped at the time limit of the blocking mode"));
    }
  else
    {
      /* Translators: the progress line of a failed crunch */
      text = g_strdup_printf (_("Failed after %.1f s"), seconds);
      show_error (self, error);
      gtk_label_set_label (self->no_results_label, _("No statistics: the run failed"));
      /* Translators: a toast; %s is a file name */
      toast = g_strdup_printf (_("Could not crunch “%s”"), name);
    }

  /* A run that stopped shows how far it got, not the pulse of its end. */
  if (result == NULL)
    gtk_progress_bar_set_fraction (self->overall_progress, self->fraction);

  gtk_label_set_label (self->overall_label, text);
  update_actions (self);
  /* The file may have changed meanwhile (the job may say so): its size
   * as it is now. */
  read_file_size (self);
  if (toast != NULL)
    show_message (self, toast);
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(OffloadCrunchPage) self = user_data;
  g_autoptr(OffloadCrunchResult) crunch = NULL;
  g_autoptr(GError) error = NULL;

  g_application_release (g_application_get_default ());

  crunch = offload_crunch_job_run_finish (OFFLOAD_CRUNCH_JOB (object), result, &error);

  /* The window closed, or another file was chosen, while it stopped. */
  if (self->settings == NULL || OFFLOAD_CRUNCH_JOB (object) != self->job)
    return;

  finish_run (self, crunch, error);
}

static gboolean
settled (gpointer user_data)
{
  OffloadCrunchPage *self = user_data;

  self->settling = FALSE;
  return G_SOURCE_REMOVE;
}

static gboolean
run_blocking_idle (gpointer user_data)
{
  OffloadCrunchPage *self = user_data;
  g_autoptr(OffloadCrunchResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OffloadCrunchJob) job = NULL;
  gint64 deadline;

  if (self->settings == NULL || self->job == NULL)   /* closed before the run began */
    return G_SOURCE_REMOVE;

  job = g_object_ref (self->job);
  /* 0: no deadline, for those who allowed long freezes. */
  deadline = gtk_switch_get_active (self->long_switch)
             ? 0 : g_get_monotonic_time () + BLOCKING_BUDGET;

  /* Deliberately on the main thread: the labelled contrast mode. */
  result = offload_crunch_job_run_blocking (job, deadline, &error);

  if (self->settings != NULL && job == self->job)
    finish_run (self, result, error);

  /* Keys pressed during the freeze arrive now: Ctrl+Return again would
   * start a second freeze. GTK hands them out at the start of the next
   * frame; they are ignored until it has been drawn. */
  self->settling = TRUE;
  offload_run_after_paint (GTK_WIDGET (self), settled, self);

  return G_SOURCE_REMOVE;
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  OffloadCrunchPage *self = OFFLOAD_CRUNCH_PAGE (widget);
  guint workers, bins;
  gboolean from_ready;

  if (self->settling || self->generate_job != NULL || !gtk_widget_get_mapped (widget))
    return;
  /* Ctrl+Return while the workers stop: said, not ignored. */
  if (self->running)
    {
      if (self->cancel_requested != 0)
        show_message (self, _("The last run is still stopping: start again once it has"));
      return;
    }

  if (self->file == NULL)
    {
      show_message (self, _("Choose a CSV file or generate a sample dataset first"));
      return;
    }

  forget_job (self);

  workers = (guint) gtk_spin_button_get_value_as_int (self->workers_spin);
  bins = (guint) gtk_spin_button_get_value_as_int (self->bins_spin);
  self->job = offload_crunch_job_new (self->file);
  offload_crunch_job_set_workers (self->job, CLAMP (workers, 1, MAX_WORKERS));
  offload_crunch_job_set_bins (self->job, CLAMP (bins, 5, 200));
  g_signal_connect_object (self->job, "event", G_CALLBACK (on_job_event), self, 0);

  self->run_started = g_get_monotonic_time ();
  self->run_ended = 0;
  self->cancel_requested = 0;
  self->last_text = 0;
  self->last_pass = 0;
  self->blocking_run = gtk_switch_get_active (self->blocking_switch);

  gtk_progress_bar_set_fraction (self->overall_progress, 0);
  self->fraction = 0;
  /* Started from the ready page's own Start: the page goes, and the focus
   * with it, to the window's first widget (the Fetch tab, which the
   * next Space or Return then opened). It goes to Cancel instead. */
  from_ready = offload_focus_is_in (GTK_WIDGET (self->ready_page));
  update_content (self);
  set_running (self, TRUE);
  if (from_ready && !self->blocking_run)
    gtk_widget_grab_focus (gtk_stack_get_visible_child (self->button_stack));

  if (self->blocking_run)
    {
      gtk_label_set_label (self->overall_label,
                           _("Running on the main thread: the window does not respond "
                             "until it ends…"));
      /* After the "frozen" label is on screen. */
      offload_run_after_paint (widget, run_blocking_idle, self);
      return;
    }

  /* Held until the run has really ended, so closing the last window lets
   * the workers be stopped and reaped before the app exits. */
  g_application_hold (g_application_get_default ());
  self->cancellable = g_cancellable_new ();
  offload_crunch_job_run_async (self->job, self->cancellable, run_cb, g_object_ref (self));
  self->tick_id = gtk_widget_add_tick_callback (widget, progress_tick, NULL, NULL);
  update_progress (self, TRUE);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  OffloadCrunchPage *self = OFFLOAD_CRUNCH_PAGE (widget);

  if (!self->running)
    {
      /* Escape also stops the sample dataset being written. */
      if (self->generate_cancellable != NULL)
        cancel_generate_action (widget, NULL, NULL);
      return;
    }

  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;

  /* "Cancelling…" stays until every worker has really exited. */
  cancel_run (self);
  self->last_text = 0;
  update_progress (self, TRUE);
}

/* ---- Settings -------------------------------------------------------- */

static guint
default_workers (void)
{
  return CLAMP (g_get_num_processors (), 1, MAX_WORKERS);
}

static gboolean
workers_get_mapping (GValue   *value,
                     GVariant *variant,
                     gpointer  user_data)
{
  guint workers = g_variant_get_uint32 (variant);

  /* 0: one a core. */
  g_value_set_double (value, workers == 0 ? default_workers () : MIN (workers, MAX_WORKERS));
  return TRUE;
}

static GVariant *
workers_set_mapping (const GValue       *value,
                     const GVariantType *expected_type,
                     gpointer            user_data)
{
  return g_variant_new_uint32 ((guint32) CLAMP (g_value_get_double (value), 1, MAX_WORKERS));
}

static gboolean
rows_get_mapping (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  guint32 rows = g_variant_get_uint32 (variant);
  guint selected = 0;

  /* The choice nearest to the setting. */
  for (guint i = 0; i < G_N_ELEMENTS (sample_rows); i++)
    if (rows >= sample_rows[i])
      selected = i;

  g_value_set_uint (value, selected);
  return TRUE;
}

static GVariant *
rows_set_mapping (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected >= G_N_ELEMENTS (sample_rows))
    return NULL;

  return g_variant_new_uint32 ((guint32) sample_rows[selected]);
}

/* ---- Life cycle ------------------------------------------------------ */

/* Closing the window stops the workers: nothing runs on unseen. The
 * page leaves its window then, but is not disposed while a run's
 * callback still holds it, so this cannot wait for dispose. */
static void
stop_all_work (OffloadCrunchPage *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->generate_cancellable != NULL)
    g_cancellable_cancel (self->generate_cancellable);
  if (self->info_cancellable != NULL)
    g_cancellable_cancel (self->info_cancellable);
}

/* The control a user most likely wants first: Start or Choose on the
 * ready and empty pages, otherwise the sidebar's Start (or Cancel). */
static gboolean
offload_crunch_page_grab_focus (GtkWidget *widget)
{
  OffloadCrunchPage *self = OFFLOAD_CRUNCH_PAGE (widget);
  GtkWidget *shown = gtk_stack_get_visible_child (self->content_stack);

  /* Already there: kept, not moved on to the next button. */
  if (offload_focus_is_in (shown))
    return TRUE;
  if (shown == GTK_WIDGET (self->ready_page) || shown == GTK_WIDGET (self->empty_page))
    return gtk_widget_child_focus (shown, GTK_DIR_TAB_FORWARD);
  return gtk_widget_grab_focus (gtk_stack_get_visible_child (self->button_stack));
}

static void
offload_crunch_page_unroot (GtkWidget *widget)
{
  stop_all_work (OFFLOAD_CRUNCH_PAGE (widget));

  GTK_WIDGET_CLASS (offload_crunch_page_parent_class)->unroot (widget);
}

static void
offload_crunch_page_dispose (GObject *object)
{
  OffloadCrunchPage *self = (OffloadCrunchPage *)object;

  stop_all_work (self);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->generate_cancellable);
  g_clear_object (&self->info_cancellable);

  stop_ticking (self);
  if (self->empty_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->empty_tick);
      self->empty_tick = 0;
    }
  if (self->generate_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->generate_tick_id);
      self->generate_tick_id = 0;
    }

  /* A cancelled job still ends later: not to us any more. */
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  g_clear_object (&self->generate_job);
  g_clear_pointer (&self->result, offload_crunch_result_unref);
  g_clear_object (&self->selection);
  g_clear_object (&self->columns);
  g_clear_object (&self->settings);
  self->event_toast = NULL;

  gtk_widget_dispose_template (GTK_WIDGET (self), OFFLOAD_TYPE_CRUNCH_PAGE);

  G_OBJECT_CLASS (offload_crunch_page_parent_class)->dispose (object);
}

static void
offload_crunch_page_finalize (GObject *object)
{
  OffloadCrunchPage *self = (OffloadCrunchPage *)object;

  g_clear_pointer (&self->file, g_free);
  g_clear_pointer (&self->file_problem, g_free);
  g_clear_pointer (&self->lane_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (offload_crunch_page_parent_class)->finalize (object);
}

static void
offload_crunch_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  OffloadCrunchPage *self = OFFLOAD_CRUNCH_PAGE (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_string (value, self->file);
      break;

    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;

    case PROP_GENERATING:
      g_value_set_boolean (value, self->generate_job != NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
offload_crunch_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  OffloadCrunchPage *self = OFFLOAD_CRUNCH_PAGE (object);

  switch (prop_id)
    {
    case PROP_FILE:
      offload_crunch_page_set_file (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
offload_crunch_page_class_init (OffloadCrunchPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = offload_crunch_page_dispose;
  object_class->finalize = offload_crunch_page_finalize;
  object_class->get_property = offload_crunch_page_get_property;
  object_class->set_property = offload_crunch_page_set_property;

  widget_class->grab_focus = offload_crunch_page_grab_focus;
  widget_class->unroot = offload_crunch_page_unroot;

  /**
   * OffloadCrunchPage:file:
   *
   * The CSV file to crunch.
   */
  properties[PROP_FILE] =
    g_param_spec_string ("file", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OffloadCrunchPage:running:
   *
   * Whether a crunch runs (or is stopping).
   */
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OffloadCrunchPage:generating:
   *
   * Whether the sample dataset is being written (or is stopping).
   */
  properties[PROP_GENERATING] =
    g_param_spec_boolean ("generating", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (OFFLOAD_TYPE_HISTOGRAM_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/offload-crunch-page.ui");
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, paned);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, file_row);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, rows_row);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, generate_box);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, generate_button);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, generate_cancel_button);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, generate_label);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, generate_progress);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, workers_row);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, workers_spin);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, bins_spin);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, blocking_switch);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, long_switch);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, button_stack);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, ready_page);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, overall_label);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, overall_progress);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, lanes_scroller);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, lanes_list);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, error_box);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, error_title);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, details_expander);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, details_label);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, results_stack);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, table_scroller);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, no_results_label);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, events_label);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, columns_view);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, histogram_title);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, histogram_stack);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, histogram_hint);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchPage, histogram_view);

  gtk_widget_class_install_action (widget_class, "crunch.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "crunch.generate", NULL, generate_action);
  gtk_widget_class_install_action (widget_class, "crunch.cancel-generate", NULL,
                                   cancel_generate_action);
  gtk_widget_class_install_action (widget_class, "crunch.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "crunch.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "crunch.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "crunch.export", NULL, export_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
add_shortcuts (OffloadCrunchPage *self)
{
  static const struct {
    const char *trigger;
    const char *action;
  } shortcuts[] = {
    { "<Control>Return|<Control>KP_Enter", "crunch.start" },
    { "Escape", "crunch.cancel" },
    { "<Control>o", "crunch.open" },
    { "<Control>s", "crunch.export" },
  };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  /* Managed by the window, so they work wherever the focus is on this page;
   * GTK skips them while another page is shown (this one is unmapped). */
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller),
                                     GTK_SHORTCUT_SCOPE_MANAGED);
  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_shortcut_trigger_parse_string (
                                                              shortcuts[i].trigger),
                                                            gtk_named_action_new (
                                                              shortcuts[i].action)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
offload_crunch_page_init (OffloadCrunchPage *self)
{
  g_autoptr(GtkSortListModel) sorted = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  add_shortcuts (self);
  {
    GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);

    g_signal_connect_object (drop, "drop", G_CALLBACK (on_drop), self, 0);
    gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  }

  self->lane_rows = g_ptr_array_new ();
  self->settings = g_settings_new (APP_ID);

  g_settings_bind_with_mapping (self->settings, "crunch-workers",
                                gtk_spin_button_get_adjustment (self->workers_spin), "value",
                                G_SETTINGS_BIND_DEFAULT, workers_get_mapping, workers_set_mapping,
                                NULL, NULL);
  g_settings_bind (self->settings, "crunch-bins",
                   gtk_spin_button_get_adjustment (self->bins_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "crunch-blocking", self->blocking_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "blocking-allow-long", self->long_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "crunch-sample-rows", self->rows_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, rows_get_mapping, rows_set_mapping,
                                NULL, NULL);

  /* Workers do not take part in a run on the main thread. */
  g_object_bind_property (self->blocking_switch, "active", self->workers_row, "sensitive",
                          G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);
  g_signal_connect_object (self->blocking_switch, "notify::active",
                           G_CALLBACK (update_ready_page), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_spin_button_get_adjustment (self->workers_spin), "value-changed",
                           G_CALLBACK (update_ready_page), self, G_CONNECT_SWAPPED);

  /* The table: sorted by the column view's sorter, one row selected. */
  add_table_columns (self);
  self->columns = g_list_store_new (OFFLOAD_TYPE_CRUNCH_COLUMN_ITEM);
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->columns)),
                                    g_object_ref (gtk_column_view_get_sorter (self->columns_view)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_steal_pointer (&sorted)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (show_histogram), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->columns_view, GTK_SELECTION_MODEL (self->selection));

  clear_lanes (self);
  update_file_row (self);
  update_content (self);
  update_actions (self);
}

GtkWidget *
offload_crunch_page_new (void)
{
  return g_object_new (OFFLOAD_TYPE_CRUNCH_PAGE, NULL);
}

/**
 * offload_crunch_page_get_running:
 * @self: the page
 *
 * Returns: whether a crunch runs, or is still stopping
 */
gboolean
offload_crunch_page_get_running (OffloadCrunchPage *self)
{
  g_return_val_if_fail (OFFLOAD_IS_CRUNCH_PAGE (self), FALSE);

  return self->running;
}

/**
 * offload_crunch_page_get_generating:
 * @self: the page
 *
 * Returns: whether the sample dataset is being written, or is stopping
 */
gboolean
offload_crunch_page_get_generating (OffloadCrunchPage *self)
{
  g_return_val_if_fail (OFFLOAD_IS_CRUNCH_PAGE (self), FALSE);

  return self->generate_job != NULL;
}

/**
 * offload_crunch_page_get_job:
 * @self: the page
 *
 * Returns: (transfer none) (nullable): the job of the last run on the
 *   chosen file, kept after it ends
 */
OffloadCrunchJob *
offload_crunch_page_get_job (OffloadCrunchPage *self)
{
  g_return_val_if_fail (OFFLOAD_IS_CRUNCH_PAGE (self), NULL);

  return self->job;
}

/**
 * offload_crunch_page_get_result:
 * @self: the page
 *
 * Returns: (transfer none) (nullable): the statistics of the last run, if
 *   it succeeded
 */
OffloadCrunchResult *
offload_crunch_page_get_result (OffloadCrunchPage *self)
{
  g_return_val_if_fail (OFFLOAD_IS_CRUNCH_PAGE (self), NULL);

  return self->result;
}

/**
 * offload_crunch_page_get_toast_overlay:
 * @self: the page
 *
 * Returns: (transfer none): the overlay over the page's results, where
 *   the window shows toasts while the page is on screen
 */
AdwToastOverlay *
offload_crunch_page_get_toast_overlay (OffloadCrunchPage *self)
{
  g_return_val_if_fail (OFFLOAD_IS_CRUNCH_PAGE (self), NULL);

  return self->toast_overlay;
}
