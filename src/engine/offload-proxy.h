/* offload-proxy.h: proxies from the environment, as curl reads them
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GProxyResolver *offload_proxy_resolver_from_environment (const char * const *envp);

G_END_DECLS
