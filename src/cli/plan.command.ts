import type { Command } from 'commander';
import { hubApi } from '../simulation/plumbing.js';

interface PlanRunOptions {
  hub: string;
  key: string;
  location: string;
  leadTime: string;
  granularity: string;
  source: string;
  sourceLocation?: string;
  supplier?: string;
  part?: string[];
  json?: boolean;
}

interface RunLine {
  partNumber: string;
  method: string | null;
  reorderPoint: number | null;
  orderUpTo: number | null;
  safetyStock: number | null;
  replenishment: { id: string; quantity: number } | null;
  reasons: string[];
}

/**
 * `sparehub plan run`: plans one stocking location through a running hub's API (the same
 * unit of work as `POST /api/v1/planning/runs`), printing per part the method, the levels and
 * what was raised.
 */
export function registerPlanCommands(program: Command): void {
  const plan = program.command('plan').description('replenishment planning (issue 6)');
  plan
    .command('run')
    .description('forecast each part with demand at a location, set its buffer, raise what is short now')
    .requiredOption('--location <code>', 'the stocking location to plan')
    .requiredOption('--lead-time <periods>', 'replenishment lead time, in periods')
    .option('--granularity <g>', 'month or week', 'month')
    .option('--source <kind>', 'transfer or purchase', 'purchase')
    .option('--source-location <code>', 'for transfers: where from')
    .option('--supplier <name>', 'for purchases')
    .option('--part <partNumber...>', 'only these parts')
    .option('--hub <url>', 'the hub', 'http://127.0.0.1:3000')
    .option(
      '--key <apiKey>',
      'a planner or admin key (default: SPAREHUB_ADMIN_KEY)',
      process.env.SPAREHUB_ADMIN_KEY ?? '',
    )
    .option('--json', 'print the run as JSON')
    .action(async (opts: PlanRunOptions) => {
      if (!opts.key) throw new Error('an API key is needed: --key or SPAREHUB_ADMIN_KEY');
      const run = (await hubApi(opts.hub, opts.key)('POST', '/api/v1/planning/runs', {
        locationCode: opts.location,
        leadTime: Number(opts.leadTime),
        granularity: opts.granularity,
        source: opts.source,
        sourceLocationCode: opts.sourceLocation ?? null,
        supplier: opts.supplier ?? null,
        ...(opts.part ? { partNumbers: opts.part } : {}),
      })) as unknown as { locationCode: string; lines: RunLine[]; raised: number };
      if (opts.json) {
        console.log(JSON.stringify(run));
        return;
      }
      console.log(`planned ${run.lines.length} parts at ${run.locationCode}; raised ${run.raised}`);
      for (const l of run.lines)
        console.log(
          `${l.partNumber}  ${l.method ?? '—'}  s=${l.reorderPoint ?? '—'} S=${l.orderUpTo ?? '—'} safety=${l.safetyStock ?? '—'}  ${l.replenishment ? `raised ${l.replenishment.quantity} (${l.replenishment.id})` : ''}`,
        );
    });
}
