# What a query would fetch with other shard counts, record chunk sizes and inline text lengths,
# simulated from one built index and the results of tests/browser/search-index.mjs:
#
#   node tests/browser/search-index.mjs OUT / 老旧小区 供热 ... > queries.json
#   python3 benches/search_sizes.py OUT queries.json
#
# Shards are regrouped by the same FNV-1a hash, records re-chunked and re-cut; gzip sizes are
# zlib level 6 plus the gzip header. Query tokens are made from Han and ASCII runs only.
import json, os, sys, zlib, glob
out = sys.argv[1]; q = json.load(open(sys.argv[2]))
meta = json.load(open(f"{out}/search/meta.json"))
def fnv(s):
    h = 0x811c9dc5
    for b in s.encode():
        h ^= b; h = (h * 0x01000193) & 0xffffffff
    return h
entries = {}
for f in glob.glob(f"{out}/search/t/*.json"):
    for tok, lst in json.load(open(f)).items():
        entries[tok] = json.dumps(tok, ensure_ascii=False) + ":" + json.dumps(lst, separators=(",", ":"))
by_hash = {}
for tok in entries: by_hash[tok] = fnv(tok)
records = []
for c in range((meta["docs"] + meta["chunk"] - 1) // meta["chunk"]):
    records += json.load(open(f"{out}/search/d/{c}.json"))
full = []
for i, r in enumerate(records):
    if len(r) > 5: full.append(open(f"{out}/search/x/{i}.txt", encoding="utf-8").read())
    else: full.append(r[4])
gz = lambda b: len(zlib.compress(b, 6)) + 18
def shard_bytes(tokens, n):
    shards = {}
    for t in tokens:
        s = fnv(t) % n
        if s not in shards:
            body = "{" + ",".join(e for tok, e in entries.items() if by_hash[tok] % n == s) + "}\n"
            shards[s] = body.encode()
    return sum(len(b) for b in shards.values()), sum(gz(b) for b in shards.values())
def rec(i, cap):
    r = records[i]; text = full[i]
    x = [r[0], r[1], r[2], r[3], text[:cap]] + ([1] if len(text) > cap else [])
    return json.dumps(x, ensure_ascii=False, separators=(",", ":"))
def chunk_bytes(ids, k, cap, runs):
    chunks = {}; extra = []
    for i in ids:
        c = i // k
        if c not in chunks:
            lo = c * k; hi = min(len(records), lo + k)
            chunks[c] = ("[" + ",".join(rec(j, cap) for j in range(lo, hi)) + "]\n").encode()
        text = full[i]
        if len(text) > cap and runs and not any(r in text[:cap] for r in runs):
            extra.append(text.encode())
    allb = list(chunks.values()) + extra
    return sum(len(b) for b in allb), sum(gz(b) for b in allb), len(allb)
import re
def qtokens(text):
    # CJK/word runs (simplified: the test queries are Han + ASCII)
    runs = re.findall(r"[\u4e00-\u9fff]+|[A-Za-z0-9]+", text)
    toks = []
    for r in runs:
        if re.match(r"[\u4e00-\u9fff]", r):
            toks += [r] if len(r) == 1 else [r[i:i+2] for i in range(len(r)-1)]
        else: toks.append(r.lower())
    return runs, list(dict.fromkeys(toks))
cfg_shards = [512, 1024, 2048, 4096, 8192]
cfg_chunks = [(1, 600), (4, 600), (8, 600), (16, 600), (32, 600), (100, 600), (8, 200), (16, 200), (32, 200), (16, 300)]
tot_s = {n: [0, 0] for n in cfg_shards}; tot_c = {c: [0, 0, 0] for c in cfg_chunks}
for query, r in q["queries"].items():
    text, _, filt = query.partition("|")
    runs, toks = qtokens(text)
    toks += [f"{k}:{v}" for k, v in (p.split("=") for p in filt.split("&") if p)]
    line = [query]
    for n in cfg_shards:
        b, g = shard_bytes(toks, n); tot_s[n][0] += b; tot_s[n][1] += g
    for c in cfg_chunks:
        b, g, f = chunk_bytes(r["ids"], c[0], c[1], runs); t = tot_c[c]; t[0] += b; t[1] += g; t[2] += f
nq = len(q["queries"])
print("queries:", nq)
for n in cfg_shards:
    sizes = {}
    for tok, e in entries.items(): sizes[by_hash[tok] % n] = sizes.get(by_hash[tok] % n, 0) + len(e.encode()) + 1
    mx = max(sizes.values())
    print(f"shards {n:5}: per query raw {tot_s[n][0]/nq/1024:7.1f} KiB gzip {tot_s[n][1]/nq/1024:6.1f} KiB; largest shard {mx/1024:.0f} KiB")
for c in cfg_chunks:
    k, cap = c
    files = (len(records) + k - 1) // k + sum(1 for t in full if len(t) > cap)
    total = sum(len(rec(i, cap).encode()) + 1 for i in range(len(records))) + sum(len(t.encode()) for t in full if len(t) > cap)
    print(f"chunk {k:3} cap {cap:3}: per query raw {tot_c[c][0]/nq/1024:7.1f} KiB gzip {tot_c[c][1]/nq/1024:6.1f} KiB requests {tot_c[c][2]/nq:5.1f}; files {files}, {total/1e6:.1f} MB")
