// Dashboard (issue 7): what the built dashboard adds to the hub's start-up, and how soon its
// first page is interactive on the demo data set, in Debian's Chromium driven by playwright-core.
//
// Start-up: the demo company is seeded once; then the hub is started BENCH_STARTS times with the
// dashboard on and as many with it off (SPAREHUB_DASHBOARD=off), interleaved, timing spawn →
// "listening". First page: each round opens a fresh browser context (cold cache) with an
// admin key in the session, loads /, and stops the clock when the Overview shows its KPI
// figures from the API (navigation start → figures on screen, the browser's own clock); then
// loads it again in the same context (warm cache). The ceiling, in the same run: the same
// browser loading a bare HTML page from a plain node:http server on this machine, whose
// inline script marks itself done — what any page costs here before its own work.
// Target (issue): a few seconds at most added to start-up; first page interactive < 2 s.
// Benchmarks print figures; nothing asserts times.
//
// Run: npm run build && node bench/dashboard.bench.mjs     Env: BENCH_STARTS (5), BENCH_ROUNDS (5)
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import {
  ADMIN_KEY,
  ROOT,
  envNumber,
  fmt,
  machine,
  onCleanup,
  cleanupAll,
  percentile,
  printTable,
  run,
  startHub,
  writeResults,
} from './lib.mjs';

const STARTS = envNumber('BENCH_STARTS', 5);
const ROUNDS = envNumber('BENCH_ROUNDS', 5);
const CHROMIUM = process.env.BENCH_CHROMIUM ?? '/usr/bin/chromium';
const KEY_STORAGE = 'sparehub.apiKey';
const TARGET_MS = 2000;

const median = (values) => percentile(values, 50);

async function timedStart(dataDir, dashboard) {
  const t0 = performance.now();
  const hub = await startHub({ dataDir, env: { SPAREHUB_DASHBOARD: dashboard ? 'on' : 'off' } });
  const ms = performance.now() - t0;
  return { hub, ms };
}

async function firstPage(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(([name, key]) => sessionStorage.setItem(name, key), [KEY_STORAGE, ADMIN_KEY]);
  const page = await context.newPage();
  const load = async () => {
    await page.goto(url, { waitUntil: 'commit' });
    // The figures are on screen: the latency card shows values, not the loading state.
    await page.getByText('Work order → reservation latency').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), null, {
      timeout: 30_000,
    });
    return page.evaluate(() => performance.now());
  };
  const cold = await load();
  const warm = await load();
  await context.close();
  return { cold, warm };
}

async function barePage(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__done === true);
  const ms = await page.evaluate(() => performance.now());
  await context.close();
  return ms;
}

async function main() {
  if (!existsSync(CHROMIUM))
    throw new Error(`no browser at ${CHROMIUM}: apt-get install chromium (or set BENCH_CHROMIUM)`);
  if (!existsSync(join(ROOT, 'dist', 'web', 'index.html')))
    throw new Error('dist/web is missing: run npm run build first');
  const dataDir = mkdtempSync(join(tmpdir(), 'sparehub-bench-dashboard-'));
  onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));

  console.log(machine());
  const seedT0 = performance.now();
  run(process.execPath, ['bin/sparehub.js', 'demo', '--data-dir', dataDir], { cwd: ROOT });
  console.log(`demo company seeded in ${fmt((performance.now() - seedT0) / 1000, 1)} s`);

  // --- start-up, interleaved so drift in the machine's load hits both alike --------------------
  const starts = { on: [], off: [] };
  for (let i = 0; i < STARTS; i++) {
    for (const dashboard of [true, false]) {
      const { hub, ms } = await timedStart(dataDir, dashboard);
      starts[dashboard ? 'on' : 'off'].push(ms);
      await hub.stop();
    }
  }

  // --- first page --------------------------------------------------------------------------------
  const bare = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      '<!doctype html><html lang="en"><title>bare</title><p>bare</p><script>window.__done = true</script></html>',
    );
  });
  await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise((resolve) => bare.close(resolve)));
  const bareUrl = `http://127.0.0.1:${bare.address().port}/`;

  const { hub } = await timedStart(dataDir, true);
  const launchT0 = performance.now();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  onCleanup(() => browser.close());
  const launchMs = performance.now() - launchT0;

  const cold = [];
  const warm = [];
  const ceiling = [];
  for (let i = 0; i < ROUNDS; i++) {
    ceiling.push(await barePage(browser, bareUrl));
    const r = await firstPage(browser, `${hub.url}/`);
    cold.push(r.cold);
    warm.push(r.warm);
  }

  const assets = await fetch(`${hub.url}/`).then((r) => r.text());
  const scripts = [...assets.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
  let bytes = 0;
  for (const path of scripts)
    bytes += (await fetch(`${hub.url}${path}`).then((r) => r.arrayBuffer())).byteLength;

  console.log(`\nStart-up on the demo data set, spawn → listening, ${STARTS} starts each (ms):`);
  printTable(
    [
      { title: 'dashboard', align: 'left' },
      { title: 'median', align: 'right' },
      { title: 'min', align: 'right' },
      { title: 'max', align: 'right' },
    ],
    [
      ['on', fmt(median(starts.on)), fmt(Math.min(...starts.on)), fmt(Math.max(...starts.on))],
      [
        'off (SPAREHUB_DASHBOARD=off)',
        fmt(median(starts.off)),
        fmt(Math.min(...starts.off)),
        fmt(Math.max(...starts.off)),
      ],
      ['added by the dashboard', fmt(median(starts.on) - median(starts.off)), '', ''],
    ],
  );
  console.log(
    `\nFirst page (Overview with its KPI figures), navigation start → figures on screen, ${ROUNDS} rounds (ms); browser launch ${fmt(launchMs)} ms, not counted:`,
  );
  printTable(
    [
      { title: 'page', align: 'left' },
      { title: 'median', align: 'right' },
      { title: 'max', align: 'right' },
    ],
    [
      ['dashboard, cold cache', fmt(median(cold)), fmt(Math.max(...cold))],
      ['dashboard, warm cache', fmt(median(warm)), fmt(Math.max(...warm))],
      ['ceiling: bare HTML page, node:http', fmt(median(ceiling)), fmt(Math.max(...ceiling))],
    ],
  );
  console.log(`\ndashboard assets: ${scripts.length} files, ${fmt(bytes / 1024)} KiB uncompressed`);
  console.log(
    `target: first page interactive < ${TARGET_MS} ms: ${Math.max(...cold) < TARGET_MS ? 'met' : 'NOT met'} (worst cold round ${fmt(Math.max(...cold))} ms)`,
  );
  const path = writeResults('dashboard', {
    machine: machine(),
    starts,
    cold,
    warm,
    ceiling,
    launchMs,
    assetBytes: bytes,
  });
  console.log(`figures written to ${path}`);
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
