#!/usr/bin/env bash
# What `build --precompress` and the kept unchanged files cost and save on the 10k portal:
#   bash benches/publish.sh [WORK_DIR]   (default /dev/shm/duixian-publish; needs ~2 GB there)
# 1. build times: plain build into an empty folder, `--precompress` into an empty folder, and
#    `--precompress` again over its own output (nothing changed: every twin is kept);
# 2. bytes: the text files, their .gz and .br twins (`find -printf %s`);
# 3. one news edit: a copy of the output stands for the host (`cp -a`, times kept), the edit is
#    built with `--changes`, then rsync says which files it would send to the copy by size and
#    time (`rsync -a -n --itemize-changes`) and which by content (`-c`); the list of changes
#    is counted too. The three must agree.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${1:-/dev/shm/duixian-publish}
cd "$ROOT"
cargo build --release --quiet --bin duixian --example gen-corpus
DX="$ROOT/target/release/duixian"
GEN="$ROOT/target/release/examples/gen-corpus"

rm -rf "$WORK"
mkdir -p "$WORK"
SITE="$WORK/site"
OUT="$WORK/out"
"$GEN" --pledges 10000 --news 20000 --seed 1 --out "$SITE" >/dev/null

load1() { cut -d' ' -f1 /proc/loadavg; }
secs() { # COMMAND... → wall seconds
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
clean() { rm -rf "$OUT" "$WORK/.out.duixian-manifest"; }
sum() { find "$OUT" -type f "$@" -printf '%s\n' | awk '{s += $1} END {printf "%.0f\n", s}'; }

echo "load at start: $(load1)"
for round in 1 2 3; do
  clean
  plain=$(secs "$DX" -q --root "$SITE" build --output "$OUT")
  again=$(secs "$DX" -q --root "$SITE" build --output "$OUT")
  clean
  pre=$(secs "$DX" -q --root "$SITE" build --output "$OUT" --precompress)
  pre_again=$(secs "$DX" -q --root "$SITE" build --output "$OUT" --precompress)
  echo "round $round: build into empty ${plain}s, again unchanged ${again}s; --precompress into empty ${pre}s, again unchanged ${pre_again}s (load $(load1))"
done

text='.*\.\(html\|css\|js\|json\|csv\|xml\|svg\|txt\)$'
echo "files: $(find "$OUT" -type f | wc -l), text files: $(find "$OUT" -type f -regex "$text" | wc -l), .gz: $(find "$OUT" -name '*.gz' | wc -l), .br: $(find "$OUT" -name '*.br' | wc -l)"
echo "bytes: text $(sum -regex "$text"), twinned text $(
  find "$OUT" -name '*.gz' -printf '%p\n' | sed 's/\.gz$//' | xargs -d '\n' stat -c %s | awk '{s += $1} END {printf "%.0f\n", s}'
), .gz $(sum -name '*.gz'), .br $(sum -name '*.br')"

# One news edit, as an editor would make it: a sentence appended to one news item.
HOST="$WORK/host"
rm -rf "$HOST"
cp -a "$OUT" "$HOST"
NEWS=$(find "$SITE/content/news" -name '*.md' | sort | sed -n 100p)
printf '\n下半年将继续推进相关工作。\n' >>"$NEWS"
edit=$(secs "$DX" -q --root "$SITE" build --output "$OUT" --precompress --changes "$WORK/changes.txt")
echo "news edit ($NEWS) built in ${edit}s"
by_time=$(rsync -a -n --itemize-changes --exclude .duixian-output "$OUT/" "$HOST/" | grep -c '^>f' || true)
by_content=$(rsync -a -n -c --itemize-changes --exclude .duixian-output "$OUT/" "$HOST/" | grep -c '^>f' || true)
listed=$(grep -c '^[AM] ' "$WORK/changes.txt" || true)
removed=$(grep -c '^D ' "$WORK/changes.txt" || true)
echo "rsync -a would send $by_time files; files whose bytes changed (rsync -c): $by_content; --changes lists $listed added or changed, $removed removed"
echo "load at end: $(load1)"
