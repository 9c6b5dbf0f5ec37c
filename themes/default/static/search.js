// The search page: Pagefind's index and scripts, loaded from this site only, searched in the
// browser (offline once loaded). Filters and the query live in the URL so results can be shared.
import { searchTerm } from "./search-query.js";

const form = document.getElementById("search");
const input = document.getElementById("q");
const statusLine = document.getElementById("search-status");
const list = document.getElementById("search-results");
const moreButton = document.getElementById("search-more");
const selects = [...form.querySelectorAll("select")];
const PAGE = 20;

let pagefind = null;
let results = [];
let shown = 0;
let generation = 0;
let timer = 0;

async function loadPagefind() {
  if (!pagefind) {
    const bundle = form.dataset.bundle;
    pagefind = await import(`${bundle}pagefind.js`);
    await pagefind.options({ basePath: bundle, baseUrl: form.dataset.base, excerptLength: 40 });
    await pagefind.init();
  }
  return pagefind;
}

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

// Pagefind's excerpt is HTML with <mark> around matches; keep only text and marks.
function excerpt(html) {
  const p = document.createElement("p");
  p.className = "excerpt";
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  for (const node of doc.body.childNodes) {
    if (node.nodeName === "MARK") {
      const m = document.createElement("mark");
      m.textContent = node.textContent;
      p.append(m);
    } else {
      p.append(node.textContent);
    }
  }
  return p;
}

function item(data) {
  const li = document.createElement("li");
  const status = data.filters?.status?.[0];
  if (status) li.className = `st-${status}`;
  const a = document.createElement("a");
  a.className = "result-title";
  a.href = data.url;
  a.textContent = data.meta?.title || data.url;
  const meta = document.createElement("div");
  meta.className = "result-meta";
  const kind = document.createElement("span");
  kind.className = "kind";
  kind.textContent = data.meta?.kind || "";
  meta.append(kind);
  if (status && data.meta?.status) {
    const badge = document.createElement("span");
    badge.className = `badge st-${status}`;
    badge.textContent = data.meta.status;
    meta.append(" ", badge);
  }
  li.append(a, meta, excerpt(data.excerpt || ""));
  return li;
}

async function showMore(gen) {
  const slice = results.slice(shown, shown + PAGE);
  const data = await Promise.all(slice.map((r) => r.data()));
  if (gen !== generation) return;
  list.append(...data.map(item));
  shown += slice.length;
  moreButton.hidden = shown >= results.length;
}

async function run() {
  const gen = ++generation;
  const current = query();
  syncUrl(current);
  if (!current.q && Object.keys(current.filters).length === 0) {
    results = [];
    list.replaceChildren();
    statusLine.textContent = "";
    moreButton.hidden = true;
    return;
  }
  statusLine.textContent = statusLine.dataset.loading;
  try {
    const pf = await loadPagefind();
    const found = await pf.search(searchTerm(current.q), { filters: current.filters });
    if (gen !== generation || !found) return;
    results = found.results;
    shown = 0;
    list.replaceChildren();
    await showMore(gen);
    if (gen !== generation) return;
    statusLine.textContent = results.length
      ? statusLine.dataset.count.replace("{n}", results.length)
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
