/* offload-csv.c: RFC 4180 records from any byte range of a file
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "offload-csv.h"

/* A push parser: bytes go in as they are read, in pieces of any size, and
 * fields and records come out through callbacks, so a worker needs memory
 * for one field at most (and a field may not pass MAX_FIELD_BYTES).
 *
 * Commas separate fields; records end with LF, CRLF or a lone CR, as for
 * pandas. A field that starts with a quote runs to the matching quote and
 * may hold commas, newlines and doubled quotes. Blank lines, and lines of
 * only spaces and tabs, are skipped, as pandas skips them. Leniency where
 * files break the rules: text after a closing quote is kept, a quote inside
 * an unquoted field is an ordinary character; but such a stray quote breaks
 * the quote parity that chunking relies on, so the parser says it saw one
 * (offload_csv_parser_is_irregular()) and the file must then be read in
 * one piece from the first chunk that says so. A quoted field still open
 * at the end of the data is an error, as it is for pandas.
 *
 * Splitting a file: in RFC 4180 quotes come in pairs except around the one
 * field being read, so whether a byte lies inside quotes is the parity of
 * the quotes before it. A chunk [start, end) owns the records that begin
 * in it; offload_csv_count_quotes() over the earlier chunks gives its
 * starting parity, and offload_csv_find_record_start() its first record.
 * The first record of the file starts after the byte order mark, if any,
 * and belongs to the chunk that holds that position. The chunk's reader
 * then reads on past its end to finish its last record
 * (offload_csv_parser_in_record(), and feed with stop_after_record). */

#define MAX_FIELD_BYTES (32 * 1024 * 1024)

G_DEFINE_QUARK (offload-csv-error-quark, offload_csv_error)

typedef enum {
  STATE_FIELD_START,
  STATE_UNQUOTED,
  STATE_QUOTED,
  STATE_QUOTE_IN_QUOTED,   /* a quote inside quotes: doubled, or the end */
  STATE_AFTER_QUOTE,       /* after the closing quote */
} State;

struct _OffloadCsvParser
{
  OffloadCsvFieldFunc   field_func;
  OffloadCsvRecordFunc  record_func;
  gpointer              user_data;

  State                 state;
  GByteArray           *field;
  gboolean              quoted;
  gboolean              swallow_lf;   /* after a CR that ended a line */
  gboolean              irregular;
  guint                 column;
  guint64               records;
  GError               *error;
};

/**
 * offload_csv_parser_new:
 * @field_func: called for every field
 * @record_func: (nullable): called at the end of every record
 * @user_data: for both
 *
 * Returns: (transfer full): a parser at the start of a record
 */
OffloadCsvParser *
offload_csv_parser_new (OffloadCsvFieldFunc  field_func,
                        OffloadCsvRecordFunc record_func,
                        gpointer             user_data)
{
  OffloadCsvParser *self;

  g_return_val_if_fail (field_func != NULL, NULL);

  self = g_new0 (OffloadCsvParser, 1);
  self->field_func = field_func;
  self->record_func = record_func;
  self->user_data = user_data;
  self->state = STATE_FIELD_START;
  self->field = g_byte_array_new ();

  return self;
}

void
offload_csv_parser_free (OffloadCsvParser *self)
{
  if (self == NULL)
    return;

  g_byte_array_unref (self->field);
  g_clear_error (&self->error);
  g_free (self);
}

/* A field is passed on from the input itself when it lies whole in one
 * piece of it (most do), else from the copy gathered across pieces. */
static void
emit_field (OffloadCsvParser *self,
            const char       *data,
            gsize             length)
{
  self->field_func (self->column, data, length, self->quoted, self->user_data);
  self->column++;
  if (self->field->len > 0)
    g_byte_array_set_size (self->field, 0);
  self->quoted = FALSE;
  self->state = STATE_FIELD_START;
}

static void
end_field (OffloadCsvParser *self)
{
  emit_field (self, (const char *) self->field->data, self->field->len);
}

static gboolean
only_blanks (const char *data,
             gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (data[i] != ' ' && data[i] != '\t')
      return FALSE;

  return TRUE;
}

