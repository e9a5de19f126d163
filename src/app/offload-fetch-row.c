/* offload-fetch-row.c: one request in the results list
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "offload-fetch-row.h"
#include "offload-printable.h"
#include "offload-tooltip.h"

/* A row shows what its request's properties say, and refreshes when they
 * are notified. The notifications come from the main thread only, at most
 * once a frame, when the page pulls the workers' progress; a request
 * notifies several properties at once, so the row refreshes once for them
 * all, before the next frame, and touches only what changed. Refreshing
 * each row for each property, icon and styles included, took 15 ms of the
 * main thread when a run of 15 requests started (a 44 ms frame). */

struct _OffloadFetchRow
{
  GtkWidget            parent_instance;

  OffloadFetchRequest *request;
  gulong               notify_id;
  guint                refresh_id;
  guint                tick_id;
  gint64               last_tick;
  int                  shown_state;   /* the state the icon shows, or -1 */

  /* Template children */
  GtkWidget           *box;
  GtkImage            *state_icon;
  GtkLabel            *url_label;
  GtkProgressBar      *progress_bar;
  GtkLabel            *error_label;
  GtkLabel            *status_label;
  GtkLabel            *time_label;
  GtkLabel            *size_label;
};

G_DEFINE_FINAL_TYPE (OffloadFetchRow, offload_fetch_row, GTK_TYPE_WIDGET)

const char *
offload_fetch_state_icon_name (OffloadFetchState state)
{
  switch (state)
    {
    case OFFLOAD_FETCH_STATE_QUEUED:
      return "content-loading-symbolic";
    case OFFLOAD_FETCH_STATE_CONNECTING:
    case OFFLOAD_FETCH_STATE_WAITING:
    case OFFLOAD_FETCH_STATE_RECEIVING:
      return "offload-fetch-symbolic";
    case OFFLOAD_FETCH_STATE_DONE:
      return "object-select-symbolic";
    case OFFLOAD_FETCH_STATE_FAILED:
      return "dialog-error-symbolic";
    case OFFLOAD_FETCH_STATE_CANCELLED:
      return "process-stop-symbolic";
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
offload_fetch_state_label (OffloadFetchState state)
{
  switch (state)
    {
    case OFFLOAD_FETCH_STATE_QUEUED:
      return _("Queued");
    case OFFLOAD_FETCH_STATE_CONNECTING:
      return _("Connecting");
    case OFFLOAD_FETCH_STATE_WAITING:
      return _("Waiting for the answer");
    case OFFLOAD_FETCH_STATE_RECEIVING:
      return _("Receiving");
    case OFFLOAD_FETCH_STATE_DONE:
      return _("Done");
    case OFFLOAD_FETCH_STATE_FAILED:
      return _("Failed");
    case OFFLOAD_FETCH_STATE_CANCELLED:
      return _("Cancelled");
    default:
      g_return_val_if_reached (NULL);
    }
}

static void offload_fetch_row_refresh (OffloadFetchRow *self);

/* While a request runs, its clock and pulse move even when no byte comes
 * (a slow server): ten times a second is enough for a label. */
static gboolean
offload_fetch_row_tick (GtkWidget     *widget,
                        GdkFrameClock *frame_clock,
                        gpointer       user_data)
{
  OffloadFetchRow *self = OFFLOAD_FETCH_ROW (widget);
  gint64 now = gdk_frame_clock_get_frame_time (frame_clock);

  if (now - self->last_tick >= G_USEC_PER_SEC / 10)
    {
      self->last_tick = now;
      offload_fetch_row_refresh (self);
    }

  return G_SOURCE_CONTINUE;
}

static void
update_ticking (OffloadFetchRow *self,
                gboolean         running)
{
  if (running && self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), offload_fetch_row_tick,
                                                  NULL, NULL);
  else if (!running && self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
}

static void
offload_fetch_row_refresh (OffloadFetchRow *self)
{
  OffloadFetchRequest *request = self->request;
  OffloadFetchState state;
  g_autofree char *time_text = NULL;
  g_autofree char *size_text = NULL;
  g_autofree char *status_text = NULL;
  const char *error;
  gboolean running;
  double fraction;

  if (request == NULL)
    {
      update_ticking (self, FALSE);
      return;
    }

  state = offload_fetch_request_get_state (request);
  running = state == OFFLOAD_FETCH_STATE_CONNECTING || state == OFFLOAD_FETCH_STATE_WAITING
            || state == OFFLOAD_FETCH_STATE_RECEIVING;
  update_ticking (self, running);

  if ((int) state != self->shown_state)
    {
      self->shown_state = (int) state;
      gtk_image_set_from_icon_name (self->state_icon, offload_fetch_state_icon_name (state));
      offload_tooltip_set_text (GTK_WIDGET (self->state_icon), offload_fetch_state_label (state));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->state_icon),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      offload_fetch_state_label (state), -1);

      gtk_widget_remove_css_class (GTK_WIDGET (self->state_icon), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->state_icon), "success");
      if (state == OFFLOAD_FETCH_STATE_FAILED)
        gtk_widget_add_css_class (GTK_WIDGET (self->state_icon), "error");
      else if (state == OFFLOAD_FETCH_STATE_DONE)
        gtk_widget_add_css_class (GTK_WIDGET (self->state_icon), "success");
    }

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), running);
  fraction = offload_fetch_request_get_fraction (request);
  if (running && fraction < 0)
    gtk_progress_bar_pulse (self->progress_bar);
  else if (running)
    gtk_progress_bar_set_fraction (self->progress_bar, fraction);

  error = offload_fetch_request_get_error_message (request);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label),
                          error != NULL && state == OFFLOAD_FETCH_STATE_FAILED);
  gtk_label_set_label (self->error_label, error != NULL ? error : "");

  if (offload_fetch_request_get_status (request) > 0)
    status_text = g_strdup_printf ("%u", offload_fetch_request_get_status (request));
  gtk_label_set_label (self->status_label, status_text != NULL ? status_text : "");

  if (offload_fetch_request_get_started_time (request) > 0)
    /* Translators: seconds a request took, with two decimals */
    time_text = g_strdup_printf (_("%.2f s"), offload_fetch_request_get_elapsed (request));
  gtk_label_set_label (self->time_label, time_text != NULL ? time_text : "");

  if (state != OFFLOAD_FETCH_STATE_QUEUED)
    size_text = g_format_size (offload_fetch_request_get_bytes_received (request));
  gtk_label_set_label (self->size_label, size_text != NULL ? size_text : "");
}

