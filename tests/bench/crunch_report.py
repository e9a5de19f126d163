#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Markdown table of one file of tests/bench/crunch.sh, from what it
left in its results directory for that file (TAG):

  TAG-NAME.json    hyperfine --export-json: the wall times
  TAG-NAME.time    GNU time lines "%e %U %S %M": CPU time and peak RSS
  TAG-NAME.skip    why NAME did not run
  TAG-offload.peak.json   crunch_peak.py: the offload workers' peak

Usage: crunch_report.py RESULTS_DIR TAG FILE NAME..."""

import json
import os
import statistics
import sys

TARGETS = {"pandas": 15.0, "pool": 40.0}     # offload at least this much faster
WORKER_LIMIT_MIB = 64


def read_time(path):
    """[(wall, cpu, rss_kib)] from GNU time's output, skipping its notes."""
    rows = []
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                try:
                    wall, user, system, rss = (float(p) for p in parts)
                except ValueError:
                    continue
                rows.append((wall, user + system, rss))
    except OSError:
        pass
    return rows


def fmt(value, spec):
    return "–" if value is None else format(value, spec)


def main():
    results, tag, path, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    size = os.path.getsize(path)
    base = os.path.join(results, tag)
    rows = {}
    for name in names:
        try:
            with open(f"{base}-{name}.skip") as f:
                rows[name] = {"skip": f.read().strip()}
                continue
        except OSError:
            pass
        try:
            with open(f"{base}-{name}.json") as f:
                result = json.load(f)["results"][0]
        except (OSError, ValueError, IndexError, KeyError):
            rows[name] = {"skip": "no result"}
            continue
        times = read_time(f"{base}-{name}.time")
        rows[name] = {
            "runs": len(result["times"]),
            "median": statistics.median(result["times"]),
            "cpu": statistics.median(t[1] for t in times) if times else None,
            "rss": max(t[2] for t in times) / 1024 if times else None,
        }

    def median_of(name):
        row = rows.get(name, {})
        return row.get("median")

    offload, floor = median_of("offload"), median_of("wc")
    print(f"{os.path.basename(path)}: {size / 1e6:.0f} MB\n")
    print("| command | runs | median wall s | MB/s | CPU s | peak RSS MiB | x offload | x wc -l |")
    print("|---|---|---|---|---|---|---|---|")
    for name in names:
        row = rows[name]
        if "skip" in row:
            print(f"| {name} | – | {row['skip']} | | | | | |")
            continue
        median = row["median"]
        print(f"| {name} | {row['runs']} | {median:.3f} | {size / 1e6 / median:.0f} "
              f"| {fmt(row['cpu'], '.2f')} | {fmt(row['rss'], '.0f')} "
              f"| {fmt(offload and median / offload, '.2f')} "
              f"| {fmt(floor and median / floor, '.1f')} |")
    print()

    try:
        with open(f"{base}-offload.peak.json") as f:
            peak = json.load(f)
    except (OSError, ValueError):
        peak = None
    if peak:
        worker = peak["worker_peak_kib"] / 1024
        print(f"offload workers: {peak['workers_seen']} seen, peak RSS (VmHWM) {worker:.1f} MiB "
              f"(limit {WORKER_LIMIT_MIB}: {'met' if worker < WORKER_LIMIT_MIB else 'NOT met'}); "
              f"parent {peak['parent_peak_kib'] / 1024:.1f} MiB; largest of both by wait4 "
              f"{peak['maxrss_kib'] / 1024:.1f} MiB; sampled every {peak['interval_s'] * 1000:.0f} ms")
    if offload:
        for name, target in TARGETS.items():
            median = median_of(name)
            if median:
                ratio = median / offload
                print(f"offload vs {name}: {ratio:.1f}x faster (target {target:.0f}x: "
                      f"{'met' if ratio >= target else 'NOT met'})")
        if floor:
            print(f"offload vs wc -l: {offload / floor:.1f}x the floor's time")
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
