#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Threads for I/O, measured: `offload fetch` against curl --parallel and a
# Python ThreadPoolExecutor with requests, on the same loopback demo server,
# side by side in one run (hyperfine, whole process, median of several runs).
#
#   W1  256 x /delay/50, C=16     ideal 256/16 x 50 ms = 0.8 s (scheduling)
#   W2  1000 x /delay/0, C=16     per-request overhead
#   W3  64 x 16 MiB, C=8          throughput (bodies read and discarded)
#
# A fourth command, libsoup-floor (soup-floor.c, compiled here), is the same
# blocking libsoup sends on the same threads with nothing of Offload's: the
# floor for a design of one blocking request per worker thread.
#
# Usage: tests/bench/fetch.sh [RUNS]    (default 7 runs per command)
# Needs: a built tree (build-aux/dev build); installs curl, hyperfine and
# python3-requests from Debian when missing. Not part of the test suite.
set -euo pipefail

srcdir="$(cd "$(dirname "$0")/../.." && pwd)"
builddir="${OFFLOAD_BUILDDIR:-$srcdir/_build}"
runs="${1:-7}"
offload="$builddir/src/offload"
python=/usr/bin/python3
work="$(mktemp -d)"

need=""
command -v curl >/dev/null || need="$need curl"
command -v hyperfine >/dev/null || need="$need hyperfine"
$python -c 'import requests' 2>/dev/null || need="$need python3-requests"
if [ -n "$need" ]; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd=sudo
  $sudo_cmd apt-get update -q && $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need
fi
[ -x "$offload" ] || "$srcdir/build-aux/dev" build
# The floor: libsoup's blocking API alone, without Offload around it.
cc -O2 -o "$work/soup-floor" "$srcdir/tests/bench/soup-floor.c" \
  $(pkg-config --cflags --libs libsoup-3.0)

"$offload" demo-server > "$work/url" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do [ -s "$work/url" ] && break; sleep 0.1; done
base="$(head -1 "$work/url")"

workload () {   # name count path
  for _ in $(seq "$2"); do echo "$base$3"; done > "$work/$1.txt"
  sed 's/.*/url = "&"\noutput = "\/dev\/null"/' "$work/$1.txt" > "$work/$1.curl"
}
workload w1 256 /delay/50
workload w2 1000 /delay/0
workload w3 64 "/bytes/16777216?duration_ms=0"

bench () {   # name concurrency
  echo "== $1 (C=$2)"
  hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/$1.json" \
    -n offload "$offload fetch --concurrency $2 --input $work/$1.txt >/dev/null" \
    -n curl "curl --silent --fail --parallel --parallel-max $2 --config $work/$1.curl" \
    -n python-threads "$python $srcdir/tests/bench/fetch.py $2 $work/$1.txt" \
    -n libsoup-floor "$work/soup-floor $2 $work/$1.txt" >/dev/null
  $python - "$work/$1.json" "$1" <<'PY'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
bytes_total = {"w3": 64 * 16 * 1024 * 1024}.get(sys.argv[2])
ideal = {"w1": 0.8}.get(sys.argv[2])
medians = {r["command"]: statistics.median(r["times"]) for r in results}
for name, median in medians.items():
    extra = ""
    if bytes_total:
        extra += f"  {bytes_total / median / 1e6:8.0f} MB/s"
    if ideal:
        extra += f"  {median / ideal:5.2f}x ideal"
    print(f"  {name:16s} median {median:7.3f} s  ({median / medians['offload']:5.2f}x offload){extra}")
PY
}

echo "demo server: $base; $(nproc) cores; $runs runs each"
bench w1 16
bench w2 16
bench w3 8
