#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Where a worker's time goes, and how fast the parse can be: three commands
# on the same byte range of the numeric benchmark file, one run of each in
# turn, fastest and median:
#
#   worker      offload-worker scanning the range with the plan that
#               `offload crunch` makes for the file: all the statistics
#   reader      reader-floor.c: the worker's record reader alone, numbers
#               parsed and batched, no statistics
#   fast_float  fast-float-scan.cc: fast_float::from_chars() over the same
#               numbers, the bytes already in memory, no CSV rules
#
# Usage: tests/bench/reader.sh [RUNS] [START END]
#   RUNS        rounds (default 9)
#   START END   the byte range (default 250000000 375000000: a chunk of
#               125 MB, as `offload crunch --workers 2` cuts the file)
# Needs a built tree and the numeric file of crunch.sh
# ($OFFLOAD_BENCH_DIR/numeric-1GB.csv); installs g++ and Debian's
# libfast-float-dev when missing.
set -euo pipefail

srcdir="$(cd "$(dirname "$0")/../.." && pwd)"
build="${OFFLOAD_BUILD_DIR:-$srcdir/_build}"
file="${OFFLOAD_BENCH_DIR:-/var/tmp/offload-bench}/numeric-1GB.csv"
runs="${1:-9}"
start="${2:-250000000}"
end="${3:-375000000}"

[ -f "$file" ] || { echo "reader.sh: no $file: run tests/bench/crunch.sh once" >&2; exit 1; }
[ -x "$build/src/worker/offload-worker" ] || "$srcdir/build-aux/dev" build
if ! command -v g++ >/dev/null || [ ! -f /usr/include/fast_float/fast_float.h ]; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd=sudo
  $sudo_cmd apt-get update -q && $sudo_cmd env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q g++ libfast-float-dev
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/reader-floor" "$srcdir/tests/bench/reader-floor.c" \
  -I "$srcdir/src/engine" -I "$build" "$build/src/engine/liboffload-core.a" \
  $(pkg-config --cflags --libs glib-2.0) -lm
g++ -O2 -std=c++17 -o "$work/fast-float-scan" "$srcdir/tests/bench/fast-float-scan.cc"

# The plan a worker gets on its standard input, caught once from a real
# crunch (every chunk of a pass gets the same), with the worker's last
# argument (the key bits). The crunch itself then fails: the catcher gives
# no result.
cat > "$work/catch" <<CATCH
#!/bin/bash
if [ "\$1" = scan ]; then echo "\$@" > "$work/args.\$\$"; exec cat > "$work/plan.\$\$"; fi
exec "$build/src/worker/offload-worker" "\$@"
CATCH
chmod +x "$work/catch"
OFFLOAD_WORKER_BINARY="$work/catch" "$build/src/offload" crunch "$file" --workers 2 \
  > /dev/null 2>&1 || true
plan="$(ls -S "$work"/plan.* 2>/dev/null | head -1)"
[ -n "$plan" ] && [ -s "$plan" ] || { echo "reader.sh: no plan caught" >&2; exit 1; }
bits="$(awk '{ print $NF }' "$work/args.${plan##*.}")"
cat "$file" > /dev/null   # into the page cache

worker=() reader=() fastf=()
ms () { local s e; s=$(date +%s%N); "$@" > /dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000 )); }
for _ in $(seq "$runs"); do
  worker+=("$(ms "$build/src/worker/offload-worker" scan "$file" "$start" "$end" '?' "$bits" < "$plan")")
  reader+=("$("$work/reader-floor" "$file" "$start" "$end" | sed 's/.* in \([0-9.]*\) ms.*/\1/' | awk '{ printf "%d", $1 * 1000 }')")
  fastf+=("$("$work/fast-float-scan" "$file" "$start" "$end" | sed 's/.* in \([0-9.]*\) ms.*/\1/' | awk '{ printf "%d", $1 * 1000 }')")
done

stats () {   # name microseconds...
  local name=$1; shift
  printf "%s\n" "$@" | sort -n |
    awk -v n="$name" '{ t[NR] = $1 } END { printf "%-11s fastest %7.1f ms, median %7.1f ms\n", n, t[1] / 1000, t[int((NR + 1) / 2)] / 1000 }'
}
echo "bytes $start to $end of $file, $runs rounds:"
stats worker "${worker[@]}"
stats reader "${reader[@]}"
stats fast_float "${fastf[@]}"
"$work/reader-floor" "$file" "$start" "$end"
"$work/fast-float-scan" "$file" "$start" "$end"
