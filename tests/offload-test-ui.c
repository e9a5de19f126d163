/* offload-test-ui.c: the real window, for UI tests under Xvfb
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "offload-test-ui.h"

static OffloadApplication *app;

/**
 * offload_test_ui_init:
 * @argc: main's
 * @argv: main's
 *
 * g_test_init(), then the real application with its window, in English,
 * with settings in memory. Add the tests after this, then call
 * offload_test_ui_run().
 */
void
offload_test_ui_init (int    *argc,
                      char ***argv)
{
  g_autoptr(GError) error = NULL;

  /* The strings the tests read are the English ones. */
  g_setenv ("LANGUAGE", "C", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  g_test_init (argc, argv, NULL);

  app = offload_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) | G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("could not register the application: %s", error->message);
  g_application_activate (G_APPLICATION (app));
}

static gboolean
no_windows (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (app)) == NULL;
}

/**
 * offload_test_ui_run:
 *
 * Runs the tests, then quits the application the way a user does.
 *
 * Returns: g_test_run()'s result
 */
int
offload_test_ui_run (void)
{
  int ret = g_test_run ();

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  offload_test_wait_for (no_windows, NULL, "the window to close");
  g_clear_object (&app);

  return ret;
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/**
 * offload_test_ui_close_window:
 * @watched: (transfer none): an object of the window, a page say
 *
 * Closes the window as its close button does, waits until @watched is
 * finalized (whatever work held it has ended), then opens a new window for
 * the tests after, as activating the application again does.
 */
void
offload_test_ui_close_window (GObject *watched)
{
  gpointer alive = watched;

  g_object_add_weak_pointer (watched, &alive);
  gtk_window_close (GTK_WINDOW (offload_test_ui_window ()));
  offload_test_wait_for (is_null, &alive, "the closed window's page to be let go");
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));

  g_application_activate (G_APPLICATION (app));
}

static gboolean
is_icon_only (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget))
    return gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)) == NULL
           && gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (widget)) != NULL;
  if (GTK_IS_BUTTON (widget) && !GTK_IS_MENU_BUTTON (gtk_widget_get_parent (widget)))
    return gtk_button_get_label (GTK_BUTTON (widget)) == NULL
           && gtk_button_get_icon_name (GTK_BUTTON (widget)) != NULL;
  return FALSE;
}

/**
 * offload_test_assert_icon_buttons_labelled:
 * @root: where to look
 *
 * A button that shows only an icon says what it does to a screen reader
 * too: a tooltip alone does not, on GTK 4.8. GTK's and libadwaita's own
 * buttons (window controls, spin buttons, a toast's close button) are
 * theirs to label.
 */
void
offload_test_assert_icon_buttons_labelled (GtkWidget *root)
{
  const char *type_name = G_OBJECT_TYPE_NAME (root);

  if (!g_str_has_prefix (type_name, "Offload") && !g_str_has_prefix (type_name, "Gtk")
      && !g_str_has_prefix (type_name, "Adw"))
    return;
  if (GTK_IS_WINDOW_CONTROLS (root) || GTK_IS_SPIN_BUTTON (root)
      || g_str_equal (type_name, "AdwToastWidget"))
    return;

  if (is_icon_only (root) && !gtk_test_accessible_has_property (GTK_ACCESSIBLE (root),
                                                                GTK_ACCESSIBLE_PROPERTY_LABEL))
    g_error ("the icon-only %s “%s” (%s) has no accessible label", type_name,
             gtk_buildable_get_buildable_id (GTK_BUILDABLE (root)),
             GTK_IS_BUTTON (root) ? gtk_button_get_icon_name (GTK_BUTTON (root))
                                  : gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (root)));

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    offload_test_assert_icon_buttons_labelled (child);
}

OffloadWindow *
offload_test_ui_window (void)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_nonnull (window);
  g_assert_true (OFFLOAD_IS_WINDOW (window));
  return OFFLOAD_WINDOW (window);
}

/**
 * offload_test_find:
 * @root: where to look
 * @id: a template id
 * @type: the widget's type
 *
 * Template ids are not unique across templates (libadwaita's widgets have
 * their own "stack"), so the type must match too.
 *
 * Returns: (transfer none) (nullable): the widget
 */
