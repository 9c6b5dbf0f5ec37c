// duixian's search index, read in the browser (and in Node by the tests): the tokeniser, the
// query, the ranking and the excerpt. The tokeniser follows the same rules as the one that built
// the index (src/search/tokens.rs); both are tested against tests/fixtures/search-tokens.json.
// Format, rules and ranking: docs/search.md. Fetches only files below the index URL it is given.

export const FORMAT_VERSION = 2;
export const MAX_WORD_CHARS = 32;
const TITLE_BIT = 8;
const WORD = /^[\p{Alphabetic}\p{N}]$/u;

/** Han ideographs of every block, 々, 〇, hiragana and katakana. */
export function isCjk(cp) {
  return cp === 0x3005 || cp === 0x3007
    || (cp >= 0x3040 && cp <= 0x30ff)
    || (cp >= 0x3400 && cp <= 0x4dbf)
    || (cp >= 0x4e00 && cp <= 0x9fff)
    || (cp >= 0xf900 && cp <= 0xfaff)
    || (cp >= 0x20000 && cp <= 0x3ffff);
}

/**
 * The traditional → simplified table (a Map of code points) from the text of a shard of the
 * index's table, `f/<n>.txt` (pairs of characters one after the other), or of
 * src/search/ts-fold.txt (one pair a line after `#` comments): the table the index was folded
 * with.
 */
export function foldTable(text) {
  const table = new Map();
  const chars = [];
  for (const line of (text || "").split("\n")) {
    if (line.startsWith("#")) continue;
    for (const ch of line) if (ch.trim()) chars.push(ch.codePointAt(0));
  }
  for (let i = 0; i + 1 < chars.length; i += 2) table.set(chars[i], chars[i + 1]);
  return table;
}

/**
 * Full-width ASCII forms to ASCII, the ideographic space to a space, a traditional character to
 * its simplified form by `table` (from foldTable; without one, none is folded).
 */
export function fold(cp, table) {
  if (cp >= 0xff01 && cp <= 0xff5e) return cp - 0xfee0;
  if (cp === 0x3000) return 0x20;
  return table?.get(cp) ?? cp;
}

/** The text folded and lower-cased, cut into runs: [{cjk, text}], words cut to 32 characters. */
export function runs(text, table) {
  const out = [];
  let cur = null;
  let words = 0;
  for (const ch of text || "") {
    const c = String.fromCodePoint(fold(ch.codePointAt(0), table));
    const cp = c.codePointAt(0);
    const cjk = isCjk(cp);
    if (!cjk && !WORD.test(c)) {
      cur = null;
      continue;
    }
    if (!cur || cur.cjk !== cjk) {
      cur = { cjk, text: "" };
      out.push(cur);
      words = 0;
    }
    if (cjk) {
      cur.text += c;
    } else {
      // Character by character, as the index does (no context-dependent forms).
      for (const l of c.toLowerCase()) {
        if (words < MAX_WORD_CHARS) {
          cur.text += l;
          words += 1;
        }
      }
    }
  }
  return out.filter((r) => r.text !== "");
}

function cjkPieces(run, unigrams) {
  const chars = [...run];
  const out = [];
  for (let i = 0; i < chars.length; i++) {
    if (unigrams || chars.length === 1) out.push(chars[i]);
    if (i + 1 < chars.length) out.push(chars[i] + chars[i + 1]);
  }
  return out;
}

/** Every token occurrence of a document text (as the index makes them). */
export function docTokens(text, table) {
  return runs(text, table).flatMap((r) => (r.cjk ? cjkPieces(r.text, true) : [r.text]));
}

/** The distinct tokens of a query, in order of first occurrence. */
export function queryTokens(text, table) {
  const all = runs(text, table).flatMap((r) => (r.cjk ? cjkPieces(r.text, false) : [r.text]));
  return [...new Set(all)];
}

