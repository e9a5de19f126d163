#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Two commands timed in turn, one run of each after the other, so that a
# machine that slows down or speeds up (these VMs do, by a sixth) weighs on
# both alike; the fastest run of each says the most, the median the rest.
#
# Usage: tests/bench/ab.sh RUNS 'COMMAND A' 'COMMAND B'
#   e.g. tests/bench/ab.sh 25 "_build/src/offload fetch --input w3.txt" \
#                             "curl --silent --parallel --config w3.curl"
# Output goes to /dev/null; the commands run through the shell.
set -euo pipefail

if [ $# -ne 3 ] || ! [[ "$1" =~ ^[0-9]+$ ]] || [ "$1" -lt 1 ]; then
  sed -n 's/^# \{0,1\}//; /^Usage:/,/^Output/p' "$0" >&2
  exit 2
fi
runs=$1
a=$2
b=$3
ta=()
tb=()

time_one () {   # command
  local start end
  start=$(date +%s%N)
  bash -c "$1" > /dev/null 2>&1 || { echo "ab.sh: failed: $1" >&2; exit 1; }
  end=$(date +%s%N)
  echo $(( (end - start) / 1000 ))
}

for _ in $(seq "$runs"); do
  ta+=("$(time_one "$a")")
  tb+=("$(time_one "$b")")
done

stats () {   # microseconds...
  printf "%s\n" "$@" | sort -n |
    awk '{ t[NR] = $1 } END { printf "fastest %.1f ms, median %.1f ms", t[1] / 1000, t[int((NR + 1) / 2)] / 1000 }'
}
fastest () { printf "%s\n" "$@" | sort -n | head -1; }

echo "A: $(stats "${ta[@]}")"
echo "B: $(stats "${tb[@]}")"
echo "fastest B / fastest A: $(awk -v a="$(fastest "${ta[@]}")" -v b="$(fastest "${tb[@]}")" 'BEGIN { printf "%.3f", b / a }')"
