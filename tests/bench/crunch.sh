#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Processes for CPU, measured: `offload crunch --workers 2` against pandas,
# GNU datamash, Miller, a Python multiprocessing.Pool(2) and `wc -l` (the
# floor: reading the file and counting newlines), on the same files, side by
# side in one run: whole processes, files in the page cache, hyperfine
# medians; CPU time and peak RSS from GNU time; the offload workers' own
# peak RSS from /proc (crunch_peak.py).
#
#   numeric  ~1 GB, 10 numeric columns (gen-numeric.c, compiled here)
#   mixed    ~200 MB, the app's sample dataset: numbers, a category, quoted
#            text with commas, doubled quotes and newlines, missing cells
#            (`offload generate`, or the demo server's /csv without it)
#
# Usage: tests/bench/crunch.sh [RUNS] [--quick]
#   RUNS     timed runs of offload and wc -l (default 5); the slow peers run
#            fewer on the large files: pandas and the pool 3
#            ($OFFLOAD_BENCH_SLOW_RUNS), Miller and datamash 1 on the numeric
#            file ($OFFLOAD_BENCH_SLOWEST_RUNS) and 3 on the mixed one
#   --quick  50 MB and 20 MB files, every command RUNS times
# Environment:
#   OFFLOAD_BINARY     the offload to measure (default _build/src/offload)
#   OFFLOAD_BENCH_DIR  data and results (default /var/tmp/offload-bench);
#                      the files are generated once and reused; results/
#                      (or results-quick/) keeps the JSON and GNU time output
#   OFFLOAD_BENCH_SKIP names to leave out, e.g. "datamash miller"
#                      (names: wc offload pandas pool miller datamash)
# Needs a built tree (build-aux/dev build); installs hyperfine, GNU time,
# python3-pandas, datamash, miller and curl from Debian when missing. Not
# part of the test suite.
set -euo pipefail

srcdir="$(cd "$(dirname "$0")/../.." && pwd)"
bench="$srcdir/tests/bench"
builddir="${OFFLOAD_BUILDDIR:-$srcdir/_build}"
offload="${OFFLOAD_BINARY:-$builddir/src/offload}"
cache="${OFFLOAD_BENCH_DIR:-/var/tmp/offload-bench}"
skip=" ${OFFLOAD_BENCH_SKIP:-} "
slow_runs="${OFFLOAD_BENCH_SLOW_RUNS:-3}"
slowest_runs="${OFFLOAD_BENCH_SLOWEST_RUNS:-1}"
python=/usr/bin/python3
names="wc offload pandas pool miller datamash"

runs=5
quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    ''|*[!0-9]*) sed -n 's/^# \{0,1\}//; /^Usage:/,/^Needs/p' "$0" | sed '$d' >&2; exit 2 ;;
    *) runs="$arg" ;;
  esac
done
[ "$runs" -ge 1 ] || { echo "crunch.sh: RUNS must be at least 1" >&2; exit 2; }

if [ "$quick" = 1 ]; then
  numeric_bytes=50000000; numeric_label=50MB
  mixed_rows=265000; mixed_label=20MB      # ~75.6 bytes a row
else
  numeric_bytes=1000000000; numeric_label=1GB
  mixed_rows=2650000; mixed_label=200MB
fi

if [ ! -x "$offload" ]; then
  echo "crunch.sh: no offload binary at $offload: run build-aux/dev build first" \
       "(or set OFFLOAD_BINARY)" >&2
  exit 1
fi

need=""
command -v hyperfine >/dev/null || need="$need hyperfine"
[ -x /usr/bin/time ] || need="$need time"
command -v datamash >/dev/null || need="$need datamash"
command -v mlr >/dev/null || need="$need miller"
command -v curl >/dev/null || need="$need curl"
command -v cc >/dev/null || need="$need gcc"
$python -c 'import pandas' 2>/dev/null || need="$need python3-pandas"
if [ -n "$need" ]; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd=sudo
  # shellcheck disable=SC2086 # one word a package
  $sudo_cmd apt-get update -q && $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need
fi

# Whether `offload NAME` exists: an unknown name would open the window
# instead, so look for one of its options in its --help.
has_command () {   # name option
  local out
  out="$(env -u DISPLAY -u WAYLAND_DISPLAY timeout 10 "$offload" "$1" --help 2>&1 || true)"
  [[ "$out" == *"$2"* ]]
}

mkdir -p "$cache"
results="$cache/results"                 # of the full-size files
[ "$quick" = 1 ] && results="$cache/results-quick"
mkdir -p "$results"