/** 32-bit FNV-1a of the token's UTF-8 bytes: which shard holds it. */
export function fnv1a(token) {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(token)) {
    h = Math.imul(h ^ b, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Whether a sorted array holds x, searching from `from`; the position reached. */
function seek(arr, x, from) {
  let lo = from;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One index, at `url` (its folder, ending in `/`). */
export class SearchIndex {
  constructor(url, fetcher = globalThis.fetch.bind(globalThis)) {
    this.url = url;
    this.fetcher = fetcher;
    this.cache = new Map();
    this.lists = new Map();
    this.metaPromise = null;
    /** Bytes of every file fetched so far (as received, before any HTTP compression). */
    this.fetched = 0;
    this.requests = 0;
  }

  async get(path, as = "json", fresh = false) {
    const key = `${as}:${path}`;
    if (!this.cache.has(key)) {
      const load = (async () => {
        const meta = fresh ? null : await this.meta();
        const url = meta ? `${this.url}${path}?v=${meta.build}` : `${this.url}${path}`;
        const res = await this.fetcher(url, fresh ? { cache: "no-cache" } : {});
        if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
        const text = await res.text();
        this.fetched += new TextEncoder().encode(text).length;
        this.requests += 1;
        return as === "json" ? JSON.parse(text) : text;
      })();
      this.cache.set(key, load);
      load.catch(() => this.cache.delete(key));
    }
    return this.cache.get(key);
  }

  /**
   * The part of the folding table a query needs, fetched only for a query with a CJK character:
   * the shards `f/<cp mod n>.txt` of its characters (how to fold them), then of the characters
   * they fold to (which traditional characters of a text fold to them, for the excerpt). A pair
   * is in the shards of both its characters, so these hold every pair that concerns the query.
   */
  async foldTableFor(query) {
    const cps = new Set([...(query || "")].map((ch) => ch.codePointAt(0)).filter(isCjk));
    if (!cps.size) return null;
    const meta = await this.meta();
    const table = new Map();
    const fetched = new Set();
    const load = async (points) => {
      const shards = [...new Set([...points].map((cp) => cp % meta.fold))]
        .filter((n) => !fetched.has(n));
      shards.forEach((n) => fetched.add(n));
      const texts = await Promise.all(shards.map((n) => this.get(`f/${n}.txt`, "text")));
      for (const text of texts) for (const [from, to] of foldTable(text)) table.set(from, to);
    };
    await load(cps);
    await load([...cps].map((cp) => table.get(cp) ?? cp));
    return table;
  }

  meta() {
    if (!this.metaPromise) {
      this.metaPromise = this.get("meta.json", "json", true).then((m) => {
        if (m.version !== FORMAT_VERSION) throw new Error(`index version ${m.version}`);
        return m;
      });
      this.metaPromise.catch(() => { this.metaPromise = null; });
    }
    return this.metaPromise;
  }

  /** A token's postings: {ids, weights}, ids ascending. */
  async postings(token) {
    if (!this.lists.has(token)) {
      const meta = await this.meta();
      const shard = await this.get(`t/${fnv1a(token) % meta.shards}.json`);
      const values = Object.hasOwn(shard, token) ? shard[token] : [];
      // delta·16 + weight, or −n: n more documents, each the next one, with the same weight.
      let length = 0;
      for (const v of values) length += v < 0 ? -v : 1;
      const ids = new Float64Array(length);
      const weights = new Uint8Array(length);
      let id = 0;
      let w = 0;
      let i = 0;
      for (const v of values) {
        if (v < 0) {
          for (let k = 0; k < -v; k++) {
            id += 1;
            ids[i] = id;
            weights[i++] = w;
          }
        } else {
          id += Math.floor(v / 16);
          w = v % 16;
          ids[i] = id;
          weights[i++] = w;
        }
      }
      this.lists.set(token, { ids, weights });
    }
    return this.lists.get(token);
  }

  /**
   * Search: documents that hold every token of the query and every filter value
   * (`{status: "completed", year: "2024"}`), best first; with filters only, in index order.
   * Returns {ids, tokens, runs}.
   */
  async search(query, filters = {}) {
    const [meta, table] = await Promise.all([this.meta(), this.foldTableFor(query)]);
    const tokens = queryTokens(query, table);
    const facets = Object.entries(filters)
      .filter(([, v]) => v)
      .map(([k, v]) => `${k}:${v}`);
    const out = { ids: [], tokens, runs: runs(query, table).map((r) => r.text), table };
    if (!tokens.length && !facets.length) return out;
    const lists = await Promise.all([...tokens, ...facets].map((t) => this.postings(t)));
    const byLength = [...lists].sort((a, b) => a.ids.length - b.ids.length);
    let ids = Array.from(byLength[0].ids);
    for (const list of byLength.slice(1)) {
      let at = 0;
      ids = ids.filter((id) => {
        at = seek(list.ids, id, at);
        return at < list.ids.length && list.ids[at] === id;
      });
      if (!ids.length) break;
    }
    if (tokens.length) {
      const text = lists.slice(0, tokens.length);
      const idf = text.map((l) => Math.log(1 + meta.docs / Math.max(1, l.ids.length)));
      const ranked = ids.map((id) => {
        let titleHits = 0;
        let score = 0;
        text.forEach((l, k) => {
          const w = l.weights[seek(l.ids, id, 0)];
          if (w & TITLE_BIT) titleHits += 1;
          score += idf[k] * (w & 7);
        });
        return { id, titleHits, score };
      });
      ranked.sort((a, b) => (b.titleHits === tokens.length) - (a.titleHits === tokens.length)
        || b.titleHits - a.titleHits
        || b.score - a.score
        || a.id - b.id);
      ids = ranked.map((r) => r.id);
    }
    out.ids = ids;
    return out;
  }

  /** The records of documents: {id, url, title, kind, kindLabel, status, statusLabel, text, long}. */
  async records(ids) {
    const meta = await this.meta();
    return Promise.all(ids.map(async (id) => {
      const chunk = await this.get(`d/${Math.floor(id / meta.chunk)}.json`);
      const [url, title, kind, status, text, long] = chunk[id % meta.chunk];
      return {
        id, url, title, kind, status, text, long: long === 1,
        kindLabel: meta.kinds[kind] ?? kind,
        statusLabel: status ? (meta.statuses[status] ?? status) : null,
      };
    }));
  }

  /**
   * The excerpt of a record for a query's runs: [{text, mark}] pieces around the first match,
   * from the record's text, or from the whole text when it was cut and the match is further.
   * `table` folds the text as the query was (the `table` of a search's result).
   */
  async excerpt(record, queryRuns, width = 80, table = null) {
    let pieces = excerpt(record.text, queryRuns, width, table);
    if (record.long && queryRuns.length && !pieces.some((p) => p.mark)) {
      const whole = await this.get(`x/${record.id}.txt`, "text");
      pieces = excerpt(whole, queryRuns, width, table);
    }
    return pieces;
  }
}

/** `text` normalised as the tokeniser sees it, with the offset in `text` of every code unit. */
function normalized(text, table) {
  let norm = "";
  const map = [];
  let i = 0;
  for (const ch of text) {
    const c = String.fromCodePoint(fold(ch.codePointAt(0), table));
    let out = " ";
    if (isCjk(c.codePointAt(0))) out = c;
    else if (WORD.test(c)) out = c.toLowerCase();
    for (let k = 0; k < out.length; k++) map.push(i);
    norm += out;
    i += ch.length;
  }
  map.push(text.length);
  return { norm, map };
}

/**
 * About `width` characters of `text` from a little before the first occurrence of any of the
 * query's runs, as [{text, mark}] pieces with every occurrence marked; the start of the text if
 * none occurs. `table` folds traditional characters of `text` as the query's were.
 */
export function excerpt(text, queryRuns, width = 80, table = null) {
  const { norm, map } = normalized(text || "", table);
  const needles = (queryRuns || []).filter((r) => r);
  let first = -1;
  for (const n of needles) {
    const at = norm.indexOf(n);
    if (at >= 0 && (first < 0 || at < first)) first = at;
  }
  const chars = [...(text || "")];
  if (first < 0) {
    const cut = chars.slice(0, width).join("");
    return cut ? [{ text: cut + (chars.length > width ? "…" : ""), mark: false }] : [];
  }
  // Window in code units of `text`, widened to whole characters.
  const lead = Math.floor(width / 4);
  let start = map[first];
  for (let k = 0; k < lead && start > 0; k++) {
    start -= text.codePointAt(start - 2) > 0xffff ? 2 : 1;
  }
  let end = start;
  for (let k = 0; k < width && end < text.length; k++) {
    end += text.codePointAt(end) > 0xffff ? 2 : 1;
  }
  // Marked ranges in `text`, merged.
  const marks = [];
  for (const n of needles) {
    for (let at = norm.indexOf(n); at >= 0; at = norm.indexOf(n, at + n.length)) {
      marks.push([map[at], map[at + n.length]]);
    }
  }
  marks.sort((a, b) => a[0] - b[0]);
  const pieces = [];
  let pos = start;
  if (start > 0) pieces.push({ text: "…", mark: false });
  for (const [a, b] of marks) {
    const from = Math.max(a, pos);
    const to = Math.min(b, end);
    if (to <= from) continue;
    if (from > pos) pieces.push({ text: text.slice(pos, from), mark: false });
    pieces.push({ text: text.slice(from, to), mark: true });
    pos = to;
  }
  if (pos < end) pieces.push({ text: text.slice(pos, end), mark: false });
  if (end < text.length) pieces.push({ text: "…", mark: false });
  return pieces;
}
