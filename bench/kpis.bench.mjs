// Service KPIs over a large window (the dashboard's Overview, GET /api/v1/kpis): the demo
// company plus BENCH_WORK_ORDERS synthetic work orders spread over 13 days (copies of a demo
// work order with its lines and plan), on SQLite. It times serviceKpis with each work order's
// plan figures stored (decision 0029), and with the same rows as work orders planned before
// migration 0024 left them (no figures: the KPIs read and parse every plan), in the same run.
// Run: npm run build && node bench/kpis.bench.mjs   (BENCH_WORK_ORDERS, default 70000)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { reader } from '../dist/kernel/index.js';
import { openCore } from '../dist/main.js';
import { serviceKpis } from '../dist/modules/monitoring/index.js';
import { loadConfig } from '../dist/platform/config.js';

const COUNT = Number(process.env.BENCH_WORK_ORDERS ?? 70_000);
const ROUNDS = 3;
const dir = mkdtempSync(join(tmpdir(), 'sparehub-kpis-bench-'));
try {
  const seeded = spawnSync(process.execPath, ['bin/sparehub.js', 'demo', '--data-dir', dir], {
    encoding: 'utf8',
  });
  if (seeded.status !== 0) throw new Error(`demo seed failed: ${seeded.stderr}`);

  // Synthetic work orders: one demo work order copied, its creation spread over 13 days.
  const raw = new Database(join(dir, 'sparehub.db'));
  raw.exec(`
    with recursive n(i) as (select 1 union all select i + 1 from n where i < ${COUNT})
    insert into work_orders (id, tenant_id, external_ref, source_system, technician_van, job_region, priority,
                             due_at, fsm_created_at, status, lines_json, plan_json, plan_lines, plan_filled,
                             created_at, reserved_at)
    select 'wo_bench_' || i, w.tenant_id, 'BENCH-' || i, w.source_system, w.technician_van, w.job_region,
           w.priority, w.due_at,
           strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (i % 13) || ' days', '-' || (i % 500) || ' seconds'),
           w.status, w.lines_json, w.plan_json, w.plan_lines, w.plan_filled,
           strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (i % 13) || ' days'),
           strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (i % 13) || ' days', '+2 seconds')
      from n, (select * from work_orders where plan_lines is not null limit 1) w`);
  const planBytes = raw.prepare(`select avg(length(plan_json)) as b from work_orders`).get().b;
  raw.close();

  const time = async () => {
    const core = await openCore(loadConfig({}, { dataDir: dir, logLevel: 'silent' }));
    const r = reader(core.store, core.systemCtx());
    const ms = [];
    let kpis;
    for (let i = 0; i < ROUNDS; i++) {
      const start = performance.now();
      kpis = await serviceKpis(r, { days: 14 });
      ms.push(performance.now() - start);
    }
    await core.close();
    return { ms, kpis };
  };
  const stored = await time();
  const unfigure = new Database(join(dir, 'sparehub.db'));
  unfigure.exec(`update work_orders set plan_lines = null, plan_filled = null`);
  unfigure.close();
  const unfigured = await time();

  const fmt = (ms) => ms.map((m) => m.toFixed(0)).join(' / ');
  console.log(
    `\nService KPIs over 14 days, ${COUNT.toLocaleString()} synthetic work orders (plans ~${Math.round(planBytes)} bytes each) + the demo company, SQLite, ${new Date().toISOString().slice(0, 10)}`,
  );
  console.log('| what | ms per request (rounds) |');
  console.log('|---|---:|');
  console.log(`| plan figures stored with each plan | ${fmt(stored.ms)} |`);
  console.log(`| no stored figures (every plan read and parsed, as before 0024) | ${fmt(unfigured.ms)} |`);
  const same = JSON.stringify(stored.kpis.fillRate) === JSON.stringify(unfigured.kpis.fillRate);
  console.log(
    `fill rate: ${JSON.stringify(stored.kpis.fillRate)}; the same both ways: ${same ? 'yes' : 'NO'}; work orders in the window: ${stored.kpis.latency.count.toLocaleString()} reserved`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
