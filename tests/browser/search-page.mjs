// The search page as a reader uses it, in real headless Chromium:
//   node search-page.mjs <output-dir> <base-path> <screenshot-dir> <query> [<query> ...]
// Serves <output-dir> at http://127.0.0.1:<port><base-path>, or, when SEARCH_ORIGIN is set
// (http://127.0.0.1:8080), uses the server already there (tests/suite/host.rs: nginx). At phone width: opens
// <base>search/?q=<query> for every query and collects the result links; types a query and picks
// a filter on the bare page; checks overflow at 360 px and runs axe-core with results shown;
// and opens the page with JavaScript off. Prints one JSON report on stdout; exits 0 even when
// checks fail (the Rust test judges).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const [outDir, basePath, shotDir, ...queries] = process.argv.slice(2);
const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json' };

const server = http.createServer((req, res) => {
  const url = decodeURIComponent(req.url.split('?')[0]);
  if (!url.startsWith(basePath)) { res.writeHead(404); return res.end('outside base path'); }
  let file = path.join(outDir, url.slice(basePath.length));
  if (!file.startsWith(path.resolve(outDir))) { res.writeHead(403); return res.end(); }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!fs.existsSync(file)) { res.writeHead(404); return res.end('missing'); }
  res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
let origin = process.env.SEARCH_ORIGIN;
if (!origin) {
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${server.address().port}`;
}
const searchUrl = origin + basePath + 'search/';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const report = { queries: {}, external: [], errors: [], outside: [] };
fs.mkdirSync(shotDir, { recursive: true });

async function tab(options = {}) {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, ...options });
  const page = await ctx.newPage();
  page.on('request', r => {
    if (!r.url().startsWith(origin)) report.external.push(r.url());
    else if (!new URL(r.url()).pathname.startsWith(basePath)) report.outside.push(r.url());
  });
  page.on('console', m => { if (m.type() === 'error') report.errors.push(m.text()); });
  page.on('pageerror', e => report.errors.push(String(e)));
  return { ctx, page };
}

// Settled: the status line shows a count or "none", not "searching", for the current URL.
const settled = () => {
  const s = document.getElementById('search-status');
  return s.textContent !== '' && s.textContent !== s.dataset.loading;
};
const results = () => [...document.querySelectorAll('#search-results > li')].map(li => ({
  url: li.querySelector('a').getAttribute('href'),
  title: li.querySelector('a').textContent,
  kind: li.querySelector('.kind').textContent,
  status: li.querySelector('.badge')?.textContent ?? null,
  marks: li.querySelectorAll('.excerpt mark').length,
}));

for (const q of queries) {
  const { ctx, page } = await tab();
  await page.goto(`${searchUrl}?q=${encodeURIComponent(q)}`, { waitUntil: 'load' });
  await page.waitForFunction(settled, null, { timeout: 15000 });
  report.queries[q] = { status: await page.textContent('#search-status'), results: await page.evaluate(results) };
  await ctx.close();
}

{
  // A reader types a query, then narrows it with a filter.
  const { ctx, page } = await tab();
  await page.goto(searchUrl, { waitUntil: 'load' });
  report.form_visible = await page.isVisible('#search');
  await page.fill('#q', '供热');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === '供热');
  await page.waitForFunction(settled, null, { timeout: 15000 });
  const typed = await page.evaluate(results);
  await page.selectOption('#f-kind', 'pledge');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('kind') === 'pledge');
  await page.waitForFunction(settled, null, { timeout: 15000 });
  report.typed = { url: page.url().slice(origin.length), before_filter: typed, results: await page.evaluate(results) };
  await page.screenshot({ path: path.join(shotDir, 'search-results-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 360, height: 740 });
  report.overflow360 = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.addScriptTag({ content: axeSource });
  const axe = await page.evaluate(async () => await window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  }));
  report.axe_rules_passed = axe.passes.length;
  report.violations = axe.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }));
  await ctx.close();
}

{
  // A filter without a query lists everything it selects.
  const { ctx, page } = await tab();
  await page.goto(`${searchUrl}?status=completed`, { waitUntil: 'load' });
  await page.waitForFunction(settled, null, { timeout: 15000 });
  report.filter_only = { status: await page.textContent('#search-status'), results: await page.evaluate(results) };
  await ctx.close();
}

{
  // Without JavaScript: no dead form, a note and links to browse instead.
  const { ctx, page } = await tab({ javaScriptEnabled: false });
  await page.goto(searchUrl, { waitUntil: 'load' });
  report.nojs = {
    form_visible: await page.isVisible('#search'),
    pledges_link_visible: await page.isVisible(`main a[href="${basePath}pledges/"]`),
  };
  await page.screenshot({ path: path.join(shotDir, 'search-nojs-phone.png'), fullPage: true });
  await ctx.close();
}

await browser.close();
if (server.listening) server.close();
process.stdout.write(JSON.stringify(report, null, 1) + '\n');
