/* offload-chunk-reader.c: the records of one byte range of a CSV file
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "offload-chunk-reader.h"
#include "offload-chunk-scanner.h"
#include "offload-csv.h"
#include "offload-pilot.h"

/* A chunk owns the records that begin in [start, end): after the byte
 * order mark for the first chunk, else after the first line end outside
 * quotes from start - 1 on (so that a chunk that begins right after a
 * line end owns the record there). It reads on past end to finish its
 * last record. Whether start lies inside quotes is known from the quote
 * counts of the chunks before it. The worker and the blocking mode both
 * read this way; memory is one buffer, one field and the statistics,
 * whatever the size of the file. */

#define BUFFER_SIZE (1024 * 1024)

G_DEFINE_QUARK (offload-chunk-reader-error-quark, offload_chunk_reader_error)

struct _OffloadChunkReader
{
  int                       fd;
  guint64                   start;
  guint64                   end;
  guint64                   done;
  OffloadChunkProgressFunc  progress;
  gpointer                  user_data;
  char                     *buffer;
  OffloadCsvRecords        *records;  /* while records are read */
  guint                     header;   /* 1 while the file's header is among them */
  /* The quotes and the first NUL byte in [start, counted_to). */
  guint64                   quotes;
  guint64                   first_nul;
  guint64                   counted_to;
};

/**
 * offload_chunk_reader_new:
 * @fd: the file, open for reading; not closed by the reader
 * @start: the range's first byte
 * @end: the byte after its last
 * @progress: (nullable): told how far, after every buffer
 * @user_data: for @progress
 *
 * Returns: (transfer full): a reader
 */
OffloadChunkReader *
offload_chunk_reader_new (int                      fd,
                          guint64                  start,
                          guint64                  end,
                          OffloadChunkProgressFunc progress,
                          gpointer                 user_data)
{
  OffloadChunkReader *self;

  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (start <= end, NULL);

  self = g_new0 (OffloadChunkReader, 1);
  self->fd = fd;
  self->start = start;
  self->end = end;
  self->progress = progress;
  self->user_data = user_data;
  /* One byte more: the NUL after the data that the records reader wants. */
  self->buffer = g_malloc (BUFFER_SIZE + 1);
  self->first_nul = G_MAXUINT64;
  self->counted_to = start;

  return self;
}

void
offload_chunk_reader_free (OffloadChunkReader *self)
{
  if (self == NULL)
    return;

  g_free (self->buffer);
  g_free (self);
}

static gboolean
read_failed (GError **error)
{
  int saved = errno;

  g_set_error (error, OFFLOAD_CHUNK_READER_ERROR, OFFLOAD_CHUNK_READER_ERROR_READ,
               _("Could not read the file: %s"), g_strerror (saved));
  return FALSE;
}

static gboolean
changed (GError **error)
{
  g_set_error_literal (error, OFFLOAD_CHUNK_READER_ERROR, OFFLOAD_CHUNK_READER_ERROR_CHANGED,
                       _("The file is shorter than expected: did it change while it was read?"));
  return FALSE;
}

/* pread until the buffer is full or the file ends; -1 on an error. */
static gssize
read_at (OffloadChunkReader *self,
         guint64             offset,
         gsize               length)
{
  gsize got = 0;

  while (got < length)
    {
      gssize n = pread (self->fd, self->buffer + got, length - got, (off_t) (offset + got));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        break;
      got += (gsize) n;
    }

  return (gssize) got;
}

/* Counts the quotes and NUL bytes of the range in the buffer just read
 * at @offset, those not counted yet: the parent needs every chunk's quote
 * count to know where the next one starts, and a NUL says the file is
 * binary. */
static void
note_range (OffloadChunkReader *self,
            guint64             offset,
            gsize               n)
{
  guint64 from = MAX (offset, self->counted_to);
  guint64 to = MIN (offset + n, self->end);
  gsize nul = G_MAXSIZE;

  if (from >= to)
    return;
  offload_csv_count_quotes_and_nul (self->buffer + (from - offset), (gsize) (to - from),
                                    &self->quotes, &nul);
  if (nul != G_MAXSIZE && self->first_nul == G_MAXUINT64)
    self->first_nul = from + nul;
  self->counted_to = to;
}

