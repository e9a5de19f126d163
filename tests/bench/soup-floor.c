/* soup-floor.c: the floor of the fetch benchmark (fetch.sh)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: soup-floor CONCURRENCY FILE
 *
 * What `offload fetch` builds on, and nothing else: one SoupSession shared
 * by CONCURRENCY threads, each taking the next URL of FILE (one a line)
 * and doing a blocking soup_session_send(), reading the body and dropping
 * it. No GTask, no main loop, no progress, no preview, no output: the cost
 * of libsoup's blocking API itself, to tell it from Offload's own.
 *
 * Build: cc -O2 -o soup-floor soup-floor.c $(pkg-config --cflags --libs libsoup-3.0)
 */

#include <libsoup/soup.h>
#include <stdlib.h>

static SoupSession *session;
static char **urls;
static guint n_urls;
static guint next;

static gpointer
worker (gpointer data)
{
  guint8 buffer[256 * 1024];

  for (;;)
    {
      guint i = (guint) g_atomic_int_add ((gint *) &next, 1);
      SoupMessage *msg;
      GInputStream *stream;
      GError *error = NULL;

      if (i >= n_urls)
        return NULL;
      msg = soup_message_new ("GET", urls[i]);
      stream = soup_session_send (session, msg, NULL, &error);
      if (stream == NULL)
        {
          g_printerr ("soup-floor: %s: %s\n", urls[i], error->message);
          exit (1);
        }
      while (g_input_stream_read (stream, buffer, sizeof buffer, NULL, NULL) > 0)
        ;
      g_input_stream_close (stream, NULL, NULL);
      g_object_unref (stream);
      g_object_unref (msg);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *contents = NULL;
  GPtrArray *threads = g_ptr_array_new ();
  guint concurrency;

  if (argc != 3 || (concurrency = (guint) atoi (argv[1])) < 1
      || !g_file_get_contents (argv[2], &contents, NULL, NULL))
    {
      g_printerr ("usage: soup-floor CONCURRENCY FILE\n");
      return 2;
    }
  g_strchomp (contents);
  urls = g_strsplit (contents, "\n", -1);
  n_urls = g_strv_length (urls);

  /* As the fetch queue makes it: connections sized to the threads. */
  session = soup_session_new_with_options ("max-conns", concurrency,
                                           "max-conns-per-host", concurrency, NULL);
  /* As offload fetch with no proxy in the environment: no resolver to ask;
   * and for URLs without a user or password, no auth manager. */
  soup_session_set_proxy_resolver (session, NULL);
  soup_session_remove_feature_by_type (session, SOUP_TYPE_AUTH_MANAGER);
  for (guint i = 0; i < concurrency; i++)
    g_ptr_array_add (threads, g_thread_new ("fetch", worker, NULL));
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (threads->pdata[i]);

  return 0;
}
