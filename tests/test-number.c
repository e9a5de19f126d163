/* test-number.c: exact numbers, held against strtod
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "offload-number.h"

/* strtod in the C locale, on the whole string: the reference. Overflow is
 * not a number, as for pandas. */
static gboolean
reference (const char *text,
           double     *value)
{
  char *end = NULL;

  *value = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && !isinf (*value);
}

static void
assert_same (const char *text)
{
  double expected, got;
  gboolean number = reference (text, &expected);

  if (offload_number_parse (text, strlen (text), &got) != number)
    g_error ("“%s”: strtod says %s, ours does not", text, number ? "a number" : "overflow");
  if (!number)
    return;

  /* Bit for bit: -0.0 and 0.0 differ, as do neighbouring doubles. */
  if (memcmp (&expected, &got, sizeof got) != 0)
    g_error ("“%s”: strtod %.17g, ours %.17g", text, expected, got);
}

static void
test_edge_cases (void)
{
  static const char * const cases[] = {
    "0", "-0", "+0", "0.0", "-0.0", "00012", "1", "-1", "5.", ".5", "-.5",
    "0.1", "0.2", "0.3", "1.5e3", "1E3", "1e+3", "1e-3", "123.456e-2",
    "9007199254740992", "9007199254740993", "9007199254740995",
    "18446744073709551615", "18446744073709551616",
    "123456789012345678901234567890", "0.000000000000000000000000000001",
    "1e22", "1e23", "1e-22", "1e-23", "4.9406564584124654e-324",
    "2.2250738585072011e-308", "2.2250738585072014e-308", "1.7976931348623157e308",
    "1e308", "1e-400", "-1e-400", "3.14159265358979323846264338327950288",
    "0.30000000000000004", "1.00000000000000000000000000000000000001",
    "12345678901234567890e-10",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_same (cases[i]);
}

/* Random numbers in every shape a CSV file holds them. */
static void
test_differential (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (4181);
  guint iterations = g_test_slow () ? 5000000 : 300000;

  for (guint i = 0; i < iterations; i++)
    {
      GString *text = g_string_new (NULL);
      guint digits = g_rand_int_range (rand, 1, 26);
      gint point = g_rand_int_range (rand, -1, (gint) digits + 1);

      if (g_rand_boolean (rand))
        g_string_append_c (text, g_rand_boolean (rand) ? '-' : '+');
      for (guint d = 0; d < digits; d++)
        {
          if ((gint) d == point)
            g_string_append_c (text, '.');
          g_string_append_c (text, (char) ('0' + g_rand_int_range (rand, 0, 10)));
        }
      if (g_rand_int_range (rand, 0, 3) == 0)
        g_string_append_printf (text, "e%d", g_rand_int_range (rand, -340, 330));

      assert_same (text->str);
      g_string_free (text, TRUE);
    }
}

/* Doubles printed the usual ways parse back to themselves. */
static void
test_round_trip (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1729);

  for (guint i = 0; i < 100000; i++)
    {
      double x = (g_rand_double (rand) - 0.5) * pow (10, g_rand_int_range (rand, -30, 30));
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];
      double back;

      g_ascii_dtostr (buffer, sizeof buffer, x);
      g_assert_true (offload_number_parse (buffer, strlen (buffer), &back));
      g_assert_cmpfloat (back, ==, x);

      g_ascii_formatd (buffer, sizeof buffer, "%.6f", x);
      assert_same (buffer);
    }
}

static void
test_not_numbers (void)
{
  static const char * const texts[] = {
    "", " ", "+", "-", ".", "e5", "1e", "1e+", "1.2.3", "1,5", "1 000", "0x10", "0x1p3",
    "nan", "NaN", "nan(1)", "12a", "a12", "--1", "+-1", "1e5.5", "in", "infinit", "one",
    "1e400", "-1e400", "1.7976931348623159e308",
    /* pandas takes the words for infinity only as the whole cell. */
    " inf", "inf ", "\tInfinity", "- inf",
  };
  double value;

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (offload_number_parse (texts[i], strlen (texts[i]), &value))
      g_error ("“%s” should not be a number", texts[i]);
}

static void
test_special (void)
{
  double value;

  g_assert_true (offload_number_parse ("inf", 3, &value));
  g_assert_true (isinf (value) && value > 0);
  g_assert_true (offload_number_parse ("-Infinity", 9, &value));
  g_assert_true (isinf (value) && value < 0);
  g_assert_true (offload_number_parse ("+INF", 4, &value));
  g_assert_true (isinf (value) && value > 0);

  /* Blanks around a number are allowed, as pandas allows them: C's
   * isspace(), line ends too (in a quoted cell). */
  g_assert_true (offload_number_parse ("  12.5\t", 7, &value));
  g_assert_cmpfloat (value, ==, 12.5);
  g_assert_true (offload_number_parse ("\r\n1e3\v\f", 7, &value));
  g_assert_cmpfloat (value, ==, 1000);

  /* Not NUL-terminated: only the given length counts. */
  g_assert_true (offload_number_parse ("1234", 2, &value));
  g_assert_cmpfloat (value, ==, 12.0);
}

