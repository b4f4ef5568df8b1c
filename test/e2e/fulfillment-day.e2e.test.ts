/**
 * Issue 5's end-to-end scenario: a day of work orders through the real transports. A hub
 * process on each store; `sparehub simulate --scenario day` in another process plays the FSM
 * (work orders and completions over signed webhooks, expected dates received back), the ERP
 * (requisitions received over webhooks, answered through its own flow) and the WMS (told what
 * to ship, confirming shipments — some short — over NATS JetStream), with stock-outs,
 * superseded parts, substitutes, approvals and a kit. At the end every line of every work
 * order is issued, reserved, or backordered with a date, and `sparehub verify` passes.
 */
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import {
  CLI,
  describeEachHubStore,
  E2E_ADMIN_KEY,
  runVerify,
  startHub,
  stopHub,
} from '../support/hub-process.js';

const WORK_ORDERS = 300;

function simulateDay(
  hubUrl: string,
  seed: number,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        CLI,
        'simulate',
        '--scenario',
        'day',
        '--work-orders',
        String(WORK_ORDERS),
        '--seed',
        String(seed),
        '--hub',
        hubUrl,
        '--key',
        E2E_ADMIN_KEY,
        '--json',
      ],
      { env: { ...process.env, LOG_LEVEL: 'silent' } },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describeEachHubStore('a day of work orders end to end', (store, target) => {
  it('ends with every line issued, reserved or backordered with a date, and the books verified', async () => {
    const hub = await startHub(target());
    let summary;
    try {
      const day = await simulateDay(hub.url, store === 'sqlite' ? 11 : 12);
      expect(day.code, `${day.err}\n${day.out}\n${hub.output()}`).toBe(0);
      summary = JSON.parse(day.out.trim().split('\n').pop()!);
    } finally {
      await stopHub(hub);
    }
    expect(summary.workOrders).toBe(WORK_ORDERS);
    expect(summary.unresolved).toEqual([]);
    const lines = summary.lines.issued + summary.lines.reserved + summary.lines.backordered;
    expect(lines).toBeGreaterThan(WORK_ORDERS);
    // The day had each of the situations the issue names.
    expect(summary.lines.backordered).toBeGreaterThan(0);
    expect(summary.requisitions.backorderedWithDate).toBeGreaterThan(0);
    expect(summary.substitutions).toBeGreaterThan(0);
    expect(summary.approvals.requested).toBeGreaterThan(0);
    expect(summary.approvals.approved + summary.approvals.rejected).toBe(summary.approvals.requested);
    expect(summary.partialShipments).toBeGreaterThan(0);
    expect(summary.kitLines).toBeGreaterThan(0);
    expect(summary.completed).toBeGreaterThan(0);
    // The FSM heard every answer and every shipment the hub pushed.
    expect(summary.fsmHeard).toBeGreaterThanOrEqual(summary.requisitions.acknowledged);
    const verified = await runVerify(target());
    expect(verified.code, verified.output).toBe(0);
  }, 240_000);
});