static gboolean
advance (OffloadChunkReader  *self,
         guint64              bytes,
         GError             **error)
{
  guint64 rows = self->records != NULL ? offload_csv_records_get_records (self->records) : 0;

  /* Rows of data, as the result counts them: the page's count must not
   * drop by the header when the result comes in. */
  rows -= MIN (rows, self->header);

  self->done += bytes;
  if (self->progress != NULL && !self->progress (self->done, rows, self->user_data))
    {
      g_set_error_literal (error, OFFLOAD_CHUNK_READER_ERROR, OFFLOAD_CHUNK_READER_ERROR_STOPPED,
                           _("Stopped"));
      return FALSE;
    }

  return TRUE;
}

/**
 * offload_chunk_reader_count_quotes:
 * @self: a reader
 * @quotes: (out): the quote characters in the range
 * @first_nul: (out): where the first NUL byte is, or %G_MAXUINT64: a
 *   text file has none
 * @error: when the file could not be read
 *
 * Returns: whether the range was read
 */
gboolean
offload_chunk_reader_count_quotes (OffloadChunkReader  *self,
                                   guint64             *quotes,
                                   guint64             *first_nul,
                                   GError             **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  *quotes = 0;
  *first_nul = G_MAXUINT64;

  for (guint64 offset = self->start; offset < self->end; )
    {
      gssize n = read_at (self, offset, (gsize) MIN (BUFFER_SIZE, self->end - offset));
      const char *nul;

      if (n < 0)
        return read_failed (error);
      if (n == 0)
        return changed (error);
      *quotes += offload_csv_count_quotes (self->buffer, (gsize) n);
      if (*first_nul == G_MAXUINT64 && (nul = memchr (self->buffer, '\0', (gsize) n)) != NULL)
        *first_nul = offset + (guint64) (nul - self->buffer);
      offset += (guint64) n;
      if (!advance (self, (guint64) n, error))
        return FALSE;
    }

  return TRUE;
}

static void
count_header_field (guint       column,
                    const char *data,
                    gsize       length,
                    gboolean    quoted,
                    gpointer    user_data)
{
}

static void
count_header_record (guint    n_fields,
                     gpointer user_data)
{
  *(guint *) user_data = n_fields;
}

/**
 * offload_chunk_reader_count_header:
 * @self: a reader
 * @fields: (out): the fields of the file's first record (its header), 0
 *   for none
 * @error: when the file could not be read
 *
 * Reads from the file's start, whatever the range, to the end of the
 * first record: the parent sizes the histograms by the columns.
 *
 * Returns: whether the file could be read
 */
gboolean
offload_chunk_reader_count_header (OffloadChunkReader  *self,
                                   guint               *fields,
                                   GError             **error)
{
  g_autoptr(OffloadCsvParser) parser = NULL;
  guint64 position = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  *fields = 0;
  parser = offload_csv_parser_new (count_header_field, count_header_record, fields);
  for (;;)
    {
      gssize n = read_at (self, position, BUFFER_SIZE);
      gsize skip;

      if (n < 0)
        return read_failed (error);
      if (n == 0)
        {
          offload_csv_parser_finish (parser);
          return TRUE;
        }
      skip = position == 0 ? offload_csv_skip_bom (self->buffer, (gsize) n) : 0;
      position += skip + offload_csv_parser_feed (parser, self->buffer + skip, (gsize) n - skip,
                                                  TRUE);
      if (*fields > 0 || offload_csv_parser_get_error (parser) != NULL)
        return TRUE;
    }
}

typedef enum {
  FIRST_FOUND,
  FIRST_NONE,       /* no record begins in the range */
  FIRST_FAILED,     /* error is set */
} FirstRecord;

/* Whether [from, to) holds only blanks and line ends: the header record
 * then begins at `to`, even though the range does not start at the
 * file's start (blank lines before the header are skipped, as pandas
 * does). */
static gboolean
only_blank_lines (OffloadChunkReader *self,
                  guint64             from,
                  guint64             to)
{
  while (from < to)
    {
      gssize n = read_at (self, from, (gsize) MIN (BUFFER_SIZE, to - from));

      if (n <= 0)
        return FALSE;
      for (gssize i = 0; i < n; i++)
        {
          char c = self->buffer[i];

          if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            return FALSE;
        }
      from += (guint64) n;
    }

  return TRUE;
}

/* Where the first record that begins in the range starts. A line end at
 * end - 1 or later means no record begins in it, so the search stops
 * there, with progress as it goes. */
