/* offload-varint.h: LEB128 varints, how counts and keys travel compactly
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Seven bits a byte, low bits first, the top bit set on every byte but
 * the last: small numbers take one byte. Between the worker and the
 * parent they go as base64, in JSON strings. */

static inline void
offload_varint_put (GByteArray *out,
                    guint64     value)
{
  guint8 bytes[10];
  guint n = 0;

  do
    {
      guint8 byte = value & 0x7f;

      value >>= 7;
      if (value != 0)
        byte |= 0x80;
      bytes[n++] = byte;
    }
  while (value != 0);
  g_byte_array_append (out, bytes, n);
}

/* How many bytes offload_varint_write() takes for @value. */
static inline guint
offload_varint_size (guint64 value)
{
  guint bits = value != 0 ? 64 - (guint) __builtin_clzll (value) : 1;

  return (bits + 6) / 7;
}

/* @value at @p, which has room for it: returns past it. */
static inline guint8 *
offload_varint_write (guint8  *p,
                      guint64  value)
{
  while (value >= 0x80)
    {
      *p++ = (guint8) (value | 0x80);
      value >>= 7;
    }
  *p++ = (guint8) value;
  return p;
}

/* FALSE at the end of the data or on a varint of more than 64 bits. */
static inline gboolean
offload_varint_get (const guint8 **p,
                    const guint8  *end,
                    guint64       *value)
{
  *value = 0;
  for (guint shift = 0; shift < 64; shift += 7)
    {
      guint8 byte;

      if (*p == end)
        return FALSE;
      byte = *(*p)++;
      if (shift == 63 && byte > 1)
        return FALSE;
      *value |= (guint64) (byte & 0x7f) << shift;
      if (!(byte & 0x80))
        return TRUE;
    }
  return FALSE;
}

G_END_DECLS
