#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The classic processes-for-CPU peer of `offload crunch`
(tests/bench/crunch.sh): a multiprocessing.Pool of W processes, each given
a chunk of whole lines of the file (a byte range moved to the next line
start, so the file is read once and nothing is pickled but the results),
parsed with the csv module; per column the count, mean, sample standard
deviation, min and max of the cells that are numbers, merged across chunks
(Chan et al.'s pairwise update). No quartiles: exact ones would need every
value kept, or a second pass.

Splitting by lines is wrong for CSV: a quoted field may contain newlines,
and a chunk boundary that falls inside one cuts that record in two, whose
halves then land in the wrong columns. That is what this approach usually
does; the records whose field count differs from the header's are counted
and reported as "malformed" so the error shows.

Usage: crunch_pool.py FILE [WORKERS] [CHUNK_BYTES]
Prints JSON. Run with Debian's interpreter (/usr/bin/python3)."""

import csv
import io
import json
import math
import os
import sys
from multiprocessing import Pool

# What pandas reads as missing by default.
MISSING = frozenset({
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
    "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a",
    "nan", "null",
})

PATH = None
N_COLUMNS = 0


def crunch_chunk(byte_range):
    """Statistics of the records that start in [start, end)."""
    start, end = byte_range
    with open(PATH, "rb") as f:
        if start > 0:
            f.seek(start - 1)
            f.readline()            # to the first line start at or after start
        here = f.tell()
        if here >= end:
            return None
        data = f.read(end - here)
        if not data.endswith(b"\n"):
            data += f.readline()    # the last line that starts before end

    values = [[] for _ in range(N_COLUMNS)]
    text = [0] * N_COLUMNS
    missing = [0] * N_COLUMNS
    rows = malformed = 0
    for record in csv.reader(io.StringIO(data.decode("utf-8"), newline="")):
        rows += 1
        if len(record) != N_COLUMNS:
            malformed += 1
        for i, cell in enumerate(record[:N_COLUMNS]):
            if cell in MISSING:
                missing[i] += 1
                continue
            try:
                values[i].append(float(cell))
            except ValueError:
                text[i] += 1

    columns = []
    for i in range(N_COLUMNS):
        v = values[i]
        if v:
            mean = math.fsum(v) / len(v)
            m2 = math.fsum((x - mean) * (x - mean) for x in v)
            columns.append([len(v), mean, m2, min(v), max(v), text[i], missing[i]])
        else:
            columns.append([0, 0.0, 0.0, math.inf, -math.inf, text[i], missing[i]])
    return rows, malformed, columns


def merge(a, b):
    n = a[0] + b[0]
    if n == 0:
        mean = m2 = 0.0
    else:
        delta = b[1] - a[1]
        mean = a[1] + delta * b[0] / n
        m2 = a[2] + b[2] + delta * delta * a[0] * b[0] / n
    return [n, mean, m2, min(a[3], b[3]), max(a[4], b[4]), a[5] + b[5], a[6] + b[6]]


def init(path, n_columns):
    global PATH, N_COLUMNS
    PATH, N_COLUMNS = path, n_columns


def main():
    path = sys.argv[1]
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    chunk = int(sys.argv[3]) if len(sys.argv) > 3 else 16 * 1024 * 1024

    with open(path, newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
        f.seek(0)
        body = len(f.buffer.readline())   # bytes of the header line
    size = os.path.getsize(path)
    ranges = [(s, min(s + chunk, size)) for s in range(body, size, chunk)]

    total = [[0, 0.0, 0.0, math.inf, -math.inf, 0, 0] for _ in header]
    rows = malformed = 0
    with Pool(workers, initializer=init, initargs=(path, len(header))) as pool:
        for result in pool.imap_unordered(crunch_chunk, ranges):
            if result is None:
                continue
            rows += result[0]
            malformed += result[1]
            total = [merge(t, c) for t, c in zip(total, result[2])]

    out = {"rows": rows, "malformed_records": malformed, "columns": {}}
    for name, (n, mean, m2, lo, hi, text, missing) in zip(header, total):
        column = {"count": n, "missing": missing, "text": text}
        if n:
            column.update(mean=mean, std=math.sqrt(m2 / (n - 1)) if n > 1 else None,
                          min=lo, max=hi)
        out["columns"][name] = column
    json.dump(out, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