static FirstRecord
find_first_record (OffloadChunkReader  *self,
                   gboolean             in_quotes,
                   guint64             *first,
                   gboolean            *is_header_chunk,
                   GError             **error)
{
  guint64 offset;
  gboolean after_cr = FALSE;
  gssize n = read_at (self, 0, 3);
  gsize bom;

  if (n < 0)
    return read_failed (error), FIRST_FAILED;
  bom = n == 3 ? offload_csv_skip_bom (self->buffer, 3) : 0;

  if (self->start <= bom)
    {
      *first = bom;
      *is_header_chunk = TRUE;
      return FIRST_FOUND;
    }

  /* The search starts one byte early; the parity is the one before it. */
  n = read_at (self, self->start - 1, 1);
  if (n < 0)
    return read_failed (error), FIRST_FAILED;
  if (n < 1)
    return changed (error), FIRST_FAILED;
  if (self->buffer[0] == '"')
    in_quotes = !in_quotes;

  for (offset = self->start - 1; offset < self->end; )
    {
      n = read_at (self, offset, (gsize) MIN (BUFFER_SIZE, self->end - offset));
      if (n < 0)
        return read_failed (error), FIRST_FAILED;
      if (n == 0)
        return changed (error), FIRST_FAILED;

      for (gssize i = 0; i < n; i++)
        {
          char c = self->buffer[i];

          if (after_cr)
            {
              *first = offset + (guint64) i + (c == '\n' ? 1 : 0);
              goto found;
            }
          if (c == '"')
            in_quotes = !in_quotes;
          else if (!in_quotes && c == '\n')
            {
              *first = offset + (guint64) i + 1;
              goto found;
            }
          else if (!in_quotes && c == '\r')
            after_cr = TRUE;
        }
      offset += (guint64) n;
      if (!advance (self, (guint64) n, error))
        return FIRST_FAILED;
    }

  /* A CR as the range's last byte: the record after it begins at end or
   * later, in the next range. */
  return FIRST_NONE;

found:
  if (*first >= self->end)
    return FIRST_NONE;
  *is_header_chunk = only_blank_lines (self, bom, *first);
  return FIRST_FOUND;
}

static gboolean
is_separator (int c)
{
  return c == ',' || c == '\n' || c == '\r';
}

/**
 * offload_chunk_reader_guess_quotes:
 * @self: a reader
 *
 * Guesses whether the range starts inside quotes, from the quotes after
 * its start: in a well-formed file a quote that opens a field follows a
 * separator (a comma or a line end) and one that closes a field comes
 * before one. The first quote that is clearly one or the other says it;
 * doubled quotes, empty fields and quotes amid text are skipped. Only a
 * guess: the parent checks it against the quote counts of the chunks
 * before, and has the chunk read again when it was wrong.
 *
 * Returns: whether the start most likely lies inside quotes
 */
gboolean
offload_chunk_reader_guess_quotes (OffloadChunkReader *self)
{
  gssize n;
  guint seen = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->start == 0)
    return FALSE;

  /* The byte before the start too, as the one before a first quote. */
  n = read_at (self, self->start - 1, 65536 + 1);
  for (gssize i = 1; i < n && seen < 32; i++)
    {
      int before, after;
      gboolean opens, closes;

      if (self->buffer[i] != '"')
        continue;
      before = (guchar) self->buffer[i - 1];
      after = i + 1 < n ? (guchar) self->buffer[i + 1] : '\n';
      if (after == '"')
        {
          /* "" is an empty field or a doubled quote: two toggles, no news. */
          i++;
          seen += 2;
          continue;
        }
      opens = is_separator (before);
      closes = is_separator (after);
      seen++;
      if (opens != closes)
        /* Outside before an opening quote; the quotes before it toggled. */
        return ((seen - 1) % 2 == 1) != closes;
    }

  return FALSE;
}

typedef gboolean (*TooLargeFunc) (gpointer data);

#define RECORD_START_CHARS 40

/* The start of a record, to quote in an error: its first characters, up
 * to its first line end, as text. */
static char *
record_start_text (const char *data,
                   gsize       length)
{
  gsize line = 0;
  g_autofree char *valid = NULL;
  const char *end;
  GString *out;
  guint chars = 0;

  while (line < length && data[line] != '\n' && data[line] != '\r')
    line++;
  valid = g_utf8_make_valid (data, (gssize) MIN (line, (gsize) RECORD_START_CHARS * 4));
  out = g_string_new (NULL);
  for (end = valid; *end != '\0' && chars < RECORD_START_CHARS; end = g_utf8_next_char (end))
    {
      gunichar c = g_utf8_get_char (end);

      if (c < 0x20 || c == 0x7f)
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
      chars++;
    }
  if (*end != '\0' || line > (gsize) RECORD_START_CHARS * 4)
    g_string_append (out, "…");

  return g_string_free (out, FALSE);
}

