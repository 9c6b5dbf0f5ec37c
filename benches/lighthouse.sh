#!/usr/bin/env bash
# Lighthouse (mobile) on the demo portal's home, pledge, report and compare pages, with Debian's
# Chromium. Writes docs/lighthouse.md. Not part of `cargo test`: scores depend on the machine.
#   bash benches/lighthouse.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }
npm install --prefix "$work/lh" --no-audit --no-fund --loglevel=error lighthouse >/dev/null
port=18765
cargo run --release -q -- build --base-url "http://127.0.0.1:$port/" --output "$work/site" -q
(cd "$work/site" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server=$!
sleep 1
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"
{
  echo "# Lighthouse scores (mobile)"
  echo
  echo "Measured by \`benches/lighthouse.sh\` on $(date -u +%Y-%m-%d) with Lighthouse $("$work/lh/node_modules/.bin/lighthouse" --version) and $(chromium --version | head -1), on this project's 2-core machine, demo portal built in release mode and served by \`python3 -m http.server\` on loopback. Lighthouse's default mobile emulation (simulated slow 4G, 4× CPU slowdown)."
  echo
  echo "| page | performance | accessibility | best practices | SEO |"
  echo "|---|---|---|---|---|"
} > docs/lighthouse.md
for page in "" "pledges/luohe-2024/illegal-buildings/" "reports/luohe-2024/" "compare/luohe/"; do
  CHROME_PATH=$(command -v chromium) "$work/lh/node_modules/.bin/lighthouse" "http://127.0.0.1:$port/$page" \
    --quiet --chrome-flags="$flags" --form-factor=mobile --output=json --output-path="$work/r.json" >/dev/null 2>&1
  python3 - "$work/r.json" "/$page" >> docs/lighthouse.md <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
c = r["categories"]
s = lambda k: round(c[k]["score"] * 100)
print(f"| `{sys.argv[2]}` | {s('performance')} | {s('accessibility')} | {s('best-practices')} | {s('seo')} |")
PY
done
cat docs/lighthouse.md
