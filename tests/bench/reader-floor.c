/* reader-floor.c: the workers' record reader alone (reader.sh)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: reader-floor FILE START END
 *
 * Reads the records of FILE that begin in [START, END) as a worker does:
 * 1 MiB reads, whole records through offload_csv_records_read() in batched
 * mode, every number parsed and handed on in batches; and nothing else.
 * No statistics, no result, no process start: what the parse alone costs,
 * to tell it from the rest of a worker's time. Prints the numbers read and
 * the time. A record that no window holds ends the run (the benchmark
 * files have none).
 *
 * Build (reader.sh does): cc -O2 -I src/engine -I _build reader-floor.c
 *   _build/src/engine/liboffload-core.a $(pkg-config --cflags --libs glib-2.0) -lm
 */

#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "offload-csv-records.h"

#define WINDOW (1024 * 1024)

static OffloadCsvRecords *reader;
static guint64 n_numbers;
static double checksum;

static void
on_numbers (guint         column,
            const double *values,
            gsize         n,
            guint64       missing,
            gpointer      user_data)
{
  /* Used, so that nothing is optimised away. */
  for (gsize i = 0; i < n; i++)
    checksum += values[i];
  n_numbers += n;
}

static void
on_records (guint    n_fields,
            guint64  count,
            gpointer user_data)
{
}

static void
on_others (const OffloadCsvCell *cells,
           const guint          *columns,
           guint                 n_cells,
           guint                 n_fields,
           gpointer              user_data)
{
}

/* The first record whole goes here: from the next one on, batches, as in
 * a worker once it knows the columns. */
static void
on_record (const OffloadCsvCell *cells,
           guint                 n_cells,
           gpointer              user_data)
{
  static const OffloadCsvBatchedFuncs funcs = { on_numbers, on_records, on_others };
  static gboolean batched;

  if (!batched)
    offload_csv_records_set_batched (reader, &funcs, 4096, NULL, 0, NULL);
  batched = TRUE;
}

int
main (int   argc,
      char *argv[])
{
  guint64 start, end, offset;
  g_autofree char *buffer = g_malloc (WINDOW + 1);
  gsize have = 0;
  gint64 began;
  int fd;

  if (argc != 4 || !g_ascii_string_to_unsigned (argv[2], 10, 0, G_MAXUINT64, &start, NULL)
      || !g_ascii_string_to_unsigned (argv[3], 10, 0, G_MAXUINT64, &end, NULL) || end <= start
      || (fd = g_open (argv[1], O_RDONLY, 0)) < 0)
    {
      g_printerr ("usage: reader-floor FILE START END\n");
      return 2;
    }

  reader = offload_csv_records_new (on_record, NULL);
  began = g_get_monotonic_time ();

  /* From the first record that begins at START or after it. */
  offset = start;
  if (start > 0)
    {
      char c;

      lseek (fd, (off_t) start - 1, SEEK_SET);
      while (read (fd, &c, 1) == 1 && c != '\n')
        offset++;
    }
  else
    lseek (fd, 0, SEEK_SET);

  while (offset < end)
    {
      gssize n = read (fd, buffer + have, WINDOW - have);
      gsize limit, used;

      if (n <= 0)
        break;
      have += (gsize) n;
      buffer[have] = '\0';   /* no digit: the reader's sentinel */
      limit = MIN (end - offset, have);
      used = offload_csv_records_read (reader, buffer, have, limit);
      if (used == 0)
        break;
      offset += used;
      memmove (buffer, buffer + used, have - used);
      have -= used;
    }
  offload_csv_records_flush (reader);

  printf ("reader: %" G_GUINT64_FORMAT " numbers in %.1f ms (checksum %g)\n", n_numbers,
          (double) (g_get_monotonic_time () - began) / 1000.0, checksum);
  offload_csv_records_free (reader);
  close (fd);

  return 0;
}
