import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import type { Command } from 'commander';
import { seededRandom } from '../platform/random.js';
import { runFieldDay } from '../simulation/field-day.js';
import { hubApi, newWebhookSecret, sendWebhook, webhookReceiver, type Api } from '../simulation/plumbing.js';

/**
 * `sparehub simulate`: a simulated ERP, FSM and WMS that talk to a running hub only the way
 * real systems do — signed webhooks, a drop folder and NATS JetStream — so the demo shows
 * real traffic: the ERP masters parts, the FSM reports parts used on jobs, the WMS posts
 * receipts over NATS and drops stock snapshots, and the ERP receives every stock movement
 * back as signed webhooks. It registers its systems, mappings and flows through the API.
 */
interface Options {
  hub: string;
  key: string;
  tenant: string;
  folder: string;
  nats: string;
  interval: string;
  once?: boolean;
  scenario: string;
  workOrders: string;
  seed: string;
  json?: boolean;
}

interface Setup {
  parts: string[];
  vans: string[];
  warehouse: string;
  secrets: { erp: string; fsm: string };
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      'run a simulated ERP, FSM and WMS against a running hub, over webhooks, a drop folder and NATS',
    )
    .option('--hub <url>', 'the hub', 'http://127.0.0.1:3000')
    .option(
      '--key <apiKey>',
      'an admin or integration_admin key (default: SPAREHUB_ADMIN_KEY)',
      process.env.SPAREHUB_ADMIN_KEY ?? '',
    )
    .option('--tenant <code>', 'tenant code (for webhook URLs)', 'default')
    .option('--folder <dir>', 'the WMS drop folder the hub watches', './data/simulated-wms')
    .option('--nats <url>', 'NATS server for the WMS receipts', 'nats://127.0.0.1:4222')
    .option('--interval <ms>', 'time between rounds of traffic', '2000')
    .option('--once', 'send one round, wait for the ERP to receive the hub’s events, then exit')
    .option(
      '--scenario <name>',
      'traffic: a round of traffic every interval; day: a day of work orders end to end (sets up its own network and parts)',
      'traffic',
    )
    .option('--work-orders <n>', 'day: how many work orders the FSM sends', '300')
    .option('--seed <n>', 'day: seed of the day’s random jobs (same seed, same day)', '1')
    .option('--json', 'day: print the summary as JSON')
    .action(async (opts: Options) => {
      if (!opts.key) throw new Error('an API key is needed: --key or SPAREHUB_ADMIN_KEY');
      if (opts.scenario === 'day') await simulateDay(opts);
      else if (opts.scenario === 'traffic') await simulate(opts);
      else throw new Error(`unknown scenario '${opts.scenario}': traffic or day`);
    });
}

/** A day of work orders end to end; exits non-zero when a line's parts are unaccounted for. */
async function simulateDay(opts: Options): Promise<void> {
  const seed = Number(opts.seed);
  const summary = await runFieldDay({
    hub: opts.hub,
    key: opts.key,
    tenant: opts.tenant,
    nats: opts.nats,
    workOrders: Number(opts.workOrders),
    random: seededRandom(seed),
    runId: `D${seed}${Date.now().toString(36).slice(-5).toUpperCase()}`,
    log: (line) => (opts.json ? process.stderr.write(`${line}\n`) : console.log(line)),
  });
  if (opts.json) console.log(JSON.stringify(summary));
  else {
    console.log(`work orders ${summary.workOrders}: ${JSON.stringify(summary.byStatus)}`);
    console.log(
      `lines issued ${summary.lines.issued}, reserved ${summary.lines.reserved}, backordered with a date ${summary.lines.backordered}, let go ${summary.lines.cancelled}, unaccounted ${summary.unresolved.length}`,
    );
    console.log(
      `substitutions ${summary.substitutions}, approvals ${JSON.stringify(summary.approvals)}, partial shipments ${summary.partialShipments}, FSM heard ${summary.fsmHeard} dates`,
    );
    for (const line of summary.unresolved) console.log(`UNACCOUNTED ${line}`);
  }
  if (summary.unresolved.length > 0) process.exitCode = 1;
}

