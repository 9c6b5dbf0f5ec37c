// Search a built site with its own Pagefind bundle, the way a browser would: the site is served
// over HTTP on 127.0.0.1 under a sub-path, and pagefind.js fetches its index from there.
//
// usage: node query.mjs <output-dir> <sub-path, e.g. /sub/dir/> <query> [<query> ...]
// prints one JSON object: {"<query>": [{"url", "title", "filters"} ...], ...}
// A query may carry filters after a `|`: `供热|status=unrated&year=2024`.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join, normalize, sep } from "node:path";
import { pathToFileURL } from "node:url";

const [root, prefix, ...queries] = process.argv.slice(2);
if (!root || !prefix || !prefix.startsWith("/") || !prefix.endsWith("/")) {
  console.error("usage: node query.mjs <output-dir> </sub/path/> <query> ...");
  process.exit(2);
}

const requested = [];
const server = createServer(async (req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  requested.push(path);
  const file = normalize(join(root, path.slice(prefix.length)));
  if (!path.startsWith(prefix) || !file.startsWith(normalize(root) + sep)) {
    res.writeHead(404).end();
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

// Pagefind segments a Chinese query (Intl.Segmenter) only when the page language is Chinese;
// the search page segments it itself (search-query.js), whatever the interface language.
const { searchTerm } = await import(pathToFileURL(join(root, "search-query.js")).href);

try {
  const pagefind = await import(pathToFileURL(join(root, "pagefind", "pagefind.js")).href);
  await pagefind.options({ basePath: `${origin}${prefix}pagefind/`, baseUrl: prefix });
  await pagefind.init();
  const out = {};
  for (const query of queries) {
    const [q, filterText] = query.split("|");
    const filters = Object.fromEntries(new URLSearchParams(filterText || ""));
    const found = await pagefind.search(searchTerm(q), { filters });
    const data = await Promise.all(found.results.slice(0, 10).map((r) => r.data()));
    out[query] = {
      count: found.results.length,
      results: data.map((d) => ({ url: d.url, title: d.meta.title, filters: d.filters })),
    };
  }
  const outside = requested.filter((p) => !p.startsWith(prefix));
  out["(requests outside the sub-path)"] = outside;
  console.log(JSON.stringify(out, null, 1));
} finally {
  server.close();
}