# A file is reused when its stamp says it was made the same way and it still
# has the size it had then.
fresh () {   # file stamp
  [ -f "$1" ] && [ -f "$1.stamp" ] &&
    [ "$(cat "$1.stamp")" = "$2 $(stat -c %s "$1")" ]
}

numeric="$cache/numeric-$numeric_label.csv"
gen_sum="$(sha256sum "$bench/gen-numeric.c" | cut -c1-16)"
stamp="gen-numeric $gen_sum bytes=$numeric_bytes"
if ! fresh "$numeric" "$stamp"; then
  if [ ! -x "$cache/gen-numeric" ] || [ "$bench/gen-numeric.c" -nt "$cache/gen-numeric" ]; then
    cc -O2 -o "$cache/gen-numeric" "$bench/gen-numeric.c" -lm
  fi
  echo "generating $numeric ..."
  start=$SECONDS
  "$cache/gen-numeric" "$numeric_bytes" > "$numeric.tmp"
  mv "$numeric.tmp" "$numeric"
  echo "$stamp $(stat -c %s "$numeric")" > "$numeric.stamp"
  echo "  $(stat -c %s "$numeric") bytes in $((SECONDS - start)) s"
fi

# The same dataset either way: `offload generate` and the demo server's /csv
# both write offload_sample_data rows with the default seed.
mixed="$cache/mixed-$mixed_label.csv"
stamp="sample-data seed=default rows=$mixed_rows"
if ! fresh "$mixed" "$stamp"; then
  echo "generating $mixed ..."
  start=$SECONDS
  rm -f "$mixed.tmp"
  made=0
  if has_command generate --rows; then
    echo "  with offload generate"
    if "$offload" generate "$mixed.tmp" --rows "$mixed_rows" >/dev/null; then
      made=1
    else
      echo "  offload generate failed"; rm -f "$mixed.tmp"
    fi
  else
    echo "  offload generate does not exist yet"
  fi
  if [ "$made" = 0 ]; then
    echo "  from offload demo-server's /csv"
    : > "$cache/demo-server.url"
    "$offload" demo-server > "$cache/demo-server.url" 2>/dev/null &
    server=$!
    for _ in $(seq 50); do [ -s "$cache/demo-server.url" ] && break; sleep 0.1; done
    curl --silent --fail -o "$mixed.tmp" "$(head -1 "$cache/demo-server.url")/csv?rows=$mixed_rows" ||
      { kill "$server"; echo "crunch.sh: could not fetch the sample CSV" >&2; exit 1; }
    kill "$server"; wait "$server" 2>/dev/null || true
  fi
  mv "$mixed.tmp" "$mixed"
  echo "$stamp $(stat -c %s "$mixed")" > "$mixed.stamp"
  echo "  $(stat -c %s "$mixed") bytes in $((SECONDS - start)) s"
fi

have_crunch=0
has_command crunch --workers && have_crunch=1
if [ "$have_crunch" = 1 ] && [ -z "${OFFLOAD_WORKER_BINARY:-}" ] &&
   [ ! -x "$(dirname "$offload")/worker/offload-worker" ]; then
  echo "crunch.sh: warning: no $(dirname "$offload")/worker/offload-worker (a build" \
       "in progress?); offload will look in its libexecdir" >&2
fi

# Timed runs of one command on this file.
runs_for () {   # name
  local n="$runs"
  if [ "$quick" = 0 ]; then
    case "$tag:$1" in
      numeric:pandas|numeric:pool) n="$slow_runs" ;;
      numeric:miller|numeric:datamash) n="$slowest_runs" ;;
      mixed:miller|mixed:datamash) n="$slow_runs" ;;
    esac
  fi
  [ "$n" -le "$runs" ] || n="$runs"
  echo "$n"
}

# fast: hyperfine without a shell (-N: no redirections then) and with a
# warmup, then one more run under GNU time for the CPU time and peak RSS.
# slow: no warmup, and GNU time inside every timed run
# (its own cost, about a millisecond, is nothing next to theirs).
measure () {   # name fast|slow command
  local name="$1" mode="$2" cmd="$3" n
  local json="$results/$tag-$name.json" timef="$results/$tag-$name.time"
  local timefmt='%e %U %S %M'
  n="$(runs_for "$name")"
  rm -f "$json" "$timef" "$results/$tag-$name.skip"
  cat "$file" > /dev/null
  echo "-- $name, $n run(s): $cmd"
  if [ "$mode" = fast ]; then
    hyperfine --style basic -N --warmup 1 --runs "$n" --export-json "$json" -n "$name" "$cmd" &&
      /usr/bin/time -o "$timef" -f "$timefmt" sh -c "exec $cmd" > /dev/null
  else
    hyperfine --style basic --runs "$n" --export-json "$json" -n "$name" \
      "/usr/bin/time -a -o $timef -f '$timefmt' $cmd"
  fi || {
    echo "failed (see above)" > "$results/$tag-$name.skip"
    rm -f "$json"
    echo "   $name failed; once more, its last lines of error output:"
    sh -c "exec $cmd" 2>&1 >/dev/null | tail -5 | sed 's/^/   /' || true
  }
}

