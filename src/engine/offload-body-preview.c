/* offload-body-preview.c: a readable preview of a response body
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "offload-body-preview.h"

/* Pure functions of the bytes, run in the fetch worker thread: parsing and
 * pretty-printing a large JSON body is exactly the kind of work that must not
 * happen on the main thread. */

G_DEFINE_ENUM_TYPE (OffloadPreviewKind, offload_preview_kind,
                    G_DEFINE_ENUM_VALUE (OFFLOAD_PREVIEW_NONE, "none"),
                    G_DEFINE_ENUM_VALUE (OFFLOAD_PREVIEW_JSON, "json"),
                    G_DEFINE_ENUM_VALUE (OFFLOAD_PREVIEW_TEXT, "text"),
                    G_DEFINE_ENUM_VALUE (OFFLOAD_PREVIEW_HEX, "hex"))

static gboolean
looks_like_json (const guint8 *data,
                 gsize         length,
                 const char   *content_type)
{
  if (content_type != NULL && strstr (content_type, "json") != NULL)
    return TRUE;

  for (gsize i = 0; i < length; i++)
    {
      if (g_ascii_isspace (data[i]))
        continue;
      return data[i] == '{' || data[i] == '[';
    }

  return FALSE;
}

/* json-glib parses recursively: a body of 200,000 '[' overflows the
 * thread's stack. And pretty-printing multiplies the size by the depth
 * (a 256 KiB body nested 1000 deep becomes 262 MB). So deep documents are
 * shown as text, and so is a formatted result far larger than the body. */
#define MAX_JSON_DEPTH         64
#define MAX_PRETTY_GROWTH      4
#define MIN_PRETTY_LIMIT       (64 * 1024)

/* What strict JSON may hold outside its strings: json-glib also takes
 * comments and single-quoted strings, which would hide brackets from the
 * count below (a server's body of 100,000 '[' behind a comment overflowed
 * a fetch thread's stack). A body with anything else is shown as text. */
static gboolean
is_json_outside_string (guint8 c)
{
  switch (c)
    {
    case ' ': case '\t': case '\r': case '\n':
    case '[': case ']': case '{': case '}': case ',': case ':':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
    case '+': case '-': case '.': case 'e': case 'E':
    /* true, false, null */
    case 't': case 'r': case 'u': case 'f': case 'a': case 'l': case 's': case 'n':
      return TRUE;
    default:
      return FALSE;
    }
}

/* Whether @data is nested at most MAX_JSON_DEPTH deep, in strict JSON's
 * syntax, and its pretty form would stay within @limit bytes: each comma,
 * bracket and brace starts a line indented by the depth (estimated before
 * anything is built: 131,000 elements 63 deep took 31 MB to format, and a
 * fetch runs up to 64 of these at once). */
