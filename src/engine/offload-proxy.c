/* offload-proxy.c: proxies from the environment, as curl reads them
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "offload-proxy.h"

/* The command line finds its proxies where curl and wget do, in the
 * environment, and the window where the desktop says (GIO's default
 * resolver, which also reads the GNOME settings and PAC files). The
 * default resolver is asked for every request: with GNOME's or
 * libproxy's, that took a tenth of `offload fetch`'s time for 1000
 * requests on loopback. */

static const char *
lookup (const char * const *envp,
        const char         *lower,
        const char         *upper)
{
  const char *value = g_environ_getenv ((char **) envp, lower);

  if ((value == NULL || *value == '\0') && upper != NULL)
    value = g_environ_getenv ((char **) envp, upper);

  return value != NULL && *value != '\0' ? value : NULL;
}

/* A proxy as the variables give it: "host:port" means http://host:port. */
static char *
proxy_uri (const char *value)
{
  if (strstr (value, "://") != NULL)
    return g_strdup (value);
  return g_strconcat ("http://", value, NULL);
}

/**
 * offload_proxy_resolver_from_environment:
 * @envp: (array zero-terminated=1): an environment, as g_get_environ()
 *   gives it
 *
 * The proxies of curl's variables: `http_proxy` (lower case only, as a
 * web server may set HTTP_PROXY from a request's header), `https_proxy`
 * or `HTTPS_PROXY`, `all_proxy` or `ALL_PROXY` for what those leave, and
 * `no_proxy` or `NO_PROXY`: host names (each with its subdomains), IP
 * addresses and ranges, comma-separated; `*` for no proxy at all.
 *
 * Returns: (transfer full) (nullable): the resolver, or %NULL when no
 *   proxy is set: direct connections
 */
GProxyResolver *
offload_proxy_resolver_from_environment (const char * const *envp)
{
  const char *http = lookup (envp, "http_proxy", NULL);
  const char *https = lookup (envp, "https_proxy", "HTTPS_PROXY");
  const char *all = lookup (envp, "all_proxy", "ALL_PROXY");
  const char *no_proxy = lookup (envp, "no_proxy", "NO_PROXY");
  g_autoptr(GPtrArray) ignore = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *default_proxy = NULL;
  GSimpleProxyResolver *resolver;

  if (http == NULL && https == NULL && all == NULL)
    return NULL;

  if (no_proxy != NULL)
    {
      g_auto(GStrv) hosts = g_strsplit (no_proxy, ",", -1);

      for (guint i = 0; hosts[i] != NULL; i++)
        {
          char *host = g_strstrip (hosts[i]);

          if (g_str_equal (host, "*"))
            return NULL;
          if (*host != '\0')
            g_ptr_array_add (ignore, g_strdup (host));
        }
    }
  g_ptr_array_add (ignore, NULL);

  if (all != NULL)
    default_proxy = proxy_uri (all);
  resolver = G_SIMPLE_PROXY_RESOLVER (g_simple_proxy_resolver_new (default_proxy,
                                                                   (char **) ignore->pdata));
  if (http != NULL)
    {
      g_autofree char *uri = proxy_uri (http);

      g_simple_proxy_resolver_set_uri_proxy (resolver, "http", uri);
    }
  if (https != NULL)
    {
      g_autofree char *uri = proxy_uri (https);

      g_simple_proxy_resolver_set_uri_proxy (resolver, "https", uri);
    }

  return G_PROXY_RESOLVER (resolver);
}
