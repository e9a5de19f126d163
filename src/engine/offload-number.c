/* offload-number.c: CSV cells as pandas reads them, numbers parsed exactly
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "offload-number.h"

/* Every number must come out exactly as strtod() in the C locale gives it,
 * and most must come out fast. Clinger's fast path: when the significant
 * digits fit in 53 bits and the power of ten is at most 22, both are exact
 * doubles and one multiplication or division rounds correctly. Everything
 * else (long mantissas, large exponents, denormals) goes to g_ascii_strtod(),
 * which is strtod_l() with the C locale on glibc. The grammar is ours, so
 * that what strtod would also take (hex floats, "nan(...)") is text, as it
 * is for pandas. */

#define MAX_FAST_DIGITS 19
#define MAX_EXACT_MANTISSA (G_GUINT64_CONSTANT (1) << 53)

static const double powers_of_ten[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* pandas' default na_values (read_csv: keep_default_na), with their
 * lengths: a cell is compared only with the words of its own length. */
#define NA(word) { word, sizeof word - 1 }
static const struct
{
  const char *word;
  gsize       length;
} na_strings[] = {
  NA (""), NA ("#N/A"), NA ("#N/A N/A"), NA ("#NA"), NA ("-1.#IND"), NA ("-1.#QNAN"),
  NA ("-NaN"), NA ("-nan"), NA ("1.#IND"), NA ("1.#QNAN"), NA ("<NA>"), NA ("N/A"), NA ("NA"),
  NA ("NULL"), NA ("NaN"), NA ("None"), NA ("n/a"), NA ("nan"), NA ("null"),
};
#undef NA

static inline gboolean
is_blank (char c)
{
  /* What pandas' number reader skips around a number: C's isspace(). A
   * line end is one only in a quoted cell. */
  return c == ' ' || (c >= '\t' && c <= '\r');
}

static gboolean
equal_ascii_nocase (const char *text,
                    gsize       length,
                    const char *word)
{
  return strlen (word) == length && g_ascii_strncasecmp (text, word, length) == 0;
}

/**
 * offload_cell_is_na:
 * @text: (array length=length): the cell's bytes, unquoted
 * @length: how many
 *
 * Returns: whether pandas reads the cell as missing by default
 */
gboolean
offload_cell_is_na (const char *text,
                    gsize       length)
{
  /* An empty cell is missing; every missing word starts with one of
   * these. */
  if (length == 0)
    return TRUE;
  if (length > 8 || strchr ("#-1<Nn", text[0]) == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (na_strings); i++)
    if (na_strings[i].length == length && memcmp (text, na_strings[i].word, length) == 0)
      return TRUE;

  return FALSE;
}

/**
 * offload_number_parse:
 * @text: (array length=length): the bytes, not necessarily NUL-terminated
 * @length: how many
 * @value: (out): the number
 *
 * Parses a decimal number: optional blanks, an optional sign, digits with
 * an optional fraction, an optional exponent, optional blanks; or inf,
 * infinity (any case, with a sign). The value is exactly what strtod() in
 * the C locale gives for the same text. A finite number too large for a
 * double is not a number (pandas reads it as text); one too small is 0.
 *
 * Returns: whether the whole text is such a number
 */
gboolean
offload_number_parse (const char *text,
                      gsize       length,
                      double     *value)
{
  const char *p = text;
  const char *end;
  const char *number_start;
  gboolean negative = FALSE;
  guint64 mantissa = 0;
  guint significant = 0;
  gint64 exponent = 0;
  gboolean any_digit = FALSE;
  gboolean truncated = FALSE;

  g_return_val_if_fail (text != NULL || length == 0, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (length == 0)
    return FALSE;               /* and no arithmetic on a NULL text */
  end = text + length;
  while (p < end && is_blank (*p))
    p++;
  while (end > p && is_blank (end[-1]))
    end--;
  if (p == end)
    return FALSE;

  number_start = p;
  if (*p == '+' || *p == '-')
    negative = *p++ == '-';

  /* The words for infinity, as pandas takes them: the whole cell, with no
   * blank around it (" inf" is text to pandas, " 1" a number). */
  if (p < end && (*p == 'i' || *p == 'I'))
    {
      if (number_start == text && end == text + length
          && (equal_ascii_nocase (p, end - p, "inf")
              || equal_ascii_nocase (p, end - p, "infinity")))
        {
          *value = negative ? -INFINITY : INFINITY;
          return TRUE;
        }
      return FALSE;
    }

  /* The common case first: up to 19 digits in all (so the mantissa
   * cannot overflow), no exponent, within the exact fast path below. */
  if (FLT_EVAL_METHOD == 0)
    {
      const char *q = p;
      guint64 m = 0;
      guint digits = 0, fraction = 0;

      while (q < end && (guint) (*q - '0') < 10)
        {
          m = m * 10 + (guint) (*q++ - '0');
          digits++;
        }
      if (q < end && *q == '.')
        for (q++; q < end && (guint) (*q - '0') < 10; q++)
          {
            m = m * 10 + (guint) (*q - '0');
            digits++;
            fraction++;
          }
      if (q == end && digits > 0 && digits <= 19 && fraction <= 22 && m <= MAX_EXACT_MANTISSA)
        {
          double result = fraction > 0 ? (double) m / powers_of_ten[fraction] : (double) m;

          *value = negative ? -result : result;
          return TRUE;
        }
    }

  /* Integer part. */
  while (p < end && g_ascii_isdigit (*p))
    {
      any_digit = TRUE;
      if (mantissa == 0 && *p == '0')
        ;                                   /* leading zeros are not significant */
      else if (significant < MAX_FAST_DIGITS)
        {
          mantissa = mantissa * 10 + (guint64) (*p - '0');
          significant++;
        }
      else
        {
          exponent++;
          truncated = TRUE;
        }
      p++;
    }

  /* Fraction. */
  if (p < end && *p == '.')
    {
      p++;
      while (p < end && g_ascii_isdigit (*p))
        {
          any_digit = TRUE;
          if (mantissa == 0 && *p == '0')
            exponent--;
          else if (significant < MAX_FAST_DIGITS)
            {
              mantissa = mantissa * 10 + (guint64) (*p - '0');
              significant++;
              exponent--;
            }
          else
            truncated = TRUE;
          p++;
        }
    }

  if (!any_digit)
    return FALSE;

  /* Exponent. */
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      gboolean exponent_negative = FALSE;
      gint64 written = 0;
      gboolean exponent_digit = FALSE;

      p++;
      if (p < end && (*p == '+' || *p == '-'))
        exponent_negative = *p++ == '-';
      while (p < end && g_ascii_isdigit (*p))
        {
          exponent_digit = TRUE;
          if (written < G_GINT64_CONSTANT (1000000000))
            written = written * 10 + (*p - '0');
          p++;
        }
      if (!exponent_digit)
        return FALSE;
      exponent += exponent_negative ? -written : written;
    }

  if (p != end)
    return FALSE;

  /* The fast path needs each operation rounded once, to double: true of
   * SSE2 and every 64-bit target, not of the x87 (FLT_EVAL_METHOD 2). */
  if (FLT_EVAL_METHOD == 0
      && !truncated && mantissa <= MAX_EXACT_MANTISSA
      && exponent >= -22 && exponent <= 22)
    {
      double result = (double) mantissa;

      if (exponent >= 0)
        result *= powers_of_ten[exponent];
      else
        result /= powers_of_ten[-exponent];
      *value = negative ? -result : result;
      return TRUE;
    }

  /* The slow path: strtod itself, on a NUL-terminated copy of the text
   * that the grammar above accepted. */
  {
    gsize n = (gsize) (end - number_start);
    char small[64];
    g_autofree char *large = NULL;
    char *copy = n < sizeof small ? small : (large = g_malloc (n + 1));

    memcpy (copy, number_start, n);
    copy[n] = '\0';
    *value = g_ascii_strtod (copy, NULL);

    /* Too large for a double: pandas reads such a cell as text, not as
     * infinity (underflow to zero, on the other hand, is a number). */
    return !isinf (*value);
  }
}

/**
 * offload_cell_classify:
 * @text: (array length=length): the cell's bytes, unquoted
 * @length: how many
 * @value: (out): the number, for %OFFLOAD_CELL_NUMBER
 *
 * Returns: what pandas makes of the cell
 */
OffloadCellKind
offload_cell_classify (const char *text,
                       gsize       length,
                       double     *value)
{
  /* Text that cannot start a number (a word, a name) is not parsed as one:
   * a number starts with a digit, a sign, a point, a blank or the i of
   * inf. */
  if (length > 0 && !g_ascii_isdigit (text[0]) && text[0] != '-' && text[0] != '+'
      && text[0] != '.' && !is_blank (text[0]) && text[0] != 'i' && text[0] != 'I')
    return offload_cell_is_na (text, length) ? OFFLOAD_CELL_MISSING : OFFLOAD_CELL_TEXT;

  /* Numbers first, as most cells are: none of the missing words parses
   * as one. */
  if (offload_number_parse (text, length, value))
    return OFFLOAD_CELL_NUMBER;

  if (offload_cell_is_na (text, length))
    return OFFLOAD_CELL_MISSING;

  return OFFLOAD_CELL_TEXT;
}

static gboolean
round_trips (double value,
             int    digits)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  char format[8];

  g_snprintf (format, sizeof format, "%%.%dg", digits);
  return g_ascii_strtod (g_ascii_formatd (buffer, sizeof buffer, format, value), NULL) == value;
}

