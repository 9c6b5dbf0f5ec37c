#!/usr/bin/env bash
# Build-speed benchmark: duixian against Hugo on the plain workload, duixian on portals, and the
# I/O floor of the same work; writes BENCHMARKS.md at the repository root.
#
#   bash benches/run.sh [--skip-100k] [--runs N] [--large-runs N] [--large-disk-runs N]
#                       [--large-targets "tmpfs disk"] [--sizes "1000 10000 100000"]
#                       [--work DIR] [--out FILE]
#
# --runs: timed runs per measurement at 1k and 10k (default 5; the median is reported);
# --large-runs / --large-disk-runs: the same at 100k with output on tmpfs / on disk (default 5);
# --large-targets: where the 100k outputs go (default both; on this machine's shared disk one
# 100k-pledge build writes and removes ~600k files, many minutes per run).
# Inputs and the on-disk outputs go under --work (default target/bench, on the repository's
# disk); tmpfs outputs under /dev/shm/duixian-bench. Every build replaces the previous output
# of the same measurement (one warm-up run first, under /usr/bin/time for the peak RSS), as a
# rebuild does.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

RUNS=5
LARGE_RUNS=5
LARGE_DISK_RUNS=""
LARGE_TARGETS="tmpfs disk"
SKIP_LARGE=0
SIZES="1000 10000 100000"
WORK="$ROOT/target/bench"
OUT_MD="$ROOT/BENCHMARKS.md"
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-100k) SKIP_LARGE=1 ;;
    --sizes) SIZES=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --large-runs) LARGE_RUNS=$2; shift ;;
    --large-disk-runs) LARGE_DISK_RUNS=$2; shift ;;
    --large-targets) LARGE_TARGETS=$2; shift ;;
    --work) WORK=$2; shift ;;
    --out) OUT_MD=$2; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
LARGE_DISK_RUNS=${LARGE_DISK_RUNS:-$LARGE_RUNS}
[ "$SKIP_LARGE" = 1 ] && SIZES=$(echo " $SIZES " | sed 's/ 100000 / /g')
SHM=/dev/shm/duixian-bench

