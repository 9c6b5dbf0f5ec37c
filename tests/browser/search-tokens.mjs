// The search page's tokeniser against the cases the Rust tokeniser is tested with too:
//   node search-tokens.mjs <search-index.js> <search-tokens.json> <ts-fold.txt>
// Prints {"checked": n, "failures": [...]} and exits 0 (the Rust test judges).
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [moduleArg, casesArg, foldArg] = process.argv.slice(2);
const { docTokens, queryTokens, fnv1a, foldTable } = await import(pathToFileURL(resolve(moduleArg)).href);
const table = foldTable(await readFile(foldArg, "utf8"));
const { cases, fnv1a: hashes } = JSON.parse(await readFile(casesArg, "utf8"));
const failures = [];
let checked = 0;
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
for (const c of cases) {
  for (const [key, fn] of [["doc", docTokens], ["query", queryTokens]]) {
    const got = fn(c.text, table);
    checked += 1;
    if (!same(got, c[key])) failures.push({ text: c.text, key, expected: c[key], got });
  }
}
for (const [token, hash] of Object.entries(hashes)) {
  checked += 1;
  if (fnv1a(token) !== hash) failures.push({ token, expected: hash, got: fnv1a(token) });
}
console.log(JSON.stringify({ checked, failures }, null, 1));
