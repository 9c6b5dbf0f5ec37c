// Search a built site with its own Pagefind bundle as the search page does, without a browser:
// the site is served over HTTP on 127.0.0.1 under a sub-path, pagefind.js fetches its index
// from there, and queries go through the theme's search-query.js like the page's do.
// Needs only Node (no npm packages).
//
//   node search-index.mjs <output-dir> <sub-path, e.g. /sub/dir/> <query> [<query> ...]
//
// A query may carry filters after a `|`: `供热|status=unrated&year=2024`; `|kind=pledge` is a
// filter-only search. Prints one JSON object:
//   {"queries": {"<query>": {"count": n, "results": [{"url", "title", "filters"}, ... first 10]}},
//    "outside": [paths requested outside the sub-path]}
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";

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
  const { searchTerm } = await import(pathToFileURL(join(root, "search-query.js")).href);
  const pagefind = await import(pathToFileURL(join(root, "pagefind", "pagefind.js")).href);
  await pagefind.options({ basePath: `${origin}${prefix}pagefind/`, baseUrl: prefix });
  await pagefind.init();
  const out = { queries: {}, outside };
  for (const query of queries) {
    const [q, filterText] = query.split("|");
    const filters = Object.fromEntries(new URLSearchParams(filterText || ""));
    const found = await pagefind.search(searchTerm(q), { filters });
    const data = await Promise.all(found.results.slice(0, 10).map((r) => r.data()));
    out.queries[query] = {
      count: found.results.length,
      results: data.map((d) => ({ url: d.url, title: d.meta.title, filters: d.filters })),
    };
  }
  console.log(JSON.stringify(out, null, 1));
} finally {
  server.close();
}
