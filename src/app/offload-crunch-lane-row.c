/* offload-crunch-lane-row.c: one worker slot of a crunch, as it goes
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "offload-crunch-lane-row.h"

/* The row never reads the job: the page pulls every lane once a frame and
 * hands it over. The bar follows every frame; the words only when the page
 * asks (a few times a second), so they stay readable. */

struct _OffloadCrunchLaneRow
{
  GtkWidget               parent_instance;

  guint                   number;
  OffloadCrunchLaneState  state;
  int                     pid;
  guint                   chunk;

  /* Template children */
  GtkWidget              *box;
  GtkLabel               *title_label;
  GtkLabel               *pid_label;
  GtkProgressBar         *progress_bar;
  GtkLabel               *detail_label;
};

enum {
  PROP_0,
  PROP_NUMBER,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (OffloadCrunchLaneRow, offload_crunch_lane_row, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static char *
format_rows_per_second (double rows_per_second)
{
  if (rows_per_second >= 1e6)
    /* Translators: a worker's speed, in millions of rows a second */
    return g_strdup_printf (_("%.1f M rows/s"), rows_per_second / 1e6);
  else if (rows_per_second >= 1e3)
    /* Translators: a worker's speed, in thousands of rows a second */
    return g_strdup_printf (_("%.0f k rows/s"), rows_per_second / 1e3);
  else
    /* Translators: a worker's speed, in rows a second */
    return g_strdup_printf (_("%.0f rows/s"), rows_per_second);
}

static void
offload_crunch_lane_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), OFFLOAD_TYPE_CRUNCH_LANE_ROW);

  G_OBJECT_CLASS (offload_crunch_lane_row_parent_class)->dispose (object);
}

