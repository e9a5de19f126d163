/* offload-application.c: the GTK face of Offload
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "offload-application.h"
#include "offload-preferences-window.h"
#include "offload-window.h"

struct _OffloadApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (OffloadApplication, offload_application, ADW_TYPE_APPLICATION)

static void
apply_color_scheme (OffloadApplication *self)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  g_autofree char *scheme = g_settings_get_string (self->settings, "color-scheme");

  if (g_strcmp0 (scheme, "light") == 0)
    adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  else if (g_strcmp0 (scheme, "dark") == 0)
    adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_DARK);
  else
    adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_DEFAULT);
}

static int
offload_application_handle_local_options (GApplication *app,
                                          GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  /* Without its schema GSettings aborts the process: say what is missing
   * instead (a build tree run by hand, or a broken install). */
  {
    g_autoptr(GSettingsSchema) schema =
      g_settings_schema_source_lookup (g_settings_schema_source_get_default (), APP_ID, TRUE);

    if (schema == NULL)
      {
        g_printerr (_("Offload cannot start: its settings schema %s is not installed. "
                      "Install Offload, or run it from a build tree with "
                      "build-aux/dev run.\n"), APP_ID);
        return EXIT_FAILURE;
      }
  }

  return G_APPLICATION_CLASS (offload_application_parent_class)->handle_local_options (app, options);
}

/* The main window: the preferences or the shortcuts may be the active one. */
static OffloadWindow *
main_window (OffloadApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (OFFLOAD_IS_WINDOW (l->data))
      return l->data;

  return offload_window_new (self);
}

static void
offload_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (main_window (OFFLOAD_APPLICATION (app))));
}

/* A CSV file given on the command line, or opened with Offload from the
 * file manager: the Crunch page, with that file chosen. */
static void
offload_application_open (GApplication  *app,
                          GFile        **files,
                          int            n_files,
                          const char    *hint)
{
  OffloadWindow *window = main_window (OFFLOAD_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
  /* The window says why, when it cannot take the file. */
  if (n_files >= 1)
    offload_window_open_csv (window, files[0]);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  OffloadApplication *self = user_data;
  GList *windows;

  /* Close the windows rather than quitting outright, so each one saves
   * its state and stops its work the way it does when closed by hand;
   * the application ends with its last window. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (const GList *iter = windows; iter != NULL; iter = iter->next)
    gtk_window_close (iter->data);
  g_list_free (windows);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  OffloadApplication *self = user_data;
  static const char *developers[] = { "The Offload developers", NULL };
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

#if ADW_CHECK_VERSION (1, 5, 0)
  adw_show_about_dialog (GTK_WIDGET (window),
#else
  adw_show_about_window (window,
#endif
                         "application-name", _("Offload"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Offload developers"),
                         "version", PACKAGE_VERSION,
                         "comments", _("Keep the interface responsive while heavy work runs: "
                                       "HTTP fetches in worker threads, dataset crunching "
                                       "in worker processes, and a meter that shows the "
                                       "difference."),
                         "website", PACKAGE_WEBSITE,
                         "issue-url", PACKAGE_WEBSITE "/issues",
                         "developers", developers,
                         /* Translators: put your names here, one a line */
                         "translator-credits", _("translator-credits"),
                         "copyright", "© 2026 The Offload developers",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  OffloadApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  OffloadPreferencesWindow *preferences;

  preferences = offload_preferences_window_new (self->settings);
  gtk_window_set_transient_for (GTK_WINDOW (preferences), window);
  gtk_window_present (GTK_WINDOW (preferences));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "preferences", preferences_action },
};