/**
 * offload_number_shortest_digits:
 * @value: a finite number
 * @max_digits: the most digits to try, 1 to 17
 *
 * Returns: the fewest significant digits, up to @max_digits, that print
 *   @value so that it reads back the same (2.6902 rather than
 *   2.6901999999999999, as Python's repr() and pandas' to_csv() write
 *   it), or 0 when more are needed; with 17, never 0
 */
int
offload_number_shortest_digits (double value,
                                int    max_digits)
{
  g_return_val_if_fail (isfinite (value), 0);
  g_return_val_if_fail (max_digits >= 1 && max_digits <= 17, 0);

  /* Most computed figures (a mean, say) need all seventeen: one try at
   * the most allowed tells, before the loop. */
  if (max_digits < 17 && !round_trips (value, max_digits))
    return 0;

  for (int digits = 1; digits < max_digits; digits++)
    if (round_trips (value, digits))
      return digits;

  return max_digits;
}

/**
 * offload_number_whole_digits:
 * @value: a number
 * @digits: the significant digits "%.*g" is to print it with
 * @max_exponent: the largest power of ten still to be written out
 *
 * "%.*g" writes a number with an exponent as soon as its integer part has
 * more digits than it is given: 100 with one digit is "1e+02", a deviation
 * of 3626229.4 with six "3.62623e+06". Spreadsheets and readers want
 * "100" and "3626229" (Python's repr() writes numbers out up to 1e16).
 *
 * Returns: @digits, or more: enough for the integer part of @value when
 *   it is below 10^(@max_exponent + 1)
 */
int
offload_number_whole_digits (double value,
                             int    digits,
                             int    max_exponent)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  const char *e;
  int exponent;

  if (!isfinite (value) || value == 0)
    return digits;

  /* The exponent as printing gives it (log10() may round across a power
   * of ten), at the digits asked: 99999.99 with two digits is 1.0e+05. */
  {
    char format[8];

    g_snprintf (format, sizeof format, "%%.%de", CLAMP (digits, 1, 17) - 1);
    g_ascii_formatd (buffer, sizeof buffer, format, value);
  }
  e = strchr (buffer, 'e');
  if (e == NULL)
    return digits;
  exponent = (int) g_ascii_strtoll (e + 1, NULL, 10);

  if (exponent >= digits && exponent <= max_exponent)
    return exponent + 1;
  return digits;
}
