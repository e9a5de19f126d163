/* offload-histogram-view.h: the histogram of one numeric column
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define OFFLOAD_TYPE_HISTOGRAM_VIEW (offload_histogram_view_get_type ())

G_DECLARE_FINAL_TYPE (OffloadHistogramView, offload_histogram_view, OFFLOAD, HISTOGRAM_VIEW,
                      GtkWidget)

GtkWidget *offload_histogram_view_new           (void);
void       offload_histogram_view_set_data      (OffloadHistogramView *self,
                                                 guint                 n_bins,
                                                 const double         *edges,
                                                 const guint64        *bins);
void       offload_histogram_view_clear         (OffloadHistogramView *self);
guint      offload_histogram_view_get_n_bins    (OffloadHistogramView *self);
guint64    offload_histogram_view_get_max_count (OffloadHistogramView *self);
guint64    offload_histogram_view_get_total     (OffloadHistogramView *self);

G_END_DECLS
