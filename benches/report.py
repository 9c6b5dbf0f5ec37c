"""Write BENCHMARKS.md from the measurements of benches/run.sh (results.tsv and the machine facts
beside it) followed by the hand-written notes (profile, optimisations) of benches/notes.md."""

import csv
import sys
from pathlib import Path

results_path, work, notes_path = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
rows = list(csv.DictReader(results_path.open(), delimiter="\t"))
env = dict(
    line.split("=", 1) for line in (work / "env.txt").read_text().splitlines() if "=" in line
)


def get(workload, size, target, tool):
    for r in rows:
        if (r["workload"], r["size"], r["target"], r["tool"]) == (workload, str(size), target, tool):
            return r
    return None


def secs(r):
    return float(r["median"])


def fmt_s(v):
    return f"{v:.2f} s" if v >= 1 else f"{v * 1000:.0f} ms"


def mib(n):
    return f"{float(n) / 2**20:.0f} MiB"


out = []
w = out.append
w("# Benchmarks")
w("")
w("Written by `bash benches/run.sh` (see the script for what it does); the notes on profiling and")
w("optimisation after the tables are `benches/notes.md`. Wall times are the median of the runs")
w("shown (hyperfine; one warm-up run first, which also gives the peak RSS); every run replaces the")
w("output of the previous one, so")
w("the removal of the old output is included, for duixian and for the floor. Hugo writes over its")
w("previous output in place (its normal rebuild).")
w("")
w("## Machine and load")
w("")
w(f"- CPU: {env.get('CPU', '?')}, `nproc` = {env.get('NPROC', '?')}")
w("- memory (`free -h`):")
w("")
w("```")
w((work / "free.txt").read_text().rstrip())
w("```")
w("")
w("- disks (`df -h` of the work folder and of the tmpfs):")
w("")
w("```")
w((work / "df.txt").read_text().rstrip())
w("```")
w("")
w(f"- versions: duixian at commit `{env.get('COMMIT', '?')}` (`dist` profile: release + fat LTO), {env.get('RUSTC', '?')}, "
  f"Hugo {env.get('HUGO', '?')} (Debian), {env.get('HYPERFINE', '?')}")
w(f"- `uptime` at the start: `{env.get('START_UPTIME', '?').strip()}`")
w(f"- `uptime` at the end: `{env.get('END_UPTIME', '?').strip()}`")
w("")
w("The machine may be shared (other developers compile and fuzz on it at times): the 1-minute load average")
w("at the start and end of every measurement is in the tables. With a load above the 2 cores,")
w("wall times are longer than on an idle machine, for every tool alike.")
w("")

w("## Results")
w("")
w("| workload | size | output on | tool | runs | median | per page | min – max | peak RSS | files | bytes | load before → after |")
w("|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    pages = int(r["pages"]) or 1
    per = float(r["median"]) / pages * 1000
    w(
        f"| {r['workload']} | {int(r['size']):,} | {r['target']} | {r['tool']} | {r['runs']} | "
        f"{fmt_s(secs(r))} | {per:.3f} ms | {fmt_s(float(r['min']))} – {fmt_s(float(r['max']))} | "
        f"{int(r['rss_kb']) / 1024:.0f} MiB | {int(r['files']):,} | {mib(r['bytes'])} | "
        f"{r['load_before']} → {r['load_after']} |"
    )
w("")
w("Size: pages for the plain workload, pledges for the portal (with twice as many news items).")
w("Per page: the median divided by the HTML files of that tool's output. The floor row of a")
w("workload writes duixian's files and bytes (its `files` column is duixian's output).")
w("")

w("## Ratios")
w("")
w("| workload | size | output on | duixian / Hugo | duixian / floor |")
w("|---|---|---|---|---|")
for r in rows:
    if r["tool"] != "duixian":
        continue
    h = get(r["workload"], r["size"], r["target"], "hugo")
    f = get(r["workload"], r["size"], r["target"], "floor")
    hr = f"{secs(r) / secs(h):.2f} (Hugo {fmt_s(secs(h))})" if h else "–"
    fr = f"{secs(r) / secs(f):.2f} (floor {fmt_s(secs(f))})" if f else "–"
    w(f"| {r['workload']} | {int(r['size']):,} | {r['target']} | {hr} | {fr} |")
w("")

w("## The issue's targets")
w("")


def verdict(ok):
    return "**met**" if ok else "**not met**"


lines = []
d = get("plain", 10000, "tmpfs", "duixian")
h = get("plain", 10000, "tmpfs", "hugo")
if d and h:
    ratio = secs(h) / secs(d)
    lines.append(
        f"- Plain workload, 10k pages, tmpfs, at least 2× faster than Hugo: {verdict(ratio >= 2)} "
        f"(duixian {fmt_s(secs(d))}, Hugo {fmt_s(secs(h))}: {ratio:.2f}× faster). Zola is not in "
        "Debian and was not measured."
    )
p = get("portal", 10000, "tmpfs", "duixian")
if p:
    lines.append(
        f"- Portal of 10k pledges + 20k news, tmpfs, under 2 s: {verdict(secs(p) < 2)} ({fmt_s(secs(p))})."
    )
p = get("portal", 10000, "disk", "duixian")
f = get("portal", 10000, "disk", "floor")
if p and f:
    lines.append(
        f"- Same portal on disk within 3× of the I/O floor: {verdict(secs(p) <= 3 * secs(f))} "
        f"(duixian {fmt_s(secs(p))}, floor {fmt_s(secs(f))}: {secs(p) / secs(f):.2f}×)."
    )
big = [r for r in rows if r["workload"] == "portal" and r["size"] == "100000" and r["tool"] == "duixian"]
if big:
    rss = max(int(r["rss_kb"]) for r in big) / 1024
    lines.append(
        f"- Peak RSS under 1 GB at 100k pledges, read as 1 GiB: {verdict(rss < 1024)} "
        f"({rss:.0f} MiB, {rss * 1.048576 / 1000:.2f} × 10⁹ bytes)."
    )
    small = get("portal", 10000, "tmpfs", "duixian")
    large = get("portal", 100000, "tmpfs", "duixian")
    if small and large:
        g = secs(large) / secs(small)
        line = f"- Time linear in size (100k ≈ 10× 10k, tmpfs): {verdict(g <= 11)} ({g:.1f}×"
        fs = get("portal", 10000, "tmpfs", "floor")
        fl = get("portal", 100000, "tmpfs", "floor")
        if fs and fl:
            line += f"; the I/O floor of the same files grew {secs(fl) / secs(fs):.1f}×"
        lines.append(line + ").")
else:
    lines.append("- Peak RSS and linearity at 100k pledges: not measured in this run (`--skip-100k`).")
lines.append(
    "- One edited news file at 10k pledges rebuilt through `serve` in under 100 ms: not measured by "
    "this script; `cargo run --release --example rebuild` and `benches/reload.py` measure it, and "
    "docs/serve.md records the results."
)
out.extend(lines)
w("")
w(notes_path.read_text().rstrip())
print("\n".join(out))
