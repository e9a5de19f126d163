/* offload-json.c: JSON as the workers and the exports write and read it
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "offload-json.h"

/* json-glib 1.6 writes a double with g_ascii_dtostr() and appends ".0"
 * when the text has no point, so that it reads back as a double: 1e20
 * becomes "1e+20.0", which is not JSON. A file holding such a number made
 * a worker's result garbage to its parent and the job failed. What json-glib
 * writes is therefore mended: a ".0" right after an exponent's digits,
 * outside strings, goes. */

/* Inside a string, text in place from *@r to *@w: to the string's next
 * quote or backslash in one go (a worker's result holds megabytes of
 * base64 in strings), then that character, and an escaped one after a
 * backslash. Clears *@in_string at the closing quote. */
static void
copy_string_run (const char **r,
                 char       **w,
                 gboolean    *in_string)
{
  gsize n = strcspn (*r, "\"\\");
  char c;

  if (*w != *r)
    memmove (*w, *r, n);
  *w += n;
  *r += n;
  c = **r;
  if (c == '\0')
    return;
  *(*w)++ = *(*r)++;
  if (c == '\\' && **r != '\0')
    *(*w)++ = *(*r)++;
  else if (c == '"')
    *in_string = FALSE;
}

/**
 * offload_json_fix_numbers:
 * @text: JSON text as json-glib writes it; mended in place
 */
void
offload_json_fix_numbers (char *text)
{
  const char *r = text;
  char *w = text;
  gboolean in_string = FALSE;

  g_return_if_fail (text != NULL);

  while (*r != '\0')
    {
      char c = *r;

      if (in_string)
        {
          copy_string_run (&r, &w, &in_string);
          continue;
        }
      if (c == '"')
        {
          in_string = TRUE;
          *w++ = *r++;
          continue;
        }
      /* Outside strings an e after a digit is a number's exponent (true
       * and false have theirs after letters). */
      if ((c == 'e' || c == 'E') && w > text && g_ascii_isdigit (w[-1]))
        {
          *w++ = *r++;
          if (*r == '+' || *r == '-')
            *w++ = *r++;
          while (g_ascii_isdigit (*r))
            *w++ = *r++;
          if (r[0] == '.' && r[1] == '0' && !g_ascii_isdigit (r[2]))
            r += 2;
          continue;
        }
      *w++ = *r++;
    }
  *w = '\0';
}

/**
 * offload_json_to_string:
 * @node: a JSON tree
 * @pretty: indented, for people
 *
 * Returns: (transfer full): valid JSON text, numbers with exponents
 *   included
 */
char *
offload_json_to_string (JsonNode *node,
                        gboolean  pretty)
{
  char *text;

  g_return_val_if_fail (node != NULL, NULL);

  text = json_to_string (node, pretty);
  offload_json_fix_numbers (text);
  return text;
}

/* The shortest of %.15g, %.16g and %.17g that reads back as @value, if
 * shorter than @length bytes; written to @out with a ".0" kept for a
 * whole number, so that it stays a double to json-glib. */
static gsize
shortest (double  value,
          gsize   length,
          char   *out)
{
  for (int precision = 15; precision <= 17; precision++)
    {
      char format[8];
      char buffer[G_ASCII_DTOSTR_BUF_SIZE + 2];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buffer, G_ASCII_DTOSTR_BUF_SIZE, format, value);
      if (g_ascii_strtod (buffer, NULL) != value)
        continue;
      if (strpbrk (buffer, ".eEn") == NULL)
        strcat (buffer, ".0");
      if (strlen (buffer) >= length)
        return 0;
      memcpy (out, buffer, strlen (buffer));
      return strlen (buffer);
    }

  return 0;
}

/**
 * offload_json_to_display_string:
 * @node: a JSON tree
 * @pretty: indented, for people
 *
 * As offload_json_to_string(), for people and their scripts: each
 * fractional number in the fewest digits that still read back as the same
 * double (json-glib writes 17, so 0.02058 came out as
 * 0.020580000000000001). Not for the workers' messages, which keep what
 * json-glib writes.
 *
 * Returns: (transfer full): valid JSON text
 */
char *
offload_json_to_display_string (JsonNode *node,
                                gboolean  pretty)
{
  char *text;
  const char *r;
  char *w;
  gboolean in_string = FALSE;

  g_return_val_if_fail (node != NULL, NULL);

  text = offload_json_to_string (node, pretty);
  r = w = text;
  while (*r != '\0')
    {
      char c = *r;

      if (in_string)
        {
          copy_string_run (&r, &w, &in_string);
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '-' || g_ascii_isdigit (c))
        {
          gsize length = strspn (r, "+-0123456789.eE");

          if (memchr (r, '.', length) != NULL || memchr (r, 'e', length) != NULL
              || memchr (r, 'E', length) != NULL)
            {
              g_autofree char *token = g_strndup (r, length);
              gsize n = shortest (g_ascii_strtod (token, NULL), length, w);

              if (n > 0)
                {
                  w += n;
                  r += length;
                  continue;
                }
            }
          memmove (w, r, length);
          w += length;
          r += length;
          continue;
        }
      *w++ = *r++;
    }
  *w = '\0';

  return text;
}
