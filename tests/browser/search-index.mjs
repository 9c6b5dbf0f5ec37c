// Search a built site with its own search-index.js, as the search page does, without a browser:
// the site is served over HTTP on 127.0.0.1 under a sub-path and the index is fetched from there.
// Each query starts from an empty cache, so the bytes it reports are what a first visit fetches.
// Needs only Node (no npm packages).
//
//   node search-index.mjs <output-dir> <sub-path, e.g. /sub/dir/> <query> [<query> ...]
//
// A query may carry filters after a `|`: `供热|status=unrated&year=2024`; `|kind=pledge` is a
// filter-only search. Prints one JSON object:
//   {"queries": {"<query>": {"count": n, "ids": [first 20 doc ids],
//      "results": [{"url", "title", "kind", "status", "excerpt"}, ... first 10],
//      "requests": n, "bytes": n, "gzip": n (gzip -6 of each file, summed), "files": [paths]}},
//    "outside": [paths requested outside the sub-path]}
// The bytes are those of meta.json, the token shards, and the record chunks (and whole texts)
// of the first 20 results, as the page shows them.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const [rootArg, prefix, ...queries] = process.argv.slice(2);
if (!rootArg || !prefix || !prefix.startsWith("/") || !prefix.endsWith("/")) {
  console.error("usage: node search-index.mjs <output-dir> </sub/path/> <query> ...");
  process.exit(2);
}
const root = resolve(rootArg);

const outside = [];
const server = createServer(async (req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  if (!path.startsWith(prefix)) {
    outside.push(path);
    res.writeHead(404).end();
    return;
  }
  const file = resolve(join(root, path.slice(prefix.length)));
  if (!file.startsWith(root + sep)) {
    res.writeHead(403).end();
    return;
  }
  try {
    res.writeHead(200).end(await readFile(file));
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const origin = `http://127.0.0.1:${server.address().port}`;

try {
  const { SearchIndex } = await import(pathToFileURL(join(root, "search-index.js")).href);
  const out = { queries: {}, outside };
  for (const query of queries) {
    const [q, filterText] = query.split("|");
    const filters = Object.fromEntries(new URLSearchParams(filterText || ""));
    const log = { requests: 0, bytes: 0, gzip: 0, files: [] };
    const fetcher = async (url, init) => {
      const res = await fetch(url, init);
      const body = Buffer.from(await res.arrayBuffer());
      if (res.ok) {
        log.requests += 1;
        log.bytes += body.length;
        log.gzip += gzipSync(body, { level: 6 }).length;
        log.files.push(new URL(url).pathname.slice(prefix.length));
      }
      return new Response(body, { status: res.status });
    };
    const index = new SearchIndex(`${origin}${prefix}search/`, fetcher);
    const found = await index.search(q, filters);
    const records = await index.records(found.ids.slice(0, 20));
    const excerpts = await Promise.all(records.map((r) => index.excerpt(r, found.runs, 80, found.table)));
    out.queries[query] = {
      count: found.ids.length,
      ids: found.ids.slice(0, 20),
      results: records.slice(0, 10).map((r, i) => ({
        url: prefix + r.url,
        title: r.title,
        kind: r.kind,
        status: r.status,
        excerpt: excerpts[i].map((p) => (p.mark ? `[${p.text}]` : p.text)).join(""),
      })),
      ...log,
    };
  }
  console.log(JSON.stringify(out, null, 1));
} finally {
  server.close();
}