/* At a line end outside quotes, with the last field's bytes. */
static void
end_record_with (OffloadCsvParser *self,
                 const char       *data,
                 gsize             length)
{
  /* A blank line, or one of only spaces and tabs, is no record. */
  if (self->column == 0 && !self->quoted && only_blanks (data, length))
    {
      g_byte_array_set_size (self->field, 0);
      self->state = STATE_FIELD_START;
      return;
    }

  emit_field (self, data, length);
  self->records++;
  if (self->record_func != NULL)
    self->record_func (self->column, self->user_data);
  self->column = 0;
}

static void
end_record (OffloadCsvParser *self)
{
  end_record_with (self, (const char *) self->field->data, self->field->len);
}

static gboolean
append (OffloadCsvParser *self,
        const char       *data,
        gsize             length)
{
  if (self->field->len + length > MAX_FIELD_BYTES)
    {
      /* A quote only when there is one: a field of 50 MB without any
       * said an unclosed quote might be the cause. */
      if (self->state == STATE_QUOTED || self->state == STATE_QUOTE_IN_QUOTED)
        g_set_error (&self->error, OFFLOAD_CSV_ERROR, OFFLOAD_CSV_ERROR_FIELD_TOO_LARGE,
                     _("A field is larger than %u MiB; an unclosed quote may have swallowed "
                       "the rest of the file"), MAX_FIELD_BYTES / (1024 * 1024));
      else
        g_set_error (&self->error, OFFLOAD_CSV_ERROR, OFFLOAD_CSV_ERROR_FIELD_TOO_LARGE,
                     _("A field is larger than %u MiB, the most Offload reads in one field"),
                     MAX_FIELD_BYTES / (1024 * 1024));
      return FALSE;
    }

  g_byte_array_append (self->field, (const guint8 *) data, (guint) length);
  return TRUE;
}

/**
 * offload_csv_parser_feed:
 * @self: a parser
 * @data: (array length=length): the next bytes
 * @length: how many
 * @stop_after_record: return at the end of the current line (a record or
 *   a blank line): how a chunk's reader finishes the record it is in
 *
 * Returns: how many bytes were used: @length, or with @stop_after_record
 *   the bytes up to and including the newline that ended the line
 */
gsize
offload_csv_parser_feed (OffloadCsvParser *self,
                         const char       *data,
                         gsize             length,
                         gboolean          stop_after_record)
{
  const char *p = data;
  const char *end = data + length;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (data != NULL || length == 0, 0);

  if (self->error != NULL)
    return length;

  while (p < end)
    {
      /* The LF of a CRLF whose CR already ended the line. */
      if (self->swallow_lf)
        {
          self->swallow_lf = FALSE;
          if (*p == '\n')
            {
              p++;
              continue;
            }
        }

      switch (self->state)
        {
        case STATE_FIELD_START:
          if (*p == '"')
            {
              self->quoted = TRUE;
              self->state = STATE_QUOTED;
              p++;
              continue;
            }
          self->state = STATE_UNQUOTED;
          G_GNUC_FALLTHROUGH;

        case STATE_UNQUOTED:
          {
            /* The common case, a run of plain bytes, in one append. */
            const char *run = p;

            while (p < end && *p != ',' && *p != '\n' && *p != '\r' && *p != '"')
              p++;
            if (p < end && *p == '"')
              {
                /* A quote inside an unquoted field: kept, but noted. */
                self->irregular = TRUE;
                while (p < end && *p != ',' && *p != '\n' && *p != '\r')
                  p++;
              }

            /* Whole in this piece: no copy. */
            if (p < end && self->field->len == 0 && (gsize) (p - run) <= MAX_FIELD_BYTES)
              {
                gsize n = (gsize) (p - run);

                if (*p++ == ',')
                  {
                    emit_field (self, run, n);
                    break;
                  }
                self->swallow_lf = p[-1] == '\r';
                end_record_with (self, run, n);
                if (stop_after_record)
                  return (gsize) (p - data);
                break;
              }

            if (!append (self, run, (gsize) (p - run)))
              return length;
            if (p == end)
              break;
            if (*p == ',')
              {
                p++;
                end_field (self);
                break;
              }
            self->swallow_lf = *p++ == '\r';
            end_record (self);
            if (stop_after_record)
              return (gsize) (p - data);
          }
          break;

        case STATE_QUOTED:
          {
            const char *run = p;
            const char *quote = memchr (p, '"', (gsize) (end - p));

            p = quote != NULL ? quote : end;
            if (!append (self, run, (gsize) (p - run)))
              return length;
            if (p < end)
              {
                self->state = STATE_QUOTE_IN_QUOTED;
                p++;
              }
          }
          break;

        case STATE_QUOTE_IN_QUOTED:
          if (*p == '"')
            {
              if (!append (self, "\"", 1))
                return length;
              self->state = STATE_QUOTED;
              p++;
              break;
            }
          self->state = STATE_AFTER_QUOTE;
          G_GNUC_FALLTHROUGH;

        case STATE_AFTER_QUOTE:
          if (*p == ',')
            {
              p++;
              end_field (self);
            }
          else if (*p == '\n' || *p == '\r')
            {
              self->swallow_lf = *p++ == '\r';
              end_record (self);
              if (stop_after_record)
                return (gsize) (p - data);
            }
          else
            {
              if (*p == '"')
                self->irregular = TRUE;
              if (!append (self, p, 1))
                return length;
              p++;
            }
          break;

        default:
          g_assert_not_reached ();
        }
    }

  return length;
}