static gboolean
refresh_cb (gpointer user_data)
{
  OffloadFetchRow *self = user_data;

  self->refresh_id = 0;
  offload_fetch_row_refresh (self);

  return G_SOURCE_REMOVE;
}

/* Before the frame is laid out, which runs at a lower priority. */
static void
queue_refresh (OffloadFetchRow *self)
{
  if (self->refresh_id == 0)
    self->refresh_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, refresh_cb, self, NULL);
}

static void
offload_fetch_row_dispose (GObject *object)
{
  OffloadFetchRow *self = (OffloadFetchRow *)object;

  offload_fetch_row_set_request (self, NULL);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), OFFLOAD_TYPE_FETCH_ROW);

  G_OBJECT_CLASS (offload_fetch_row_parent_class)->dispose (object);
}

static void
offload_fetch_row_class_init (OffloadFetchRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = offload_fetch_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/offload-fetch-row.ui");
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchRow, box);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchRow, state_icon);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchRow, url_label);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchRow, error_label);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, OffloadFetchRow, size_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fetchrow");
}

static void
offload_fetch_row_init (OffloadFetchRow *self)
{
  self->shown_state = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
offload_fetch_row_new (void)
{
  return g_object_new (OFFLOAD_TYPE_FETCH_ROW, NULL);
}

/**
 * offload_fetch_row_get_request:
 * @self: a row
 *
 * Returns: (transfer none) (nullable): the request it shows
 */
OffloadFetchRequest *
offload_fetch_row_get_request (OffloadFetchRow *self)
{
  g_return_val_if_fail (OFFLOAD_IS_FETCH_ROW (self), NULL);

  return self->request;
}

void
offload_fetch_row_set_request (OffloadFetchRow     *self,
                               OffloadFetchRequest *request)
{
  g_return_if_fail (OFFLOAD_IS_FETCH_ROW (self));
  g_return_if_fail (request == NULL || OFFLOAD_IS_FETCH_REQUEST (request));

  if (self->request == request)
    return;

  g_clear_signal_handler (&self->notify_id, self->request);
  g_set_object (&self->request, request);

  if (request == NULL)
    update_ticking (self, FALSE);
  else
    {
      /* A request's URL does not change: set once, not on each refresh
       * (ten a second while it runs). */
      g_autofree char *hidden = offload_url_hide_password (offload_fetch_request_get_url (request));
      g_autofree char *url = offload_printable (hidden);

      gtk_label_set_label (self->url_label, url);
      /* Any property: one refresh for all of those notified together. */
      self->notify_id = g_signal_connect_object (request, "notify",
                                                 G_CALLBACK (queue_refresh),
                                                 self, G_CONNECT_SWAPPED);
      g_clear_handle_id (&self->refresh_id, g_source_remove);
      offload_fetch_row_refresh (self);
    }
}
