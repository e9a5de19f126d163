#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks `offload crunch --json` against pandas' describe(include='all').

Usage: /usr/bin/python3 tests/bench/crunch_compare.py FILE.csv RESULT.json
Numbers must agree to 1e-9 relative; counts, top values and their counts
exactly; a distinct count marked as an estimate is reported, not failed,
and so is a top value shown cut (offload shows the first 100 bytes of a
long value) or tied with pandas' (offload takes the one seen first). pandas reads the file in one go (low_memory=False): read in
pieces, it can type one column's cells differently from piece to piece.
Exit status 1 when anything else differs.
"""
import json
import math
import sys

import pandas as pd

result = json.load(open(sys.argv[2]))
frame = pd.read_csv(sys.argv[1], low_memory=False)
described = frame.describe(include='all')
bad = 0

NUMERIC = [('count', 'count'), ('mean', 'mean'), ('std', 'std'), ('min', 'min'),
           ('p25', '25%'), ('p50', '50%'), ('p75', '75%'), ('max', 'max')]
TEXT = [('count', 'count'), ('distinct', 'unique'), ('top', 'top'), ('top_count', 'freq')]

for column in result['columns']:
    name = column['name']
    for ours_key, theirs_key in NUMERIC if column['type'] == 'numeric' else TEXT:
        ours = column.get(ours_key)
        # Infinities travel as strings in the JSON.
        if column['type'] == 'numeric' and ours in ('inf', '-inf'):
            ours = float(ours)
        theirs = described.loc[theirs_key, name] if theirs_key in described.index else None
        if isinstance(theirs, float) and math.isnan(theirs):
            same = ours is None
        elif isinstance(ours, (int, float)) and not isinstance(theirs, str):
            if math.isinf(ours) or math.isinf(float(theirs)):
                same = ours == float(theirs)
            else:
                same = abs(ours - float(theirs)) <= 1e-9 * max(abs(float(theirs)), 1e-300)
        else:
            same = ours == theirs
        if same:
            continue
        if ours_key == 'distinct' and column.get('distinct_estimated'):
            print(f"estimate: {name} distinct {ours} (pandas {theirs})")
            continue
        if (ours_key == 'top' and isinstance(ours, str) and isinstance(theirs, str)
                and len(ours.encode()) >= 96 and theirs.startswith(ours)):
            print(f"cut: {name} top, the first {len(ours.encode())} bytes of pandas' value")
            continue
        # A tie for the top: offload takes the value seen first, pandas any.
        if (ours_key == 'top' and ours in frame[name].astype(str).values
                and (frame[name].astype(str) == ours).sum() == described.loc['freq', name]):
            print(f"tie: {name} top {ours!r} as frequent as pandas' {theirs!r}")
            continue
        bad += 1
        print(f"MISMATCH {name} {ours_key}: offload {ours}, pandas {theirs}")

print(f"{len(result['columns'])} columns, {bad} mismatches")
sys.exit(1 if bad else 0)
