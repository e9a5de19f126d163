/* fast-float-scan.cc: a peer for the record reader (reader.sh)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: fast-float-scan FILE START END
 *
 * The numbers of the records that begin in [START, END), parsed with
 * fast_float::from_chars() (Debian's libfast-float-dev: exact, and among
 * the fastest number parsers there are) in the simplest loop around it:
 * the bytes already in memory (read before the clock starts), a field
 * ends at a comma or a newline, no quotes, no missing-value words, no
 * blanks. Less work than reader-floor does, so a lower bound for a reader
 * built on fast_float.
 */

#include <fast_float/fast_float.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

int
main (int   argc,
      char *argv[])
{
  unsigned long long start, end;
  int fd;

  if (argc != 4 || (start = strtoull (argv[2], nullptr, 10), end = strtoull (argv[3], nullptr, 10),
                    end <= start) || (fd = open (argv[1], O_RDONLY)) < 0)
    {
      fprintf (stderr, "usage: fast-float-scan FILE START END\n");
      return 2;
    }

  std::vector<char> bytes (end - start + 1);
  ssize_t got = pread (fd, bytes.data (), end - start, (off_t) start);
  if (got <= 0)
    return 1;
  bytes[(size_t) got] = '\0';

  const char *p = bytes.data (), *stop = bytes.data () + got;
  if (start > 0)
    {
      /* From the first record that begins at START or after it. */
      const char *line = (const char *) memchr (p, '\n', (size_t) got);
      p = line != nullptr ? line + 1 : stop;
    }
  /* The rest of the last record, if it goes on past END, is not read:
   * the same numbers, give or take one record, as reader-floor. */

  unsigned long long numbers = 0, other = 0;
  double checksum = 0;
  auto began = std::chrono::steady_clock::now ();
  while (p < stop)
    {
      double value;
      auto parsed = fast_float::from_chars (p, stop, value);

      if (parsed.ec == std::errc ())
        {
          checksum += value;
          numbers++;
          p = parsed.ptr;
        }
      else
        {
          other++;
          while (p < stop && *p != ',' && *p != '\n')
            p++;
        }
      if (p < stop)
        p++;   /* the comma or newline */
    }
  double ms = std::chrono::duration<double, std::milli> (std::chrono::steady_clock::now ()
                                                          - began).count ();

  printf ("fast_float: %llu numbers (%llu other fields) in %.1f ms (checksum %g)\n", numbers,
          other, ms, checksum);
  close (fd);

  return 0;
}