static void
offload_crunch_lane_row_constructed (GObject *object)
{
  OffloadCrunchLaneRow *self = (OffloadCrunchLaneRow *)object;
  g_autofree char *title = NULL;

  G_OBJECT_CLASS (offload_crunch_lane_row_parent_class)->constructed (object);

  /* Translators: the title of a worker slot; %u counts from 1 */
  title = g_strdup_printf (_("Worker %u"), self->number);
  gtk_label_set_label (self->title_label, title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress_bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
}

static void
offload_crunch_lane_row_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  OffloadCrunchLaneRow *self = OFFLOAD_CRUNCH_LANE_ROW (object);

  switch (prop_id)
    {
    case PROP_NUMBER:
      g_value_set_uint (value, self->number);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
offload_crunch_lane_row_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  OffloadCrunchLaneRow *self = OFFLOAD_CRUNCH_LANE_ROW (object);

  switch (prop_id)
    {
    case PROP_NUMBER:
      self->number = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
offload_crunch_lane_row_class_init (OffloadCrunchLaneRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = offload_crunch_lane_row_dispose;
  object_class->constructed = offload_crunch_lane_row_constructed;
  object_class->get_property = offload_crunch_lane_row_get_property;
  object_class->set_property = offload_crunch_lane_row_set_property;

  /**
   * OffloadCrunchLaneRow:number:
   *
   * The slot's number as people count, from 1.
   */
  properties[PROP_NUMBER] =
    g_param_spec_uint ("number", NULL, NULL,
                       1, G_MAXUINT, 1,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/offload-crunch-lane-row.ui");
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchLaneRow, box);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchLaneRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchLaneRow, pid_label);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchLaneRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, OffloadCrunchLaneRow, detail_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "crunchlane");
}

static void
offload_crunch_lane_row_init (OffloadCrunchLaneRow *self)
{
  self->number = 1;
  self->state = OFFLOAD_CRUNCH_LANE_IDLE;

  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * offload_crunch_lane_row_new:
 * @number: the slot's number, from 1
 *
 * Returns: (transfer floating): a new row, showing an idle slot
 */
GtkWidget *
offload_crunch_lane_row_new (guint number)
{
  g_return_val_if_fail (number > 0, NULL);

  return g_object_new (OFFLOAD_TYPE_CRUNCH_LANE_ROW,
                       "number", number,
                       NULL);
}

guint
offload_crunch_lane_row_get_number (OffloadCrunchLaneRow *self)
{
  g_return_val_if_fail (OFFLOAD_IS_CRUNCH_LANE_ROW (self), 0);

  return self->number;
}

/**
 * offload_crunch_lane_row_get_state:
 * @self: a row
 *
 * Returns: the state the row shows
 */
OffloadCrunchLaneState
offload_crunch_lane_row_get_state (OffloadCrunchLaneRow *self)
{
  g_return_val_if_fail (OFFLOAD_IS_CRUNCH_LANE_ROW (self), OFFLOAD_CRUNCH_LANE_IDLE);

  return self->state;
}

/**
 * offload_crunch_lane_row_update:
 * @self: a row
 * @lane: what the job says of the slot now
 * @with_text: whether to update the words as well as the bar
 *
 * Shows @lane.
 */
void
offload_crunch_lane_row_update (OffloadCrunchLaneRow    *self,
                                const OffloadCrunchLane *lane,
                                gboolean                 with_text)
{
  guint64 chunk_bytes;
  double fraction = 0;

  g_return_if_fail (OFFLOAD_IS_CRUNCH_LANE_ROW (self));
  g_return_if_fail (lane != NULL);

  chunk_bytes = lane->chunk_end > lane->chunk_start ? lane->chunk_end - lane->chunk_start : 0;
  if (lane->state == OFFLOAD_CRUNCH_LANE_RUNNING && chunk_bytes > 0)
    fraction = CLAMP ((double) lane->bytes_done / (double) chunk_bytes, 0.0, 1.0);
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);

  /* A change of state, worker or chunk is always shown at once, so the
   * words never describe another chunk than the bar; and "stopping" and
   * "idle" are what cancelling is judged by. */
  if (!with_text && lane->state == self->state && lane->pid == self->pid
      && lane->chunk == self->chunk)
    return;
  self->state = lane->state;
  self->pid = lane->pid;
  self->chunk = lane->chunk;

  if (lane->pid > 0)
    {
      /* Translators: a worker process's id */
      g_autofree char *pid = g_strdup_printf (_("pid %d"), lane->pid);

      gtk_label_set_label (self->pid_label, pid);
    }
  else
    gtk_label_set_label (self->pid_label, _("no worker"));

  gtk_widget_remove_css_class (GTK_WIDGET (self->detail_label), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self), "running");

  switch (lane->state)
    {
    case OFFLOAD_CRUNCH_LANE_RUNNING:
      {
        g_autofree char *done = g_format_size (lane->bytes_done);
        g_autofree char *size = g_format_size (chunk_bytes);
        g_autofree char *rate = format_rows_per_second (lane->rows_per_second);
        /* Translators: a worker's progress, e.g. "chunk 3 · 12.4 MB of 32.0 MB ·
         * 1.2 M rows/s"; chunks count from 1 */
        g_autofree char *text = g_strdup_printf (_("chunk %u · %s of %s · %s"),
                                                 lane->chunk + 1, done, size, rate);

        gtk_label_set_label (self->detail_label, text);
        gtk_widget_add_css_class (GTK_WIDGET (self), "running");
      }
      break;

    case OFFLOAD_CRUNCH_LANE_STOPPING:
      gtk_label_set_label (self->detail_label, _("stopping…"));
      gtk_widget_add_css_class (GTK_WIDGET (self->detail_label), "warning");
      break;

    case OFFLOAD_CRUNCH_LANE_IDLE:
    default:
      {
        /* Translators: a worker slot with no process, and the chunks it read */
        g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                              "idle · %u chunk read",
                                                              "idle · %u chunks read",
                                                              lane->chunks_done),
                                                 lane->chunks_done);

        gtk_label_set_label (self->detail_label, text);
      }
      break;
    }
}
