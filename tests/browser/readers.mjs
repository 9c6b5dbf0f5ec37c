// Reader checks in real headless Chromium for a built site:
//   node readers.mjs <output-dir> <base-path> <screenshot-dir> <page> [<page> ...]
// Serves <output-dir> at http://127.0.0.1:<port><base-path>, then for every page:
// screenshots at 390×844 and 1280×800, horizontal overflow at 360 px, axe-core (WCAG 2.2 AA);
// in dark mode (prefers-color-scheme: dark) a phone screenshot and axe's colour-contrast rule;
// printed (media print, A4): whether navigation and search are hidden and no table row is cut.
// Prints one JSON report on stdout; exits 0 even when checks fail (the Rust test judges).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const [outDir, basePath, shotDir, ...pages] = process.argv.slice(2);
const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json', '.xml': 'application/xml', '.svg': 'image/svg+xml', '.wasm': 'application/wasm' };
const requests = [];

const server = http.createServer((req, res) => {
  const url = decodeURIComponent(req.url.split('?')[0]);
  requests.push(url);
  if (!url.startsWith(basePath)) { res.writeHead(404); return res.end('outside base path'); }
  let file = path.join(outDir, url.slice(basePath.length));
  if (!file.startsWith(path.resolve(outDir))) { res.writeHead(403); return res.end(); }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!fs.existsSync(file)) { res.writeHead(404); return res.end('missing'); }
  res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise(r => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const report = { pages: [] };
fs.mkdirSync(shotDir, { recursive: true });
for (const page of pages) {
  const entry = { page, overflow360: null, violations: [], dark_violations: [], print: null, external: [], status: null, screenshots: [] };
  const url = origin + basePath + page;
  for (const [w, h, tag] of [[390, 844, 'phone'], [1280, 800, 'desktop']]) {
    const ctx = await browser.newContext({ viewport: { width: w, height: h }, javaScriptEnabled: true });
    const tab = await ctx.newPage();
    tab.on('request', r => { if (!r.url().startsWith(origin)) entry.external.push(r.url()); });
    const resp = await tab.goto(url, { waitUntil: 'load' });
    entry.status = resp ? resp.status() : null;
    const name = `${page.replace(/[\/.]+/g, '_') || 'home'}-${tag}.png`;
    await tab.screenshot({ path: path.join(shotDir, name), fullPage: tag === 'phone' });
    entry.screenshots.push(name);
    if (tag === 'phone') {
      await tab.setViewportSize({ width: 360, height: 740 });
      entry.overflow360 = await tab.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      await tab.addScriptTag({ content: axeSource });
      const result = await tab.evaluate(async () => await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      }));
      entry.axe_rules_passed = result.passes.length;
      entry.violations = result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }));
    }
    await ctx.close();
  }
  {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    const tab = await ctx.newPage();
    await tab.goto(url, { waitUntil: 'load' });
    const name = `${page.replace(/[\/.]+/g, '_') || 'home'}-phone-dark.png`;
    await tab.screenshot({ path: path.join(shotDir, name), fullPage: true });
    entry.screenshots.push(name);
    await tab.addScriptTag({ content: axeSource });
    const result = await tab.evaluate(async () => await window.axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast'] } }));
    entry.dark_violations = result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }));
    // Print: A4 width at 96 dpi less the page margins (@page in style.css), print media.
    await tab.emulateMedia({ media: 'print', colorScheme: 'light' });
    await tab.setViewportSize({ width: 703, height: 1000 });
    entry.print = await tab.evaluate(() => {
      const shown = (q) => [...document.querySelectorAll(q)].filter((e) => e.getClientRects().length > 0).length;
      const rows = [...document.querySelectorAll('table.print-table tbody tr')];
      return {
        nav_shown: shown('header.top nav') + shown('form.search'),
        print_table_shown: shown('table.print-table'),
        print_rows: rows.length,
        rows_breakable: rows.filter((r) => getComputedStyle(r).breakInside !== 'avoid').length,
        overflow: document.documentElement.scrollWidth - window.innerWidth,
      };
    });
    await ctx.close();
  }
  report.pages.push(entry);
}
await browser.close();
server.close();
process.stdout.write(JSON.stringify(report, null, 1) + '\n');
