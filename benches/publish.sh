#!/usr/bin/env bash
# What `build --precompress` and the kept unchanged files cost and save on the 10k portal:
#   bash benches/publish.sh [WORK_DIR]   (default /dev/shm/duixian-publish; needs ~2 GB there)
# With SKIP_BUILD=1 the release binaries already in target/ are used as they are.
# 1. builds (wall, user and system seconds from /usr/bin/time, one run each): plain build into
#    an empty folder, again with nothing changed, `--precompress` into an empty folder, and
#    again with nothing changed (every file and twin kept from the previous output);
# 2. bytes: the text files, their .gz and .br twins (`find -printf %s`);
# 3. one news edit: a copy of the output stands for the host (`cp -a`, times kept), the edit is
#    built with `--precompress --changes`, then rsync says which files it would send to the copy
#    by size and time (`rsync -a -n --itemize-changes`) and which by content (`-c`); the list
#    of changes is counted too. The three should agree.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${1:-/dev/shm/duixian-publish}
cd "$ROOT"
[ "${SKIP_BUILD:-}" = 1 ] || cargo build --release --quiet --bin duixian --example gen-corpus
DX="$ROOT/target/release/duixian"
GEN="$ROOT/target/release/examples/gen-corpus"

rm -rf "$WORK"
mkdir -p "$WORK"
SITE="$WORK/site"
OUT="$WORK/out"
"$GEN" --pledges 10000 --news 20000 --seed 1 --out "$SITE" >/dev/null

load1() { cut -d' ' -f1 /proc/loadavg; }
run() { # NAME ARGS... : one build, its times, its summary lines
  local name=$1 before
  shift
  before=$(load1)
  /usr/bin/time -f "$name: %e s wall, %U s user, %S s system" -o "$WORK/time.txt" \
    "$DX" --root "$SITE" build --output "$OUT" "$@" >"$WORK/build.txt" 2>&1
  echo "$(cat "$WORK/time.txt") (load $before → $(load1))"
  sed -n 's/^  \(since\|compressed\)/    \1/p' "$WORK/build.txt"
}
clean() { rm -rf "$OUT" "$WORK/.out.duixian-manifest"; }
sum() { find "$OUT" -type f "$@" -printf '%s\n' | awk '{s += $1} END {printf "%.0f\n", s}'; }

echo "commit $(git rev-parse --short HEAD), load at start: $(load1)"
clean
run "build into an empty folder"
run "build again, nothing changed"
clean
run "--precompress into an empty folder" --precompress
run "--precompress again, nothing changed" --precompress

text='.*\.\(html\|css\|js\|json\|csv\|xml\|svg\|txt\)$'
echo "files: $(find "$OUT" -type f | wc -l), text files: $(find "$OUT" -type f -regex "$text" | wc -l), .gz: $(find "$OUT" -name '*.gz' | wc -l), .br: $(find "$OUT" -name '*.br' | wc -l)"
echo "bytes: text $(sum -regex "$text"), .gz $(sum -name '*.gz'), .br $(sum -name '*.br')"
echo "bytes of the text files that have a .gz: $(
  find "$OUT" -name '*.gz' -printf '%p\n' | sed 's/\.gz$//' | xargs -d '\n' stat -c %s | awk '{s += $1} END {printf "%.0f\n", s}'
), a .br: $(
  find "$OUT" -name '*.br' -printf '%p\n' | sed 's/\.br$//' | xargs -d '\n' stat -c %s | awk '{s += $1} END {printf "%.0f\n", s}'
)"

# One news edit, as an editor would make it: a sentence appended to one news item.
HOST="$WORK/host"
rm -rf "$HOST"
cp -a "$OUT" "$HOST"
NEWS=$(find "$SITE/content/news" -name '*.md' | sort | sed -n 100p)
printf '\n下半年将继续推进相关工作。\n' >>"$NEWS"
run "one news edit ($(basename "$NEWS")), --precompress --changes" --precompress --changes "$WORK/changes.txt"
by_time=$(rsync -a -n --itemize-changes --exclude .duixian-output "$OUT/" "$HOST/" | grep -c '^>f' || true)
by_content=$(rsync -a -n -c --itemize-changes --exclude .duixian-output "$OUT/" "$HOST/" | grep -c '^>f' || true)
listed=$(grep -c '^[AM] ' "$WORK/changes.txt" || true)
removed=$(grep -c '^D ' "$WORK/changes.txt" || true)
echo "rsync -a would send $by_time files; files whose bytes changed (rsync -c): $by_content; --changes lists $listed added or changed, $removed removed"
echo "load at end: $(load1)"
