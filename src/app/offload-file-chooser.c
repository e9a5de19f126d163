/* offload-file-chooser.c: choose a file to open or save, on any GTK
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "offload-file-chooser.h"

/* The one place that knows which file chooser this GTK has: GtkFileDialog
 * from 4.10, GtkFileChooserNative before (the floor, 4.8). Both go through
 * the file chooser portal inside the sandbox, and show GTK's own dialog
 * where there is no portal. The pages ask for a file and get it, or
 * G_IO_ERROR_CANCELLED when the user closed the dialog, like any other
 * asynchronous call. */

typedef enum
{
  CHOOSE_OPEN,
  CHOOSE_SAVE,
} ChooseMode;

#if GTK_CHECK_VERSION (4, 10, 0)
static void
dialog_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GFile *file;

  if (GPOINTER_TO_INT (g_task_get_task_data (task)) == CHOOSE_SAVE)
    file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (object), result, &error);
  else
    file = gtk_file_dialog_open_finish (GTK_FILE_DIALOG (object), result, &error);

  if (file != NULL)
    g_task_return_pointer (task, file, g_object_unref);
  else if (g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED)
           || g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_CANCELLED))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", error->message);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}
#else
static void
native_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    GTask           *task)
{
  GFile *file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

  if (file != NULL)
    g_task_return_pointer (task, file, g_object_unref);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "No file was chosen");

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (task);
}
#endif

static void
choose (ChooseMode           mode,
        GtkWindow           *parent,
        const char          *title,
        const char          *accept_label,
        GListModel          *filters,
        const char          *initial_name,
        GAsyncReadyCallback  callback,
        gpointer             user_data)
{
  GTask *task;
  guint n_filters = filters != NULL ? g_list_model_get_n_items (filters) : 0;

  task = g_task_new (NULL, NULL, callback, user_data);
  g_task_set_source_tag (task, choose);
  g_task_set_task_data (task, GINT_TO_POINTER (mode), NULL);

#if GTK_CHECK_VERSION (4, 10, 0)
  {
    g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();

    gtk_file_dialog_set_title (dialog, title);
    gtk_file_dialog_set_accept_label (dialog, accept_label);
    gtk_file_dialog_set_modal (dialog, TRUE);
    if (n_filters > 0)
      {
        g_autoptr(GtkFileFilter) first = g_list_model_get_item (filters, 0);

        gtk_file_dialog_set_filters (dialog, filters);
        gtk_file_dialog_set_default_filter (dialog, first);
      }
    if (mode == CHOOSE_SAVE)
      {
        gtk_file_dialog_set_initial_name (dialog, initial_name);
        gtk_file_dialog_save (dialog, parent, NULL, dialog_done_cb, task);
      }
    else
      gtk_file_dialog_open (dialog, parent, NULL, dialog_done_cb, task);
  }
#else
  {
    GtkFileChooserNative *native;

    native = gtk_file_chooser_native_new (title, parent,
                                          mode == CHOOSE_SAVE ? GTK_FILE_CHOOSER_ACTION_SAVE
                                                              : GTK_FILE_CHOOSER_ACTION_OPEN,
                                          accept_label, NULL);
    gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
    for (guint i = 0; i < n_filters; i++)
      {
        g_autoptr(GtkFileFilter) filter = g_list_model_get_item (filters, i);

        gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
        if (i == 0)
          gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (native), filter);
      }
    if (mode == CHOOSE_SAVE && initial_name != NULL)
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), initial_name);
    g_signal_connect (native, "response", G_CALLBACK (native_response_cb), task);
    gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
  }
#endif
}

/**
 * offload_file_chooser_open_async:
 * @parent: (nullable): the window the dialog belongs to
 * @title: the dialog's title
 * @accept_label: its button's label, with a mnemonic
 * @filters: (nullable): #GtkFileFilter items, the first one chosen at first
 * @callback: called with the answer; get it with offload_file_chooser_finish()
 * @user_data: for @callback
 *
 * Asks the user for a file to open, through the file chooser portal.
 */
void
offload_file_chooser_open_async (GtkWindow           *parent,
                                 const char          *title,
                                 const char          *accept_label,
                                 GListModel          *filters,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (title != NULL && accept_label != NULL);
  g_return_if_fail (filters == NULL || G_IS_LIST_MODEL (filters));

  choose (CHOOSE_OPEN, parent, title, accept_label, filters, NULL, callback, user_data);
}

/**
 * offload_file_chooser_save_async:
 * @parent: (nullable): the window the dialog belongs to
 * @title: the dialog's title
 * @accept_label: its button's label, with a mnemonic
 * @filters: (nullable): #GtkFileFilter items, the first one chosen at first
 * @initial_name: (nullable): the name suggested for the file
 * @callback: called with the answer; get it with offload_file_chooser_finish()
 * @user_data: for @callback
 *
 * Asks the user where to save a file, through the file chooser portal.
 */
void
offload_file_chooser_save_async (GtkWindow           *parent,
                                 const char          *title,
                                 const char          *accept_label,
                                 GListModel          *filters,
                                 const char          *initial_name,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (title != NULL && accept_label != NULL);
  g_return_if_fail (filters == NULL || G_IS_LIST_MODEL (filters));

  choose (CHOOSE_SAVE, parent, title, accept_label, filters, initial_name, callback, user_data);
}

/**
 * offload_file_chooser_finish:
 * @result: what the callback was given
 * @error: G_IO_ERROR_CANCELLED when the user chose no file
 *
 * Returns: (transfer full) (nullable): the file chosen
 */
GFile *
offload_file_chooser_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == choose, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