GtkWidget *
offload_test_find (GtkWidget  *root,
                   const char *id,
                   GType       type)
{
  if (g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (root)), id) == 0
      && g_type_is_a (G_OBJECT_TYPE (root), type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = offload_test_find (child, id, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
collect (GtkWidget *root,
         GType      type,
         GPtrArray *found)
{
  if (g_type_is_a (G_OBJECT_TYPE (root), type))
    g_ptr_array_add (found, root);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, type, found);
}

/**
 * offload_test_find_all:
 * @root: where to look
 * @type: a widget type
 *
 * Returns: (transfer container): every widget of @type under @root
 */
GPtrArray *
offload_test_find_all (GtkWidget *root,
                       GType      type)
{
  GPtrArray *found = g_ptr_array_new ();

  collect (root, type, found);
  return found;
}

/**
 * offload_test_label_text:
 * @root: where to look
 * @id: a label's template id
 *
 * Returns: what the label shows
 */
const char *
offload_test_label_text (GtkWidget  *root,
                         const char *id)
{
  GtkWidget *label = offload_test_find (root, id, GTK_TYPE_LABEL);

  g_assert_nonnull (label);
  return gtk_label_get_label (GTK_LABEL (label));
}

/**
 * offload_test_shows_label:
 * @root: where to look
 * @text: exactly what a label must show
 *
 * Returns: whether a mapped label under @root shows @text (a toast, say)
 */
gboolean
offload_test_shows_label (GtkWidget  *root,
                          const char *text)
{
  g_autoptr(GPtrArray) labels = offload_test_find_all (root, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_get_mapped (labels->pdata[i])
        && g_strcmp0 (gtk_label_get_label (labels->pdata[i]), text) == 0)
      return TRUE;

  return FALSE;
}

/* The file chooser GTK shows where there is no portal, as a test session
 * has none: a GtkFileChooserDialog of its own, with the title asked for. */
static GtkWindow *
find_chooser (const char *title)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER (window) && gtk_widget_get_visible (GTK_WIDGET (window))
          && g_strcmp0 (gtk_window_get_title (window), title) == 0)
        return window;
    }

  return NULL;
}

static gboolean
chooser_shown (gpointer data)
{
  return find_chooser (data) != NULL;
}

static gboolean
chooser_selects (gpointer data)
{
  GtkFileChooser *chooser = g_object_get_data (data, "offload-test-chooser");
  g_autoptr(GFile) selected = gtk_file_chooser_get_file (chooser);

  return selected != NULL && g_file_equal (selected, data);
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
chooser_gone (gpointer data)
{
  return find_chooser (data) == NULL;
}

/**
 * offload_test_answer_chooser:
 * @title: the file chooser's title
 * @file: (nullable): the file to choose; %NULL to cancel
 *
 * Waits for the file chooser titled @title, then chooses @file in it, as
 * a user does (for a save, the path typed), or cancels it, and waits for
 * it to close and its answer to be given.
 */
void
offload_test_answer_chooser (const char *title,
                             GFile      *file)
{
  GtkWindow *window;
  GtkFileChooser *chooser;
  gboolean answered = FALSE;
  g_autoptr(GError) error = NULL;

  offload_test_wait_for (chooser_shown, (gpointer) title, "the file chooser");
  window = find_chooser (title);
  chooser = GTK_FILE_CHOOSER (window);

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (file == NULL)
    gtk_dialog_response (GTK_DIALOG (window), GTK_RESPONSE_CANCEL);
  else
    {
      if (gtk_file_chooser_get_action (chooser) == GTK_FILE_CHOOSER_ACTION_SAVE)
        {
          g_autofree char *path = g_file_get_path (file);

          /* Typed whole in the name entry: a folder set apart loads in
           * the background, and the entry reads a name against the folder
           * it had until then. */
          gtk_file_chooser_set_current_name (chooser, path);
        }
      else
        {
          gtk_file_chooser_set_file (chooser, file, &error);
          g_assert_no_error (error);
        }
      /* The folder loads in the background; the file is chosen once it is
       * selected. */
      g_object_set_data (G_OBJECT (file), "offload-test-chooser", chooser);
      offload_test_wait_for (chooser_selects, file, "the file to be selected");
      g_object_set_data (G_OBJECT (file), "offload-test-chooser", NULL);
      gtk_dialog_response (GTK_DIALOG (window), GTK_RESPONSE_ACCEPT);
    }
  G_GNUC_END_IGNORE_DEPRECATIONS

  offload_test_wait_for (chooser_gone, (gpointer) title, "the file chooser to close");
  /* The answer reaches its caller from a source of default priority,
   * ready now: at the latest in the iteration that runs an idle of that
   * priority added now (one of lower priority could wait behind the
   * frames). */
  g_idle_add_full (G_PRIORITY_DEFAULT, set_flag, &answered, NULL);
  offload_test_wait_for (flag_set, &answered, "the answer to be given");
}

/**
 * offload_test_drop:
 * @widget: a widget with a drop target
 * @value: what is dropped
 *
 * Drops @value on @widget's drop target, as GTK does once the user lets
 * go of what they drag over it.
 *
 * Returns: whether the drop was taken
 */
gboolean
offload_test_drop (GtkWidget    *widget,
                   const GValue *value)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean taken = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        {
          g_signal_emit_by_name (controller, "drop", value, 10.0, 10.0, &taken);
          return taken;
        }
    }

  g_assert_not_reached ();
}
