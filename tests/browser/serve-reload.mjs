// Live reload through `duixian serve` in real headless Chromium:
//   node serve-reload.mjs <page-url> <file> <from> <to> <expected> <broken-from> <broken-to>
// Opens the page, waits for its reload stream, replaces <from> by <to> in <file> and waits for
// the page to reload showing <expected>; then replaces <broken-from> by <broken-to> and waits
// for the error overlay. Prints one JSON report on stdout (the Rust test judges).
import fs from 'node:fs';
import { chromium } from 'playwright-core';

const [url, file, from, to, expected, brokenFrom, brokenTo] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const report = { status: null, stream: false, reloaded: false, shows: false, overlay: null, error: null };
try {
  const page = await browser.newPage();
  const stream = page.waitForResponse(r => r.url().endsWith('/__duixian/events'), { timeout: 20000 });
  const resp = await page.goto(url);
  report.status = resp.status();
  report.stream = (await stream).status() === 200;
  // The page takes the first event's build number before any edit.
  await page.waitForTimeout(1000);
  const text = fs.readFileSync(file, 'utf8');
  const load = page.waitForEvent('load', { timeout: 30000 });
  fs.writeFileSync(file, text.replaceAll(from, to));
  await load;
  report.reloaded = true;
  report.shows = (await page.content()).includes(expected);
  await page.waitForTimeout(1000);
  fs.writeFileSync(file, text.replaceAll(from, to).replaceAll(brokenFrom, brokenTo));
  const overlay = await page.waitForSelector('#duixian-errors', { timeout: 30000 });
  report.overlay = await overlay.textContent();
} catch (e) {
  report.error = String(e);
}
await browser.close();
console.log(JSON.stringify(report));
