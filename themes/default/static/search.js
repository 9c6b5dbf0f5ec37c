// The search page: duixian's index, fetched from this site only as a query needs it and
// searched in the browser. Filters and the query live in the URL so results can be shared.
import { SearchIndex } from "./search-index.js";

const form = document.getElementById("search");
const input = document.getElementById("q");
const statusLine = document.getElementById("search-status");
const list = document.getElementById("search-results");
const moreButton = document.getElementById("search-more");
const selects = [...form.querySelectorAll("select")];
const base = form.dataset.base;
const index = new SearchIndex(form.dataset.index);
const PAGE = 20;

let found = { ids: [], runs: [] };
let shown = 0;
let generation = 0;
let timer = 0;

function query() {
  const filters = {};
  for (const s of selects) {
    if (s.value) filters[s.name] = s.value;
  }
  return { q: input.value.trim(), filters };
}

function syncUrl({ q, filters }) {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  for (const [k, v] of Object.entries(filters)) params.set(k, v);
  const search = params.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

function excerpt(pieces) {
  const p = document.createElement("p");
  p.className = "excerpt";
  for (const piece of pieces) {
    if (piece.mark) {
      const m = document.createElement("mark");
      m.textContent = piece.text;
      p.append(m);
    } else {
      p.append(piece.text);
    }
  }
  return p;
}

function item(record, pieces) {
  const li = document.createElement("li");
  if (record.status) li.className = `st-${record.status}`;
  const a = document.createElement("a");
  a.className = "result-title";
  a.href = base + record.url;
  a.textContent = record.title || record.url;
  const meta = document.createElement("div");
  meta.className = "result-meta";
  const kind = document.createElement("span");
  kind.className = "kind";
  kind.textContent = record.kindLabel;
  meta.append(kind);
  if (record.status) {
    const badge = document.createElement("span");
    badge.className = `badge st-${record.status}`;
    badge.textContent = record.statusLabel;
    meta.append(" ", badge);
  }
  li.append(a, meta, excerpt(pieces));
  return li;
}

async function showMore(gen) {
  const ids = found.ids.slice(shown, shown + PAGE);
  const records = await index.records(ids);
  const pieces = await Promise.all(records.map((r) => index.excerpt(r, found.runs, 80, found.table)));
  if (gen !== generation) return;
  list.append(...records.map((r, i) => item(r, pieces[i])));
  shown += ids.length;
  moreButton.hidden = shown >= found.ids.length;
}

async function run() {
  const gen = ++generation;
  const current = query();
  syncUrl(current);
  if (!current.q && Object.keys(current.filters).length === 0) {
    found = { ids: [], runs: [] };
    list.replaceChildren();
    statusLine.textContent = "";
    moreButton.hidden = true;
    return;
  }
  statusLine.textContent = statusLine.dataset.loading;
  try {
    const result = await index.search(current.q, current.filters);
    if (gen !== generation) return;
    found = result;
    shown = 0;
    list.replaceChildren();
    moreButton.hidden = true;
    await showMore(gen);
    if (gen !== generation) return;
    statusLine.textContent = found.ids.length
      ? statusLine.dataset.count.replace("{n}", found.ids.length)
      : statusLine.dataset.none;
  } catch (e) {
    if (gen === generation) statusLine.textContent = statusLine.dataset.error;
    throw e;
  }
}

const params = new URLSearchParams(location.search);
input.value = params.get("q") || "";
for (const s of selects) {
  const v = params.get(s.name);
  if (v && [...s.options].some((o) => o.value === v)) s.value = v;
}
form.hidden = false;
form.addEventListener("submit", (e) => {
  e.preventDefault();
  clearTimeout(timer);
  run();
});
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(run, 250);
});
for (const s of selects) s.addEventListener("change", run);
moreButton.addEventListener("click", () => showMore(generation));
if (input.value || selects.some((s) => s.value)) run();