async function simulate(opts: Options): Promise<void> {
  const api = hubApi(opts.hub, opts.key);
  // The simulated ERP's webhook endpoint: verifies each signature and dedupes by webhook id.
  const erpSecret = newWebhookSecret();
  const erp = await webhookReceiver('/erp/stock', erpSecret, (message) => {
    const event = message as { part?: string; quantity?: number; location?: string; ref?: string };
    console.log(
      `ERP  ← stock moved: ${event.part} ${event.quantity ?? ''} at ${event.location ?? '?'} (${event.ref ?? ''})`,
    );
  });
  const received = erp.received;
  const setup = await register(api, opts, erp.url, erpSecret);
  let nats: NatsConnection | null = null;
  try {
    nats = await connect({ servers: opts.nats, timeout: 2000, maxReconnectAttempts: 0 });
    await (
      await jetstreamManager(nats)
    ).streams
      .add({ name: 'SIM_WMS', subjects: ['sim.wms.>'] })
      .catch(() => undefined);
  } catch {
    console.log(`NATS at ${opts.nats} is not reachable: the WMS posts receipts by drop folder only`);
  }
  console.log(`simulated ERP, FSM and WMS talking to ${opts.hub} (Ctrl-C stops)`);

  let round = 0;
  const webhook = async (flow: string, secret: string, payload: unknown) =>
    (await sendWebhook(opts.hub, opts.tenant, flow, secret, payload)).status;
  const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;

  do {
    round += 1;
    const part = pick(setup.parts);
    const status = await webhook('sim-erp-items', setup.secrets.erp, {
      MATNR: part,
      MAKTX: `Spare part ${part} (ERP text rev ${round})`,
      MEINS: 'EA',
    });
    console.log(`ERP  → item master ${part}: ${status}`);
    // The FSM reports a part the van really carries, as a technician would.
    const van = pick(setup.vans);
    const onVan = (
      (await api('GET', `/api/v1/stock?locationCode=${van}&status=available&limit=200`)).items as Array<{
        partNumber: string;
        available: number;
      }>
    ).filter((r) => r.available >= 1);
    // The simulated FSM reports counted parts; serial- and lot-tracked ones go by serial.
    let used: string | null = null;
    for (const row of onVan.slice(0, 10)) {
      const found = await api('GET', `/api/v1/parts/${encodeURIComponent(row.partNumber)}`);
      if (found.tracking === 'none') {
        used = row.partNumber;
        break;
      }
    }
    if (used) {
      const usage = await webhook('sim-fsm-usage', setup.secrets.fsm, {
        workOrder: `WO-${60000 + round}`,
        vanCode: van,
        parts: [{ partNumber: used, quantity: 1 }],
      });
      console.log(`FSM  → WO-${60000 + round} used 1 × ${used} from ${van}: ${usage}`);
    } else console.log(`FSM  → ${van} carries no counted part: no job this round`);
    if (nats) {
      const h = natsHeaders();
      h.set('Nats-Msg-Id', `sim-receipt-${Date.now()}-${round}`);
      await jetstream(nats).publish(
        'sim.wms.receipts',
        JSON.stringify({
          partNumber: part,
          locationCode: setup.warehouse,
          quantity: 5,
          reference: `ASN-${round}`,
        }),
        { headers: h },
      );
      console.log(`WMS  → NATS receipt 5 × ${part} at ${setup.warehouse}`);
    }
    if (round % 5 === 1 || opts.once) {
      mkdirSync(opts.folder, { recursive: true });
      const rows = setup.parts.slice(0, 5).map((p) => `${p},${10 + Math.floor(Math.random() * 5)},EA`);
      const name = `snapshot-${new Date().toISOString().replace(/[:.]/g, '-')}.csv`;
      writeFileSync(join(opts.folder, name), `partNumber,quantity,uom\n${rows.join('\n')}\n`);
      console.log(`WMS  → dropped ${name} (5 parts) into ${opts.folder}`);
    }
    if (!opts.once) await sleep(Number(opts.interval));
  } while (!opts.once);

  // Once: wait until the ERP has heard of the FSM's consumption (the hub's outbox relay).
  for (let i = 0; i < 100 && received.size === 0; i++) await sleep(100);
  console.log(`ERP received ${received.size} stock event(s)`);
  await nats?.close();
  await erp.close();
}