/**
 * offload_csv_parser_finish:
 * @self: a parser
 *
 * Ends the last record when the data did not end with a newline.
 */
void
offload_csv_parser_finish (OffloadCsvParser *self)
{
  g_return_if_fail (self != NULL);

  if (self->error != NULL)
    return;

  if (self->state == STATE_QUOTED)
    {
      g_set_error_literal (&self->error, OFFLOAD_CSV_ERROR, OFFLOAD_CSV_ERROR_UNCLOSED_QUOTE,
                           _("The data ends inside a quoted field: a closing quote is missing"));
      return;
    }

  if (self->column > 0 || self->field->len > 0 || self->quoted)
    end_record (self);
  self->state = STATE_FIELD_START;
}

/**
 * offload_csv_parser_get_error:
 * @self: a parser
 *
 * Returns: (nullable) (transfer none): why the data is not CSV the parser
 *   can read (it then ignores what follows)
 */
const GError *
offload_csv_parser_get_error (OffloadCsvParser *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->error;
}

/**
 * offload_csv_parser_is_irregular:
 * @self: a parser
 *
 * Returns: whether it met a quote outside the rules (in an unquoted field,
 *   or after a closing quote), which makes quote parity, and so chunking,
 *   unreliable from there on
 */
gboolean
offload_csv_parser_is_irregular (OffloadCsvParser *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->irregular;
}

/**
 * offload_csv_parser_in_record:
 * @self: a parser
 *
 * Returns: whether a record has begun and not ended yet: a chunk's reader
 *   then reads on past the chunk's end to finish it
 */
gboolean
offload_csv_parser_in_record (OffloadCsvParser *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->state != STATE_FIELD_START || self->column > 0 || self->field->len > 0;
}

guint64
offload_csv_parser_get_records (OffloadCsvParser *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->records;
}

/**
 * offload_csv_count_quotes:
 * @data: (array length=length): bytes
 * @length: how many
 *
 * Returns: how many quote characters they hold
 */
guint64
offload_csv_count_quotes (const char *data,
                          gsize       length)
{
  const char *p = data;
  const char *end = data + length;
  guint64 count = 0;

  while (p < end && (p = memchr (p, '"', (gsize) (end - p))) != NULL)
    {
      count++;
      p++;
    }

  return count;
}

/**
 * offload_csv_count_quotes_and_nul:
 * @data: (array length=length): bytes
 * @length: how many
 * @quotes: (inout): increased by the quote characters they hold
 * @first_nul: (inout): set to the index of the first NUL byte, if any and
 *   if it is still %G_MAXSIZE
 *
 * Both in one look at the bytes, 64 at a time where SSE2 is there: most
 * blocks of a file hold neither.
 */
