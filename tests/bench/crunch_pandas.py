#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pandas peer of `offload crunch` (tests/bench/crunch.sh): read_csv of
the whole file, then describe(include='all') printed: count, mean, std, min,
quartiles and max of the numeric columns; count, unique, top and freq of the
others. Run with Debian's interpreter (/usr/bin/python3, python3-pandas).

Usage: crunch_pandas.py FILE"""

import sys

import pandas as pd


def main():
    frame = pd.read_csv(sys.argv[1])
    with pd.option_context("display.max_columns", None, "display.width", 250):
        print(frame.describe(include="all"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