static void
test_classify (void)
{
  static const char * const missing[] = {
    "", "NA", "N/A", "n/a", "NaN", "nan", "-NaN", "-nan", "NULL", "null", "None", "<NA>",
    "#N/A", "#N/A N/A", "#NA", "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN",
  };
  double value = 0;

  for (guint i = 0; i < G_N_ELEMENTS (missing); i++)
    g_assert_cmpint (offload_cell_classify (missing[i], strlen (missing[i]), &value), ==,
                     OFFLOAD_CELL_MISSING);

  /* Words one letter off each missing one, of every length, are text. */
  {
    static const char * const near[] = {
      "Na", "NB", "yes", "no", "#NB", "N/B", "Nan", "nAn", "n/A", "#N/B", "-NAN", "-naN",
      "<NA", "<NA}", "Null", "NONE", "nulL", "1.#INF", "-1.#INF", "1.#QNAM", "#N/A N/B",
      "-1.#QNAM", "NULLS", "#N/A N/AA",
    };

    for (guint i = 0; i < G_N_ELEMENTS (near); i++)
      if (offload_cell_classify (near[i], strlen (near[i]), &value) != OFFLOAD_CELL_TEXT)
        g_error ("“%s” is not text", near[i]);
  }
  g_assert_cmpint (offload_cell_classify ("na", 2, &value), ==, OFFLOAD_CELL_TEXT);
  g_assert_cmpint (offload_cell_classify ("none", 4, &value), ==, OFFLOAD_CELL_TEXT);
  g_assert_cmpint (offload_cell_classify (" ", 1, &value), ==, OFFLOAD_CELL_TEXT);
  g_assert_cmpint (offload_cell_classify ("1,000", 5, &value), ==, OFFLOAD_CELL_TEXT);
  g_assert_cmpint (offload_cell_classify ("-3.5e2", 6, &value), ==, OFFLOAD_CELL_NUMBER);
  g_assert_cmpfloat (value, ==, -350.0);
  g_assert_cmpint (offload_cell_classify ("inf", 3, &value), ==, OFFLOAD_CELL_NUMBER);
  g_assert_cmpint (offload_cell_classify (" inf", 4, &value), ==, OFFLOAD_CELL_TEXT);
  g_assert_cmpint (offload_cell_classify ("\n7", 2, &value), ==, OFFLOAD_CELL_NUMBER);
  g_assert_cmpfloat (value, ==, 7);
}

/* Written back as short as it reads back the same. */
static void
test_shortest (void)
{
  static const struct { double value; int digits; } cases[] = {
    { 2.6902, 5 }, { 0.1, 1 }, { -0.25, 2 }, { 2649999, 7 }, { 1324999.5, 8 }, { 1e308, 1 },
    { 5e-324, 1 }, { 1.0 / 3, 16 }, { 0.1 + 0.2, 17 }, { 1700000000000.1, 14 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%.17g", cases[i].value);
      g_assert_cmpint (offload_number_shortest_digits (cases[i].value, 17), ==, cases[i].digits);
      /* Fewer allowed than needed: none. */
      g_assert_cmpint (offload_number_shortest_digits (cases[i].value, cases[i].digits), ==,
                       cases[i].digits);
      if (cases[i].digits > 1)
        g_assert_cmpint (offload_number_shortest_digits (cases[i].value, cases[i].digits - 1), ==,
                         0);
    }
}

/* Digits enough to write an integer part out, below a power of ten. */
static void
test_whole_digits (void)
{
  static const struct { double value; int digits, max_exponent, want; } cases[] = {
    { 100, 1, 15, 3 },
    { 5000000, 1, 15, 7 },
    { 3626229.37, 6, 14, 7 },
    { 362622.937, 6, 14, 6 },
    { 99999.99, 2, 15, 6 },        /* "%.1e" makes it 1.0e+05 */
    { 1e15, 1, 15, 16 },
    { 1e16, 1, 15, 1 },            /* past the bound: 1e+16 */
    { -2500, 2, 15, 4 },
    { 0.00012, 2, 15, 2 },
    { 0, 1, 15, 1 },
    { INFINITY, 6, 15, 6 },
    { NAN, 6, 15, 6 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (offload_number_whole_digits (cases[i].value, cases[i].digits,
                                                  cases[i].max_exponent), ==, cases[i].want);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/offload/number/edge-cases", test_edge_cases);
  g_test_add_func ("/offload/number/differential", test_differential);
  g_test_add_func ("/offload/number/round-trip", test_round_trip);
  g_test_add_func ("/offload/number/not-numbers", test_not_numbers);
  g_test_add_func ("/offload/number/special", test_special);
  g_test_add_func ("/offload/number/classify", test_classify);
  g_test_add_func ("/offload/number/shortest", test_shortest);
  g_test_add_func ("/offload/number/whole-digits", test_whole_digits);

  return g_test_run ();
}
