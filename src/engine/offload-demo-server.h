/* offload-demo-server.h: slow, failing and large HTTP endpoints on loopback
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Limits of the endpoints; the index page ("/") says what each one does. */
#define OFFLOAD_DEMO_SERVER_MAX_DELAY_MS      60000
#define OFFLOAD_DEMO_SERVER_MAX_BYTES         (G_GUINT64_CONSTANT (4) << 30)
#define OFFLOAD_DEMO_SERVER_MAX_RECORDS       1000000
#define OFFLOAD_DEMO_SERVER_MAX_ROWS          100000000
/* How long /bytes/N takes to send its body unless ?duration_ms= says otherwise. */
#define OFFLOAD_DEMO_SERVER_BYTES_DURATION_MS 2000

#define OFFLOAD_TYPE_DEMO_SERVER (offload_demo_server_get_type ())

G_DECLARE_FINAL_TYPE (OffloadDemoServer, offload_demo_server, OFFLOAD, DEMO_SERVER, GObject)

OffloadDemoServer *offload_demo_server_new                 (void);
gboolean           offload_demo_server_start               (OffloadDemoServer  *self,
                                                            guint               port,
                                                            GError            **error);
void               offload_demo_server_stop                (OffloadDemoServer  *self);
const char        *offload_demo_server_get_base_url        (OffloadDemoServer  *self);
guint              offload_demo_server_get_port            (OffloadDemoServer  *self);
guint              offload_demo_server_get_in_flight       (OffloadDemoServer  *self);
guint              offload_demo_server_get_peak_in_flight  (OffloadDemoServer  *self);
void               offload_demo_server_reset_peak          (OffloadDemoServer  *self);
guint64            offload_demo_server_get_requests_served (OffloadDemoServer  *self);

G_END_DECLS