static void
offload_application_startup (GApplication *app)
{
  OffloadApplication *self = OFFLOAD_APPLICATION (app);
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Primary>q", NULL } },
    { "app.preferences", { "<Primary>comma", NULL } },
    { "window.close", { "<Primary>w", NULL } },
    { "win.hud-visible", { "F9", NULL } },
    { "win.reset-hud", { "<Primary>r", NULL } },
    { "win.freeze-for-duration", { "<Primary><Shift>f", NULL } },
  };

  G_APPLICATION_CLASS (offload_application_parent_class)->startup (app);

  /* Here, not in init: --help and --version need no settings. */
  self->settings = g_settings_new (APP_ID);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);

  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (apply_color_scheme), self, G_CONNECT_SWAPPED);
  apply_color_scheme (self);
}

static void
offload_application_dispose (GObject *object)
{
  OffloadApplication *self = (OffloadApplication *)object;

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (offload_application_parent_class)->dispose (object);
}

static void
offload_application_class_init (OffloadApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = offload_application_dispose;

  app_class->activate = offload_application_activate;
  app_class->open = offload_application_open;
  app_class->startup = offload_application_startup;
  app_class->handle_local_options = offload_application_handle_local_options;
}

static void
offload_application_init (OffloadApplication *self)
{
  static const GOptionEntry main_entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
}

/**
 * offload_application_new:
 *
 * Returns: (transfer full): the application
 */
static gboolean
has_render_node (const char *dri_dir)
{
  g_autoptr(GDir) dir = g_dir_open (dri_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "renderD"))
      return TRUE;

  return FALSE;
}

/**
 * offload_application_pick_renderer:
 * @gsk_renderer: (nullable): the user's GSK_RENDERER
 * @libgl_always_software: (nullable): the user's LIBGL_ALWAYS_SOFTWARE
 * @dri_dir: where the GPUs' render nodes are (/dev/dri)
 *
 * Without a GPU (no render node: a virtual machine, Xvfb) GTK's GL
 * renderer runs on Mesa's llvmpipe, on the CPU. Measured on 2 cores under
 * Xvfb: it took 1.6 of them to draw the window at rest (the HUD moves all
 * the time), the workers got what was left, and a crunch of 202 MB took
 * 2.2 to 3.1 s in the window (0.57 s from the command line) with frames
 * at p99 42 to 57 ms. Cairo draws the same window in a tenth of a core:
 * 0.8 s, frames at p99 18 ms. A renderer the user chose is theirs.
 *
 * Returns: (nullable): the renderer to ask GTK for, or %NULL for its own
 *   choice
 */
const char *
offload_application_pick_renderer (const char *gsk_renderer,
                                   const char *libgl_always_software,
                                   const char *dri_dir)
{
  g_return_val_if_fail (dri_dir != NULL, NULL);

  if (gsk_renderer != NULL && *gsk_renderer != '\0')
    return NULL;
  if (g_strcmp0 (libgl_always_software, "1") == 0 || g_strcmp0 (libgl_always_software, "true") == 0
      || !has_render_node (dri_dir))
    return "cairo";
  return NULL;
}

/**
 * offload_application_choose_renderer:
 *
 * Sets GSK_RENDERER as offload_application_pick_renderer() says, for this
 * process: call before GTK starts, and before any thread.
 */
void
offload_application_choose_renderer (void)
{
  const char *renderer = offload_application_pick_renderer (g_getenv ("GSK_RENDERER"),
                                                            g_getenv ("LIBGL_ALWAYS_SOFTWARE"),
                                                            "/dev/dri");

  if (renderer != NULL)
    {
      g_setenv ("GSK_RENDERER", renderer, TRUE);
      g_debug ("no GPU found: drawing with GTK's %s renderer", renderer);
    }
}

OffloadApplication *
offload_application_new (void)
{
  return g_object_new (OFFLOAD_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}

/**
 * offload_application_get_settings:
 * @self: the application
 *
 * Returns: (transfer none): the app's settings
 */
GSettings *
offload_application_get_settings (OffloadApplication *self)
{
  g_return_val_if_fail (OFFLOAD_IS_APPLICATION (self), NULL);

  return self->settings;
}
