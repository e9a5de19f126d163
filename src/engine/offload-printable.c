/* offload-printable.c: text from outside, safe to show
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "offload-printable.h"

/**
 * offload_printable:
 * @text: text from outside: a server's reason phrase or header, a URL, a
 *   CSV cell or column name
 *
 * @text as it may be shown, in a terminal or a window: valid UTF-8, and
 * each control character written out as an escape. A server's "\033[2J"
 * would clear a terminal (and is a box in a label), a newline (or U+2028,
 * a line separator) in a column name split a row of a table, and the
 * marks that reorder the text after them showed "\u202eevil" as "live".
 *
 * Returns: (transfer full): the text to show
 */
char *
offload_printable (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else if ((c >= 0x80 && c < 0xa0) || c == 0x61c || c == 0x200e || c == 0x200f
               || c == 0x2028 || c == 0x2029
               || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }

  return g_string_free (out, FALSE);
}