async function register(api: Api, opts: Options, erpUrl: string, erpSecret: string): Promise<Setup> {
  // Counted parts only: serial- and lot-tracked ones are counted by naming each serial or lot.
  const listed = (await api('GET', '/api/v1/parts?limit=200')).items as Array<{
    partNumber: string;
    tracking: string;
  }>;
  const parts = listed
    .filter((p) => p.tracking === 'none')
    .slice(0, 20)
    .map((p) => p.partNumber);
  const locations = (await api('GET', '/api/v1/locations')).items as Array<{ code: string; type: string }>;
  const vans = locations.filter((l) => l.type === 'technician_van').map((l) => l.code);
  const warehouse = locations.find((l) => l.type === 'regional_warehouse' || l.type === 'central_dc')?.code;
  if (parts.length === 0 || vans.length === 0 || !warehouse)
    throw new Error('the hub has no parts, vans or warehouse: start it with the demo company (npm start)');
  const secrets = { erp: newWebhookSecret(), fsm: newWebhookSecret() };
  for (const [code, kind, name] of [
    ['SIM-ERP', 'erp', 'Simulated ERP'],
    ['SIM-FSM', 'fsm', 'Simulated field service'],
    ['SIM-WMS', 'wms', 'Simulated warehouse'],
  ] as const)
    await api('POST', '/api/v1/integration/systems', { code, kind, name, ownerTeam: 'Simulation' });
  const mapping = async (code: string, expression: string) =>
    (await api('POST', '/api/v1/integration/mappings', { code, expression })).version as number;
  const flow = (body: Record<string, unknown>) => api('POST', '/api/v1/integration/flows', body);
  await flow({
    code: 'sim-erp-items',
    systemCode: 'SIM-ERP',
    entity: 'part',
    direction: 'inbound',
    format: 'json',
    transport: 'http',
    mappingCode: 'sim-erp-item',
    mappingVersion: await mapping(
      'sim-erp-item',
      '{"command": "part.upsert", "input": {"partNumber": MATNR, "description": MAKTX, "baseUom": MEINS, "source": "ERP"}}',
    ),
    webhookSecrets: [secrets.erp],
  });
  await flow({
    code: 'sim-fsm-usage',
    systemCode: 'SIM-FSM',
    entity: 'work_order',
    direction: 'inbound',
    format: 'json',
    transport: 'http',
    mappingCode: 'sim-fsm-usage',
    mappingVersion: await mapping(
      'sim-fsm-usage',
      '[parts.{"command": "stock.adjust", "input": {"partNumber": partNumber, "locationCode": $$.vanCode, "quantity": -quantity, "reasonCode": "UNRECORDED_CONSUMPTION", "reference": $$.workOrder}}]',
    ),
    webhookSecrets: [secrets.fsm],
  });
  await flow({
    code: 'sim-wms-receipts',
    systemCode: 'SIM-WMS',
    entity: 'stock',
    direction: 'inbound',
    format: 'json',
    transport: 'nats',
    mappingCode: 'sim-wms-receipt',
    mappingVersion: await mapping(
      'sim-wms-receipt',
      '{"command": "stock.receive", "input": {"partNumber": partNumber, "locationCode": locationCode, "quantity": quantity, "reference": reference}}',
    ),
    options: { stream: 'SIM_WMS', subject: 'sim.wms.receipts' },
  });
  await flow({
    code: 'sim-wms-snapshots',
    systemCode: 'SIM-WMS',
    entity: 'stock',
    direction: 'inbound',
    format: 'csv',
    transport: 'file',
    mode: 'batch',
    mappingCode: 'sim-wms-snapshot',
    mappingVersion: await mapping(
      'sim-wms-snapshot',
      `{"command": "stock.count", "input": {"locationCode": "${warehouse}", "reasonCode": "CYCLE_COUNT", "lines": [lines.{"partNumber": item.partNumber, "quantity": quantity, "uom": uom}]}}`,
    ),
    options: { directory: resolve(opts.folder) },
  });
  await flow({
    code: 'sim-erp-stock',
    systemCode: 'SIM-ERP',
    entity: 'stock',
    direction: 'outbound',
    format: 'json',
    transport: 'http',
    mappingCode: 'sim-erp-stock',
    mappingVersion: await mapping(
      'sim-erp-stock',
      '{"part": payload.lines[0].partNumber, "quantity": payload.lines[0].quantity, "location": payload.lines[0].locationCode, "ref": payload.lines[0].reference}',
    ),
    webhookSecrets: [erpSecret],
    options: { url: erpUrl, events: ['inventory.stock_moved'] },
  });
  return { parts, vans, warehouse, secrets };
}
