#!/bin/sh
# Netlify and Cloudflare Pages: write OUTPUT/_headers so that the content-hashed CSS and
# JavaScript of a duixian build (name.0123456789.css) are cached for a year. Everything else
# keeps the hosts' default, which is to revalidate on every visit. Run it after each build:
#   sh cache-headers.sh OUTPUT [BASE_PATH]     BASE_PATH: the path of base_url, default /
# tests/suite/host.rs runs it on the demo portal and checks the file's format.
set -eu
out=$1
base=${2:-/}
cd "$out"
find . -type f | LC_ALL=C sort | grep -E '\.[0-9a-f]{10}\.(css|js)$' | while read -r f; do
  printf '%s%s\n  Cache-Control: public, max-age=31536000, immutable\n' "$base" "${f#./}"
done > _headers