void
offload_csv_count_quotes_and_nul (const char *data,
                                  gsize       length,
                                  guint64    *quotes,
                                  gsize      *first_nul)
{
  gsize i = 0;

#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8 ('"');
  const __m128i zero = _mm_setzero_si128 ();

  for (; i + 64 <= length; i += 64)
    {
      __m128i a = _mm_loadu_si128 ((const void *) (data + i));
      __m128i b = _mm_loadu_si128 ((const void *) (data + i + 16));
      __m128i c = _mm_loadu_si128 ((const void *) (data + i + 32));
      __m128i d = _mm_loadu_si128 ((const void *) (data + i + 48));
      __m128i any = _mm_or_si128 (_mm_cmpeq_epi8 (a, quote), _mm_cmpeq_epi8 (a, zero));

      any = _mm_or_si128 (any, _mm_or_si128 (_mm_cmpeq_epi8 (b, quote), _mm_cmpeq_epi8 (b, zero)));
      any = _mm_or_si128 (any, _mm_or_si128 (_mm_cmpeq_epi8 (c, quote), _mm_cmpeq_epi8 (c, zero)));
      any = _mm_or_si128 (any, _mm_or_si128 (_mm_cmpeq_epi8 (d, quote), _mm_cmpeq_epi8 (d, zero)));
      if (G_LIKELY (_mm_movemask_epi8 (any) == 0))
        continue;
      {
        const __m128i parts[4] = { a, b, c, d };
        /* Each quote's byte is -1: subtracted, the four parts count at
         * most 4 in a byte, which one sum of absolute differences adds
         * up. (__builtin_popcount is a call into libgcc on x86-64's
         * baseline, 1 % of a worker's time on a file of quoted text.) */
        __m128i counts = zero;

        for (guint k = 0; k < 4; k++)
          {
            guint z = (guint) _mm_movemask_epi8 (_mm_cmpeq_epi8 (parts[k], zero));

            counts = _mm_sub_epi8 (counts, _mm_cmpeq_epi8 (parts[k], quote));
            if (G_UNLIKELY (z != 0) && *first_nul == G_MAXSIZE)
              *first_nul = i + 16 * k + (guint) __builtin_ctz (z);
          }
        counts = _mm_sad_epu8 (counts, zero);
        *quotes += (guint64) _mm_cvtsi128_si64 (counts)
                   + (guint64) _mm_cvtsi128_si64 (_mm_unpackhi_epi64 (counts, counts));
      }
    }
#endif

  for (; i < length; i++)
    if (data[i] == '"')
      (*quotes)++;
    else if (data[i] == '\0' && *first_nul == G_MAXSIZE)
      *first_nul = i;
}

/**
 * offload_csv_find_record_start:
 * @data: (array length=length): bytes from one byte before a chunk's start
 * @length: how many
 * @in_quotes: whether the first byte lies inside quotes (an odd number of
 *   quotes before it in the file)
 * @offset: (out): where the first record that begins after the first byte
 *   starts, relative to @data
 *
 * Returns: whether a record starts in @data
 */
gboolean
offload_csv_find_record_start (const char *data,
                               gsize       length,
                               gboolean    in_quotes,
                               gsize      *offset)
{
  g_return_val_if_fail (offset != NULL, FALSE);

  for (gsize i = 0; i < length; i++)
    {
      if (data[i] == '"')
        in_quotes = !in_quotes;
      else if (!in_quotes && data[i] == '\n')
        {
          *offset = i + 1;
          return TRUE;
        }
      else if (!in_quotes && data[i] == '\r')
        {
          /* CRLF is one line end; a lone CR is one too. A CR that is the
           * last byte of the file starts nothing. */
          if (i + 1 == length)
            return FALSE;
          *offset = data[i + 1] == '\n' ? i + 2 : i + 1;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * offload_csv_skip_bom:
 * @data: (array length=length): the start of a file
 * @length: how many bytes
 *
 * Returns: 3 when the file starts with a UTF-8 byte order mark, else 0
 */
gsize
offload_csv_skip_bom (const char *data,
                      gsize       length)
{
  return length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}