skipped () {   # name reason
  echo "$2" > "$results/$tag-$1.skip"
  echo "-- $1: $2"
}

# Columns whose cells, in the first 2000 records, are all numbers or missing.
numeric_columns () {   # file
  $python - "$1" <<'PY'
import csv, itertools, sys
missing = {"", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "n/a", "<NA>"}
with open(sys.argv[1], newline="") as f:
    reader = csv.reader(f)
    header = next(reader)
    numeric = [True] * len(header)
    for record in itertools.islice(reader, 2000):
        for i, cell in enumerate(record[:len(header)]):
            if cell not in missing:
                try:
                    float(cell)
                except ValueError:
                    numeric[i] = False
print(",".join(name for name, ok in zip(header, numeric) if ok))
PY
}

bench_file () {   # tag file
  local tag="$1" file="$2" columns ops="" i ncols
  rm -f "$results/$tag"-*
  echo
  echo "== $tag: $file ($(stat -c %s "$file") bytes); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  cat "$file" > /dev/null
  if command -v fincore >/dev/null; then
    echo "   in the page cache: $(fincore --noheadings --output RES "$file" | tr -d ' ')" \
         "of $(stat -c %s "$file" | numfmt --to=iec)"
  fi
  columns="$(numeric_columns "$file")"
  ncols="$(head -1 "$file" | tr ',' '\n' | wc -l)"

  for name in $names; do
    if [[ "$skip" == *" $name "* ]]; then
      skipped "$name" "skipped (OFFLOAD_BENCH_SKIP)"
      continue
    fi
    case "$name" in
      wc)
        measure wc fast "wc -l $file" ;;
      offload)
        if [ "$have_crunch" = 0 ]; then
          skipped offload "offload crunch does not exist yet in $offload"
          continue
        fi
        measure offload fast "$offload crunch $file --workers 2 --json"
        if [ -f "$results/$tag-offload.json" ]; then
          $python "$bench/crunch_peak.py" "$results/$tag-offload.peak.json" offload-worker \
            -- "$offload" crunch "$file" --workers 2 --json || true
        fi ;;
      pandas)
        measure pandas slow "$python $bench/crunch_pandas.py $file" ;;
      pool)
        measure pool slow "$python $bench/crunch_pool.py $file 2" ;;
      miller)
        # No percentiles: Miller keeps every value for them and runs out of
        # memory on the 1 GB file.
        measure miller slow "mlr --icsv --ojson stats1 -a count,mean,stddev,min,max -f $columns $file" ;;
      datamash)
        # datamash splits fields on every comma and records on every newline
        # (no CSV quoting) and rejects empty cells, so it only gets files
        # whose columns are all numbers, missing cells written NA.
        if [ "$columns" != "$(head -1 "$file" | tr -d '\r\n')" ]; then
          skipped datamash "not run: datamash has no CSV quoting and the file has text columns"
          continue
        fi
        ops=""
        for i in $(seq "$ncols"); do
          ops="$ops count $i mean $i sstdev $i min $i q1 $i median $i q3 $i max $i"
        done
        measure datamash slow "datamash -t, --header-in --narm$ops < $file" ;;
    esac
  done
  echo
  # shellcheck disable=SC2086 # one argument a name
  $python "$bench/crunch_report.py" "$results" "$tag" "$file" $names
}

echo "crunch benchmark: $(nproc) cores, $(git -C "$srcdir" rev-parse --short HEAD 2>/dev/null || echo '?')," \
     "offload crunch: $([ "$have_crunch" = 1 ] && echo yes || echo 'not yet, skipped'); runs: $runs" \
     "$([ "$quick" = 1 ] && echo '(--quick)')"
bench_file numeric "$numeric"
bench_file mixed "$mixed"
echo "Results: $results (hyperfine JSON, GNU time lines). Figures are noisy when the machine is busy:"
echo "compare ratios within one run."