/* One record that the fast reader left (longer than the buffer, or at
 * the end of the file), through the push parser, from *offset to its end. */
static gboolean
parse_one_record (OffloadChunkReader  *self,
                  OffloadCsvParser    *parser,
                  guint64             *offset,
                  GError             **error)
{
  guint64 record_start = *offset;
  g_autofree char *start_text = NULL;

  for (;;)
    {
      gssize n = read_at (self, *offset, BUFFER_SIZE);
      gsize used;

      if (n < 0)
        return read_failed (error);
      if (n > 0 && start_text == NULL)
        start_text = record_start_text ((const char *) self->buffer, (gsize) n);
      if (n == 0)
        offload_csv_parser_finish (parser);
      else
        {
          note_range (self, *offset, (gsize) n);
          used = offload_csv_parser_feed (parser, self->buffer, (gsize) n, TRUE);
          *offset += used;
        }
      if (offload_csv_parser_get_error (parser) != NULL)
        {
          /* An unclosed quote swallows the rest of the file: where the
           * record it opens in starts is what the user needs to find it. */
          g_autofree char *at = g_strdup_printf ("%" G_GUINT64_FORMAT, record_start);

          g_set_error (error, OFFLOAD_CHUNK_READER_ERROR, OFFLOAD_CHUNK_READER_ERROR_NOT_CSV,
                       /* Translators: a CSV error, then where the record it is in
                        * starts: a byte offset, and its first characters */
                       _("%s, in the record that starts at byte %s: “%s”"),
                       offload_csv_parser_get_error (parser)->message, at,
                       start_text != NULL ? start_text : "");
          return FALSE;
        }
      if (n == 0 || !offload_csv_parser_in_record (parser))
        return TRUE;
    }
}

/* The records that begin in the range from @first on, to the end of the
 * last one, which may end after the range: whole records from each
 * buffer through the fast reader; one it leaves (it does not end in the
 * buffer) is read again from its start with the next buffer, or through
 * the push parser when even a whole buffer does not hold it. */
static gboolean
read_records (OffloadChunkReader  *self,
              OffloadCsvRecords   *records,
              guint64              first,
              TooLargeFunc         too_large,
              gpointer             data,
              GError             **error)
{
  OffloadCsvParser *parser = offload_csv_records_get_parser (records);
  guint64 offset = first;
  guint64 reported = first;

  self->records = records;

  while (offset < self->end)
    {
      gssize n = read_at (self, offset, BUFFER_SIZE);
      gsize used;

      if (n < 0)
        return read_failed (error);
      if (n == 0)
        return changed (error);

      note_range (self, offset, (gsize) n);
      self->buffer[n] = '\0';
      used = offload_csv_records_read (records, self->buffer, (gsize) n,
                                       (gsize) MIN ((guint64) n, self->end - offset));
      if (used > 0)
        offset += used;
      else if (!parse_one_record (self, parser, &offset, error))
        return FALSE;

      if (too_large (data))
        return FALSE;
      if (MIN (offset, self->end) > reported)
        {
          guint64 step = MIN (offset, self->end) - reported;

          reported += step;
          if (!advance (self, step, error))
            return FALSE;
        }
    }

  return !too_large (data);
}

static gboolean
scanner_too_large (gpointer data)
{
  return offload_chunk_scanner_is_too_large (data);
}

static void
set_too_wide (GError **error)
{
  if (error != NULL && *error != NULL)
    return;
  g_set_error (error, OFFLOAD_CHUNK_READER_ERROR, OFFLOAD_CHUNK_READER_ERROR_TOO_WIDE,
               _("The records are too wide: more than %u columns, or too many numeric "
                 "columns to count in %u MiB"),
               OFFLOAD_CHUNK_STATS_MAX_COLUMNS,
               (guint) (OFFLOAD_CHUNK_STATS_MAX_HISTOGRAM_BYTES / (1024 * 1024)));
}

/* The quotes and NUL bytes from the range's start to where its first
 * record starts, which the records do not cover. */
static gboolean
count_to (OffloadChunkReader  *self,
          guint64              to,
          GError             **error)
{
  while (self->counted_to < MIN (to, self->end))
    {
      guint64 offset = self->counted_to;
      gssize n = read_at (self, offset, (gsize) MIN (BUFFER_SIZE, MIN (to, self->end) - offset));

      if (n < 0)
        return read_failed (error);
      if (n == 0)
        return changed (error);
      note_range (self, offset, (gsize) n);
    }

  return TRUE;
}

