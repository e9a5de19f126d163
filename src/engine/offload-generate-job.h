/* offload-generate-job.h: the sample dataset, written by a worker process
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define OFFLOAD_TYPE_GENERATE_JOB (offload_generate_job_get_type ())

G_DECLARE_FINAL_TYPE (OffloadGenerateJob, offload_generate_job, OFFLOAD, GENERATE_JOB, GObject)

OffloadGenerateJob *offload_generate_job_new                (const char          *path,
                                                             guint64              rows,
                                                             guint64              seed);
const char         *offload_generate_job_get_path           (OffloadGenerateJob  *self);
void                offload_generate_job_run_async          (OffloadGenerateJob  *self,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean            offload_generate_job_run_finish         (OffloadGenerateJob  *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);
void                offload_generate_job_get_progress       (OffloadGenerateJob  *self,
                                                             guint64             *rows_done,
                                                             guint64             *bytes_done);
char               *offload_generate_job_default_path       (guint64              rows);

G_END_DECLS
