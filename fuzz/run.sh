#!/usr/bin/env bash
# Run every fuzz target for a set time, one after the other, on one core.
#   fuzz/run.sh [seconds per target, default 600] [target ...]
# Needs cargo-fuzz (`cargo install cargo-fuzz`). On a stable toolchain it sets RUSTC_BOOTSTRAP=1
# so that cargo-fuzz may use the sanitizer flags. The corpus of each target is seeded from the
# fixture sites and the demo portal; crashes land in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-600}"
[ "$#" -gt 0 ] && shift
all=(frontmatter site_yaml pledges_yaml indicators_yaml report_md news_md page_md markdown import extract)
if [ "$#" -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi
export RUSTC_BOOTSTRAP=1

seed() { # seed <target> <files...>
  local dir="corpus/$1"; shift
  mkdir -p "$dir"
  for f in "$@"; do
    [ -f "$f" ] && cp "$f" "$dir/seed-$(echo "$f" | tr '/' '_')"
  done
  true
}
fixtures=(../tests/fixtures/full ../tests/fixtures/broken ../tests/fixtures/hostile ..)
for t in "${targets[@]}"; do
  case "$t" in
    site_yaml) seed "$t" $(for f in "${fixtures[@]}"; do echo "$f/site.yaml"; done) ;;
    pledges_yaml) seed "$t" $(find "${fixtures[@]/%//content/pledges}" -name '*.yaml' 2>/dev/null) ;;
    indicators_yaml) seed "$t" $(find "${fixtures[@]/%//content/indicators}" -name '*.yaml' 2>/dev/null) ;;
    report_md) seed "$t" $(find "${fixtures[@]/%//content/reports}" -name '*.md' 2>/dev/null) ;;
    news_md) seed "$t" $(find "${fixtures[@]/%//content/news}" -name '*.md' 2>/dev/null) ;;
    page_md) seed "$t" $(find "${fixtures[@]/%//content/pages}" -name '*.md' 2>/dev/null) ;;
    frontmatter) seed "$t" $(find "${fixtures[@]/%//content}" -name '*.md' 2>/dev/null) ;;
    markdown)
      # Six parameter bytes choose the quotes; the rest is a body.
      mkdir -p corpus/markdown
      for f in $(find "${fixtures[@]/%//content}" -name '*.md' 2>/dev/null); do
        { printf '\x10\x20\x30\x08\x50\x18'; cat "$f"; } > "corpus/markdown/seed-$(echo "$f" | tr '/' '_')"
      done ;;
    import) seed "$t" ../seeds/*.txt ;;
    extract) seed "$t" $(find "${fixtures[@]/%//content/reports}" -name '*.md' 2>/dev/null) ;;
    *) echo "unknown target $t" >&2; exit 2 ;;
  esac
done

failed=()
for t in "${targets[@]}"; do
  echo "== $t: ${secs}s"
  # One process, one core (libFuzzer's default; no -jobs/-fork). A run over 10 s on one input
  # or over 2 GiB of memory counts as a crash.
  # A crash ends this target's run, not the others'; the script exits non-zero at the end.
  if ! cargo fuzz run "$t" "corpus/$t" -- -max_total_time="$secs" \
    -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1; then
    echo "== $t: FAILED (see fuzz/artifacts/$t/)"
    failed+=("$t")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "== failed: ${failed[*]}"
  exit 1
fi