/**
 * offload_chunk_reader_scan:
 * @self: a reader
 * @in_quotes: whether an odd number of quotes comes before the range
 * @bits: histogram bits, for the statistics
 * @plan: (nullable): what to count besides, in the same pass
 * @planned: (out) (optional) (transfer full) (nullable): what was counted
 *   of @plan
 * @error: why there are none
 *
 * Also counts the range's quotes and NUL bytes, for
 * offload_chunk_reader_get_quotes().
 *
 * Returns: (transfer full) (nullable): the statistics of the records that
 *   begin in the range
 */
OffloadChunkStats *
offload_chunk_reader_scan (OffloadChunkReader       *self,
                           gboolean                  in_quotes,
                           guint                     bits,
                           const OffloadRefinePlan  *plan,
                           OffloadRefineStats      **planned,
                           GError                  **error)
{
  g_autoptr(OffloadChunkScanner) scanner = NULL;
  gboolean is_header_chunk = FALSE;
  guint64 first = 0;

  g_return_val_if_fail (self != NULL, NULL);

  switch (find_first_record (self, in_quotes, &first, &is_header_chunk, error))
    {
    case FIRST_FAILED:
      return NULL;

    case FIRST_NONE:
      scanner = offload_chunk_scanner_new (bits, FALSE, plan, self->start);
      break;

    case FIRST_FOUND:
    default:
      scanner = offload_chunk_scanner_new (bits, is_header_chunk, plan, first);
      if (!count_to (self, first, error))
        return NULL;
      self->header = is_header_chunk ? 1 : 0;
      if (!read_records (self, offload_chunk_scanner_get_records (scanner), first,
                         scanner_too_large, scanner, error))
        {
          self->records = NULL;
          self->header = 0;
          if (offload_chunk_scanner_is_too_large (scanner))
            set_too_wide (error);
          return NULL;
        }
      self->records = NULL;
      self->header = 0;
      break;
    }

  {
    g_autoptr(OffloadRefineStats) counted = NULL;
    g_autoptr(OffloadChunkStats) stats = offload_chunk_scanner_finish (scanner, &counted);

    /* The last numbers, counted at the end, may be what is too wide. */
    if (offload_chunk_scanner_is_too_large (scanner))
      {
        set_too_wide (error);
        return NULL;
      }
    if (planned != NULL)
      *planned = g_steal_pointer (&counted);
    return g_steal_pointer (&stats);
  }
}

/**
 * offload_chunk_reader_get_quotes:
 * @self: a reader, after a scan (which may have failed)
 * @quotes: (out): the quote characters in the range
 * @first_nul: (out): where the first NUL byte in it is, or %G_MAXUINT64
 * @error: when the rest of the range could not be read
 *
 * Returns: whether the whole range was counted
 */
gboolean
offload_chunk_reader_get_quotes (OffloadChunkReader  *self,
                                 guint64             *quotes,
                                 guint64             *first_nul,
                                 GError             **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!count_to (self, self->end, error))
    return FALSE;
  *quotes = self->quotes;
  *first_nul = self->first_nul;
  return TRUE;
}

#define SAMPLE_MAX_BLOCK (G_GUINT64_CONSTANT (8) * 1024 * 1024)

/* How long the file's first line is (its header, most likely), looked for
 * in its first @limit bytes: @limit when it ends later, 0 on a read error
 * (the sample then says so). A line ends at LF or CR, as records do (a
 * file of old Mac line ends has no LF at all). A quoted line end inside
 * the header is taken for its end: the sample's blocks are then shorter
 * than they might be, which costs the sample records, never correctness. */
static guint64
first_line_length (OffloadChunkReader *self,
                   guint64             limit)
{
  for (guint64 offset = 0; offset < limit; )
    {
      gssize n = read_at (self, offset, (gsize) MIN (BUFFER_SIZE, limit - offset));

      if (n <= 0)
        return 0;
      for (gssize i = 0; i < n; i++)
        if (self->buffer[i] == '\n' || self->buffer[i] == '\r')
          return offset + (guint64) i + 1;
      offset += (guint64) n;
    }

  return limit;
}

/**
 * offload_chunk_reader_sample:
 * @self: a reader (its range is not used)
 * @file_size: the file's size
 * @error: when the file could not be read
 *
 * Reads the sample of offload_pilot_blocks() from the file.
 *
 * Returns: (transfer full) (nullable): what the sample says
 */
