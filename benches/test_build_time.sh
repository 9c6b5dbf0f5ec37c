#!/usr/bin/env bash
# How long the tests take to build, and how large their executables are (BENCHMARKS.md, "Test
# build time: one integration-test binary"). For each checkout given (default: this one):
#   touch-lib    `cargo test --no-run` after `touch src/lib.rs` (an edit of the library)
#   clean-crate  `cargo test --no-run` after `cargo clean -p duixian` (dependencies stay built)
#   size         the test executables of this crate that `cargo test --no-run` names
# wall and CPU (user + sys of cargo and every compiler and linker it starts), RUNS runs each
# (default 3), median printed. With several checkouts the runs alternate between them, so a
# load that changes during the measurement falls on all of them alike:
#
#   benches/test_build_time.sh                       # this checkout
#   RUNS=5 benches/test_build_time.sh /tmp/main .    # main and this branch, interleaved
#
# Each checkout builds into its own target/ (the dependencies must be built there once; the
# first, unmeasured build does it). It changes nothing but the mtime of src/lib.rs.
set -euo pipefail

runs=${RUNS:-3}
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(.)
for i in "${!dirs[@]}"; do
    dirs[i]=$(cd "${dirs[i]}" && pwd)
done
results=$(mktemp)
trap 'rm -f "$results"' EXIT

# Run `cargo test --no-run` in $1 and append "<dir> <case> <wall> <cpu>" to the results.
timed_build() {
    local dir=$1 case=$2 t
    t=$( { TIMEFORMAT='%R %U %S'; time (cd "$dir" && cargo test --no-run -q >/dev/null 2>&1); } 2>&1 )
    read -r wall user sys <<<"$t"
    echo "$dir $case $wall $(echo "$user + $sys" | bc)" >>"$results"
    echo "  $dir $case: $wall s wall, $user s user, $sys s sys" >&2
}

# Total bytes of the test executables cargo reports for the checkout $1.
test_executables() {
    (cd "$1" && cargo test --no-run -q --message-format=json 2>/dev/null) |
        jq -r 'select(.reason == "compiler-artifact" and .executable != null
                      and .profile.test == true) | .executable' |
        sort -u | { n=0; bytes=0
            while read -r exe; do
                n=$((n + 1)); bytes=$((bytes + $(stat -c %s "$exe")))
            done
            echo "$n $bytes"; }
}

for dir in "${dirs[@]}"; do
    echo "warming up $dir" >&2
    (cd "$dir" && cargo test --no-run -q >/dev/null 2>&1)
done
for run in $(seq "$runs"); do
    echo "run $run of $runs" >&2
    for dir in "${dirs[@]}"; do
        touch "$dir/src/lib.rs"
        timed_build "$dir" touch-lib
    done
    for dir in "${dirs[@]}"; do
        (cd "$dir" && cargo clean -q -p duixian)
        timed_build "$dir" clean-crate
    done
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "$(date -u +%F) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $runs runs, medians:"
for dir in "${dirs[@]}"; do
    echo "$dir ($(git -C "$dir" rev-parse --short HEAD))"
    for case in touch-lib clean-crate; do
        wall=$(awk -v d="$dir" -v c="$case" '$1 == d && $2 == c { print $3 }' "$results" | median)
        cpu=$(awk -v d="$dir" -v c="$case" '$1 == d && $2 == c { print $4 }' "$results" | median)
        printf '  %-12s %7.2f s wall %7.2f s CPU (user+sys)\n' "$case" "$wall" "$cpu"
    done
    read -r n bytes < <(test_executables "$dir")
    printf '  %-12s %d test executables, %d MiB\n' size "$n" $((bytes / 1048576))
done
