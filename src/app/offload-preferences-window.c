/* offload-preferences-window.c
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "offload-preferences-window.h"

/* Each later feature adds its own group here. Every row is bound straight
 * to GSettings, so there is no Apply button and nothing to lose. */

struct _OffloadPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  /* Template children */
  AdwComboRow          *style_row;
  GtkSwitch            *hud_switch;
  GtkSpinButton        *freeze_spin;
  GtkSpinButton        *max_body_spin;
};

G_DEFINE_FINAL_TYPE (OffloadPreferencesWindow, offload_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The order of the combo row's items. */
static const char *color_schemes[] = { "default", "light", "dark" };

static gboolean
color_scheme_to_index (GValue   *value,
                       GVariant *variant,
                       gpointer  user_data)
{
  const char *scheme = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (color_schemes); i++)
    {
      if (g_strcmp0 (scheme, color_schemes[i]) == 0)
        {
          g_value_set_uint (value, i);
          return TRUE;
        }
    }

  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
index_to_color_scheme (const GValue       *value,
                       const GVariantType *expected_type,
                       gpointer            user_data)
{
  guint index = g_value_get_uint (value);

  if (index >= G_N_ELEMENTS (color_schemes))
    index = 0;

  return g_variant_new_string (color_schemes[index]);
}

#define MIB (G_GUINT64_CONSTANT (1024) * 1024)

static gboolean
bytes_to_mib (GValue   *value,
              GVariant *variant,
              gpointer  user_data)
{
  g_value_set_double (value, (double) (g_variant_get_uint64 (variant) / MIB));
  return TRUE;
}

static GVariant *
mib_to_bytes (const GValue       *value,
              const GVariantType *expected_type,
              gpointer            user_data)
{
  return g_variant_new_uint64 ((guint64) g_value_get_double (value) * MIB);
}

static void
offload_preferences_window_dispose (GObject *object)
{
  OffloadPreferencesWindow *self = (OffloadPreferencesWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), OFFLOAD_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (offload_preferences_window_parent_class)->dispose (object);
}

static void
offload_preferences_window_class_init (OffloadPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = offload_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/offload-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, OffloadPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, OffloadPreferencesWindow, hud_switch);
  gtk_widget_class_bind_template_child (widget_class, OffloadPreferencesWindow, freeze_spin);
  gtk_widget_class_bind_template_child (widget_class, OffloadPreferencesWindow, max_body_spin);
}

static void
offload_preferences_window_init (OffloadPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * offload_preferences_window_new:
 * @settings: the app's settings
 *
 * Returns: (transfer full): a preferences window bound to @settings
 */
OffloadPreferencesWindow *
offload_preferences_window_new (GSettings *settings)
{
  OffloadPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (OFFLOAD_TYPE_PREFERENCES_WINDOW, NULL);
  self->settings = g_object_ref (settings);

  g_settings_bind_with_mapping (settings, "color-scheme", self->style_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                color_scheme_to_index, index_to_color_scheme, NULL, NULL);
  g_settings_bind (settings, "hud-visible", self->hud_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "freeze-seconds", gtk_spin_button_get_adjustment (self->freeze_spin),
                   "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "max-body",
                                gtk_spin_button_get_adjustment (self->max_body_spin), "value",
                                G_SETTINGS_BIND_DEFAULT, bytes_to_mib, mib_to_bytes, NULL, NULL);

  return self;
}