need() { command -v "$1" >/dev/null 2>&1; }
if ! need hugo || ! need hyperfine || [ ! -x /usr/bin/time ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq hugo hyperfine time >/dev/null
fi

echo "== building duixian (dist profile: release + fat LTO) and the bench tools"
# The measured binary is the `dist` profile (release + fat LTO, see Cargo.toml); the tools are
# plain release builds.
cargo build --profile dist --quiet --bin duixian
cargo build --release --quiet --example gen-corpus --example io-floor
DX="$ROOT/target/dist/duixian"
GEN="$ROOT/target/release/examples/gen-corpus"
FLOOR="$ROOT/target/release/examples/io-floor"

mkdir -p "$WORK" "$SHM"
RESULTS="$WORK/results.tsv"
printf 'workload\tsize\ttarget\ttool\truns\tmedian\tmin\tmax\trss_kb\tfiles\tbytes\tpages\tload_before\tload_after\n' >"$RESULTS"
START_UPTIME=$(uptime)

load1() { cut -d' ' -f1 /proc/loadavg; }

# measure WORKLOAD SIZE TARGET TOOL RUNS OUTDIR COMMAND...
measure() {
  local workload=$1 size=$2 target=$3 tool=$4 runs=$5 outdir=$6
  shift 6
  local json="$WORK/hf-$workload-$size-$target-$tool.json"
  local before after
  before=$(load1)
  echo "== $workload $size $target $tool ($runs runs, load $before)"
  # The warm-up run: it also gives the peak RSS.
  local rss
  rss=$(/usr/bin/time -f 'RSS %M' "$@" 2>&1 >/dev/null | sed -n 's/^RSS //p' | tail -1)
  hyperfine -N --runs "$runs" --style basic --export-json "$json" -- "$(printf '%q ' "$@")" >/dev/null
  after=$(load1)
  local stats files bytes pages
  stats=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print(r["median"], r["min"], r["max"])' "$json")
  files=$(find "$outdir" -type f | wc -l)
  # "%.0f": mawk's "%d" stops at 2^31 - 1 (a 100k portal's 3.97 GB read as 2048 MiB).
  bytes=$(find "$outdir" -type f -printf '%s\n' | awk '{s += $1} END {printf "%.0f\n", s}')
  pages=$(find "$outdir" -name '*.html' | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$workload" "$size" "$target" "$tool" "$runs" $stats "$rss" "$files" "$bytes" "$pages" "$before" "$after" >>"$RESULTS"
}

# floor WORKLOAD SIZE TARGET RUNS INPUT DUIXIAN_OUTPUT FLOOR_OUTPUT
floor() {
  local workload=$1 size=$2 target=$3 runs=$4 input=$5 ref=$6 out=$7
  local list="$WORK/manifest-$workload-$size.txt"
  "$FLOOR" manifest "$ref" >"$list"
  # The reference output is not needed past its manifest: at 100k pledges each output takes
  # 5.5 GB of tmpfs, and three at once (this one, the floor's last and its staging folder)
  # did not fit in this machine's memory.
  rm -rf "$out" "$ref"
  measure "$workload" "$size" "$target" floor "$runs" "$out" "$FLOOR" run --input "$input" --manifest "$list" --out "$out"
}

for size in $SIZES; do
  runs=$RUNS
  disk_runs=$RUNS
  targets="tmpfs disk"
  if [ "$size" = 100000 ]; then runs=$LARGE_RUNS; disk_runs=$LARGE_DISK_RUNS; targets=$LARGE_TARGETS; fi

  # ---- plain workload: duixian and Hugo
  in="$WORK/in/plain-$size"
  if [ ! -f "$in/site.yaml" ]; then
    rm -rf "$in"
    "$GEN" --plain "$size" --seed 1 --out "$in"
  fi
  for target in $targets; do
    if [ $target = tmpfs ]; then base=$SHM; r=$runs; else base="$WORK/out"; r=$disk_runs; fi
    mkdir -p "$base"
    rm -rf "$base/plain-$size-duixian" "$base/plain-$size-hugo"
    measure plain "$size" $target duixian "$r" "$base/plain-$size-duixian" \
      "$DX" --root "$in" -q build --output "$base/plain-$size-duixian"
    measure plain "$size" $target hugo "$r" "$base/plain-$size-hugo" \
      hugo --quiet --source "$in" --destination "$base/plain-$size-hugo"
    floor plain "$size" $target "$r" "$in" "$base/plain-$size-duixian" "$base/plain-$size-floor"
    rm -rf "$base/plain-$size-duixian" "$base/plain-$size-hugo" "$base/plain-$size-floor"
  done

  # ---- portal: duixian
  in="$WORK/in/portal-$size"
  if [ ! -f "$in/site.yaml" ]; then
    rm -rf "$in"
    "$GEN" --pledges "$size" --news $((size * 2)) --seed 1 --out "$in"
  fi
  for target in $targets; do
    if [ $target = tmpfs ]; then base=$SHM; r=$runs; else base="$WORK/out"; r=$disk_runs; fi
    mkdir -p "$base"
    rm -rf "$base/portal-$size-duixian"
    measure portal "$size" $target duixian "$r" "$base/portal-$size-duixian" \
      "$DX" --root "$in" -q build --output "$base/portal-$size-duixian"
    floor portal "$size" $target "$r" "$in" "$base/portal-$size-duixian" "$base/portal-$size-floor"
    rm -rf "$base/portal-$size-duixian" "$base/portal-$size-floor"
  done
done
END_UPTIME=$(uptime)
rm -rf "$SHM"

echo "== writing $OUT_MD"
{
  echo "START_UPTIME=$START_UPTIME"
  echo "END_UPTIME=$END_UPTIME"
  echo "NPROC=$(nproc)"
  echo "CPU=$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "RUSTC=$(rustc -V)"
  echo "HUGO=$(hugo version | cut -d' ' -f2)"
  echo "HYPERFINE=$(hyperfine --version)"
  echo "COMMIT=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock benches/*.rs themes || echo ' (with uncommitted changes)')"
  echo "SKIPPED_LARGE=$SKIP_LARGE"
  echo "LARGE_TARGETS=$LARGE_TARGETS"
} >"$WORK/env.txt"
free -h >"$WORK/free.txt"
df -h "$WORK" /dev/shm >"$WORK/df.txt"
python3 benches/report.py "$RESULTS" "$WORK" benches/notes.md >"$OUT_MD"
echo "done: $OUT_MD"