OffloadPilotSummary *
offload_chunk_reader_sample (OffloadChunkReader  *self,
                             guint64              file_size,
                             GError             **error)
{
  g_autoptr(OffloadPilot) pilot = NULL;
  g_autofree char *large = NULL;
  char *block;
  guint64 block_size;
  guint n_blocks;

  g_return_val_if_fail (self != NULL, NULL);

  offload_pilot_blocks (file_size, &block_size, &n_blocks);
  /* Blocks that hold a few records each, however long they are (a file
   * of thousands of columns): as many fewer blocks, the same bytes. At
   * least 16 of them, for the sample's error, so a block is never more
   * than a 16th of the budget: records longer than that (a header of
   * megabytes) leave the sample short of records, and the job's later
   * passes make up for what it did not see. */
  if (n_blocks > 1)
    {
      guint64 line = first_line_length (self, MIN (file_size, SAMPLE_MAX_BLOCK));

      if (4 * line > block_size)
        {
          guint64 budget = block_size * n_blocks;

          block_size = MAX (block_size, MIN (4 * line, budget / 16));
          n_blocks = (guint) (budget / block_size);
          if (block_size * n_blocks >= file_size)
            {
              block_size = file_size;
              n_blocks = 1;
            }
        }
    }
  pilot = offload_pilot_new (file_size, n_blocks);
  block = block_size <= BUFFER_SIZE ? self->buffer : (large = g_malloc (block_size + 1));
  for (guint i = 0; i < n_blocks; i++)
    {
      guint64 offset = file_size / n_blocks * i;
      gsize got = 0;

      while (got < block_size)
        {
          gssize n = pread (self->fd, block + got, (gsize) (block_size - got),
                            (off_t) (offset + got));

          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0)
            return read_failed (error), NULL;
          if (n == 0)
            break;
          got += (gsize) n;
        }
      if (got < block_size && offset + got < file_size)
        return changed (error), NULL;
      block[got] = '\0';
      offload_pilot_add_block (pilot, offset, block, got);
      if (!advance (self, got, error))
        return NULL;
    }

  return offload_pilot_finish (pilot);
}

typedef struct
{
  OffloadRefineStats *stats;
  gboolean            in_header;
  guint64             position;
} Refiner;

static void
refine_record (const OffloadCsvCell *cells,
               guint                 n_cells,
               gpointer              user_data)
{
  Refiner *refiner = user_data;

  if (refiner->in_header)
    {
      refiner->in_header = FALSE;
      return;
    }
  for (guint i = 0; i < n_cells; i++)
    offload_refine_stats_add_value (refiner->stats, i, cells[i].kind, cells[i].value,
                                    cells[i].text, cells[i].length);
  refiner->stats->position = ++refiner->position;
}

static gboolean
never_too_large (gpointer data)
{
  return FALSE;
}

/**
 * offload_chunk_reader_refine:
 * @self: a reader
 * @in_quotes: whether an odd number of quotes comes before the range
 * @plan: what to count
 * @error: why there is nothing
 *
 * Returns: (transfer full) (nullable): what the records that begin in the
 *   range hold of @plan
 */
OffloadRefineStats *
offload_chunk_reader_refine (OffloadChunkReader       *self,
                             gboolean                  in_quotes,
                             const OffloadRefinePlan  *plan,
                             GError                  **error)
{
  g_autoptr(OffloadRefineStats) stats = offload_refine_stats_new (plan);
  g_autoptr(OffloadCsvRecords) records = NULL;
  gboolean is_header_chunk = FALSE;
  guint64 first = 0;
  Refiner refiner = { stats, FALSE, 0 };

  g_return_val_if_fail (self != NULL, NULL);

  switch (find_first_record (self, in_quotes, &first, &is_header_chunk, error))
    {
    case FIRST_FAILED:
      return NULL;

    case FIRST_NONE:
      break;

    case FIRST_FOUND:
    default:
      /* A text value's place, for ties: this chunk's first record's
       * offset plus the record's index in the chunk. Every record is at
       * least a byte long, so the order is the file's order. */
      refiner.in_header = is_header_chunk;
      refiner.position = first;
      stats->position = first;
      records = offload_csv_records_new (refine_record, &refiner);
      if (!read_records (self, records, first, never_too_large, NULL, error))
        {
          self->records = NULL;
          return NULL;
        }
      self->records = NULL;
      break;
    }

  return g_steal_pointer (&stats);
}