static gboolean
json_shape_ok (const guint8 *data,
               gsize         length,
               gsize         limit)
{
  gboolean in_string = FALSE;
  guint depth = 0;
  gsize estimate = length;

  for (gsize i = 0; i < length; i++)
    {
      guint8 c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        {
          in_string = TRUE;
          continue;
        }
      if (!is_json_outside_string (c))
        return FALSE;
      if (c == '[' || c == '{')
        {
          if (++depth > MAX_JSON_DEPTH)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
      else if (c != ',')
        continue;
      estimate += 1 + 2 * (gsize) depth;
      if (estimate > limit)
        return FALSE;
    }

  return TRUE;
}

/* Valid UTF-8 without control characters other than whitespace, allowing
 * a multi-byte character cut off at the end of an incomplete preview. */
static gboolean
is_text (const guint8 *data,
         gsize         length,
         gboolean      complete)
{
  const char *end = NULL;

  if (!g_utf8_validate ((const char *) data, (gssize) length, &end))
    {
      gsize rest = length - (gsize) ((const guint8 *) end - data);

      if (complete || rest >= 4)
        return FALSE;
    }

  for (const guint8 *p = data; p < (const guint8 *) end; p++)
    if (*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t')
      return FALSE;

  return TRUE;
}

/* Appends a line break and the indent of @depth. */
static void
new_line (GString *out,
          guint    depth)
{
  g_string_append_c (out, '\n');
  for (guint i = 0; i < depth; i++)
    g_string_append (out, "  ");
}

/* The body laid out again from its own text: each member and element on a
 * line, indented by its depth. Its tokens are copied as they came:
 * json-glib's generator wrote a number it had parsed (9.83 as
 * 9.8300000000000001), and a preview shows what was received.
 *
 * A whole body is checked by json-glib first. The start of a longer one
 * (minified JSON past the 256 KiB kept: what most APIs send) cannot be,
 * but it is laid out all the same when it has JSON's shape: shown as text,
 * it was one line of 256 KiB, which the details view cannot lay out
 * without holding the main loop for a tenth of a second. */
static char *
pretty_json (const guint8 *data,
             gsize         length,
             gboolean      complete)
{
  GString *out;
  gsize limit = MAX (MIN_PRETTY_LIMIT, MAX_PRETTY_GROWTH * length);
  gboolean in_string = FALSE;
  guint depth = 0;

  if (!json_shape_ok (data, length, limit))
    return NULL;

  if (complete)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (!json_parser_load_from_data (parser, (const char *) data, (gssize) length, NULL))
        return NULL;
    }

  out = g_string_sized_new (length + length / 2);
  for (gsize i = 0; i < length; i++)
    {
      guint8 c = data[i];

      if (in_string)
        {
          g_string_append_c (out, (char) c);
          if (c == '\\' && i + 1 < length)
            g_string_append_c (out, (char) data[++i]);
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      switch (c)
        {
        case ' ': case '\t': case '\r': case '\n':
          break;

        case '"':
          in_string = TRUE;
          g_string_append_c (out, '"');
          break;

        case '{': case '[':
          {
            gsize next = i + 1;

            while (next < length && g_ascii_isspace (data[next]))
              next++;
            g_string_append_c (out, (char) c);
            /* Empty: {} and [] stay on their line. */
            if (next < length && data[next] == (c == '{' ? '}' : ']'))
              {
                g_string_append_c (out, (char) data[next]);
                i = next;
              }
            else
              new_line (out, ++depth);
          }
          break;

        case '}': case ']':
          new_line (out, depth > 0 ? --depth : 0);
          g_string_append_c (out, (char) c);
          break;

        case ',':
          g_string_append_c (out, ',');
          new_line (out, depth);
          break;

        case ':':
          g_string_append (out, ": ");
          break;

        default:
          g_string_append_c (out, (char) c);
          break;
        }
    }

  /* Within what json_shape_ok() estimated, but it is the bound. And
   * unchecked, the start of a body must still be UTF-8 (its strings' bytes
   * are copied as they came), but for a character cut at the end. */
  if (out->len > limit || !is_text ((const guint8 *) out->str, out->len, complete))
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  if (!complete)
    {
      const char *end = NULL;

      g_utf8_validate (out->str, (gssize) out->len, &end);
      g_string_truncate (out, (gsize) (end - out->str));
    }

  return g_string_free (out, FALSE);
}

/* The charset parameter of a Content-Type, lower case, or NULL. */
static char *
charset_of (const char *content_type)
{
  const char *p;
  gsize length;

  if (content_type == NULL)
    return NULL;
  for (p = strchr (content_type, ';'); p != NULL; p = strchr (p + 1, ';'))
    {
      const char *name = p + 1;

      while (*name == ' ' || *name == '\t')
        name++;
      if (g_ascii_strncasecmp (name, "charset=", strlen ("charset=")) != 0)
        continue;
      name += strlen ("charset=");
      if (*name == '"')
        name++;
      length = strcspn (name, "\";, \t");
      return length > 0 ? g_ascii_strdown (name, (gssize) length) : NULL;
    }

  return NULL;
}

/* @data in the @charset its Content-Type declares, as UTF-8; NULL when
 * that cannot be done (a charset iconv does not know, bytes not in it).
 * The last character of a preview cut short may be cut too. */
static char *
from_charset (const guint8 *data,
              gsize         length,
              gboolean      complete,
              const char   *charset)
{
  g_autoptr(GError) error = NULL;
  gsize read = 0;
  char *converted;

  converted = g_convert ((const char *) data, (gssize) length, "UTF-8", charset, &read, NULL,
                         &error);
  if (converted == NULL && !complete && read > 0
      && g_error_matches (error, G_CONVERT_ERROR, G_CONVERT_ERROR_PARTIAL_INPUT))
    converted = g_convert ((const char *) data, (gssize) read, "UTF-8", charset, NULL, NULL,
                           NULL);

  return converted;
}

/* "OOOOOOOO " + 16 x " xx" + " " + "  |" + 16 + "|\n" */
#define HEX_LINE_LENGTH (9 + 48 + 1 + 3 + 16 + 2)

/* The classic view: an offset, 16 bytes in hex in two groups of eight,
 * and the printable ones. Written by hand, not with printf: 12 KiB of it
 * took 12,000 calls, 2 ms a body, which showed in 64 downloads of 16 MiB
 * (85 of the 166 ms of user CPU of `offload fetch`). */
static char *
hex_dump (const guint8 *data,
          gsize         length)
{
  static const char digits[] = "0123456789abcdef";
  gsize shown = MIN (length, OFFLOAD_PREVIEW_MAX_HEX_BYTES);
  GString *out = g_string_sized_new ((shown + 15) / 16 * HEX_LINE_LENGTH + 1);

  for (gsize offset = 0; offset < shown; offset += 16)
    {
      char line[HEX_LINE_LENGTH];
      char *q = line;

      for (int shift = 28; shift >= 0; shift -= 4)
        *q++ = digits[(offset >> shift) & 0xf];
      *q++ = ' ';
      for (gsize i = 0; i < 16; i++)
        {
          *q++ = ' ';
          if (offset + i < shown)
            {
              *q++ = digits[data[offset + i] >> 4];
              *q++ = digits[data[offset + i] & 0xf];
            }
          else
            {
              *q++ = ' ';
              *q++ = ' ';
            }
          if (i == 7)
            *q++ = ' ';
        }
      *q++ = ' ';
      *q++ = ' ';
      *q++ = '|';
      for (gsize i = 0; i < 16 && offset + i < shown; i++)
        {
          guint8 c = data[offset + i];

          *q++ = c >= 0x20 && c < 0x7f ? (char) c : '.';
        }
      *q++ = '|';
      *q++ = '\n';
      g_string_append_len (out, line, q - line);
    }

  return g_string_free (out, FALSE);
}

/**
 * offload_body_preview:
 * @data: (array length=length): the first bytes of a body
 * @length: how many
 * @complete: whether @data is the whole body
 * @content_type: (nullable): the Content-Type, without parameters or with
 * @kind: (out): what the preview is
 *
 * Makes a preview: pretty-printed JSON when the body is complete JSON, text
 * when it is text, a hex view of the first %OFFLOAD_PREVIEW_MAX_HEX_BYTES
 * otherwise. The caller says in the UI when only the start was kept.
 *
 * Returns: (transfer full) (nullable): the preview, %NULL for an empty body
 */
char *
offload_body_preview (const guint8       *data,
                      gsize               length,
                      gboolean            complete,
                      const char         *content_type,
                      OffloadPreviewKind *kind)
{
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (kind != NULL, NULL);

  if (length == 0)
    {
      *kind = OFFLOAD_PREVIEW_NONE;
      return NULL;
    }

  if (looks_like_json (data, length, content_type))
    {
      char *pretty = pretty_json (data, length, complete);

      if (pretty != NULL)
        {
          *kind = OFFLOAD_PREVIEW_JSON;
          return pretty;
        }
    }

  /* Text in the charset it declares (ISO-8859-1, windows-1252…): as text,
   * not as a hex view of "binary" bytes. */
  {
    g_autofree char *charset = charset_of (content_type);

    if (charset != NULL && strcmp (charset, "utf-8") != 0 && strcmp (charset, "utf8") != 0
        && strcmp (charset, "us-ascii") != 0)
      {
        g_autofree char *converted = NULL;

        /* Labelled Latin-1, sent as windows-1252 (its 0x80-0x9F are
         * punctuation: – “ ” €), as browsers read it; Latin-1 itself if
         * a byte is none of windows-1252's. */
        if (strcmp (charset, "iso-8859-1") == 0 || strcmp (charset, "latin1") == 0
            || strcmp (charset, "iso_8859-1") == 0 || strcmp (charset, "l1") == 0)
          converted = from_charset (data, length, complete, "windows-1252");
        if (converted == NULL)
          converted = from_charset (data, length, complete, charset);

        if (converted != NULL && is_text ((const guint8 *) converted, strlen (converted), TRUE))
          {
            *kind = OFFLOAD_PREVIEW_TEXT;
            return g_steal_pointer (&converted);
          }
      }
  }

  if (is_text (data, length, complete))
    {
      const char *end = NULL;

      g_utf8_validate ((const char *) data, (gssize) length, &end);
      *kind = OFFLOAD_PREVIEW_TEXT;
      return g_strndup ((const char *) data, (gsize) ((const guint8 *) end - data));
    }

  *kind = OFFLOAD_PREVIEW_HEX;
  return hex_dump (data, length);
}

/**
 * offload_preview_break_lines:
 * @text: UTF-8 text
 * @length: its length in bytes, at a character's end
 * @max_chars: the most characters a line may have
 *
 * Breaks each line of @text longer than @max_chars into lines of at most
 * that many characters: after the last space or comma in the last tenth of
 * a piece when there is one, so that words and JSON values stay whole,
 * else at @max_chars. Nothing else changes.
 *
 * Returns: (transfer full): the text, broken
 */
GString *
offload_preview_break_lines (const char *text,
                             gsize       length,
                             guint       max_chars)
{
  GString *out;
  const char *end = text + length;
  const char *piece = text;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (max_chars > 0, NULL);

  out = g_string_sized_new (length + length / max_chars + 1);
  while (piece < end)
    {
      const char *p = piece;
      const char *soft = NULL;
      guint chars = 0;

      while (p < end && *p != '\n' && chars < max_chars)
        {
          if ((*p == ' ' || *p == ',') && chars >= max_chars - max_chars / 10)
            soft = p + 1;
          p = g_utf8_next_char (p);
          chars++;
        }
      if (p < end && *p == '\n')
        p++;
      else if (p < end && soft != NULL)
        p = soft;
      g_string_append_len (out, piece, p - piece);
      if (p < end && p[-1] != '\n')
        g_string_append_c (out, '\n');
      piece = p;
    }

  return out;
}
