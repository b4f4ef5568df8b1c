import type { Command } from 'commander';
import { z } from 'zod';
import { hubApi } from '../simulation/plumbing.js';

/** `sparehub plan run` options (commander hands them over as strings). */
const planRunOptionsSchema = z
  .object({
    hub: z.string().min(1),
    key: z.string(),
    location: z.string().trim().min(1).optional(),
    allLocations: z.boolean().optional(),
    leadTime: z
      .string()
      .optional()
      .transform((s) => (s === undefined ? undefined : s.trim() === '' ? NaN : Number(s))),
    granularity: z.string(),
    source: z.string(),
    sourceLocation: z.string().optional(),
    supplier: z.string().optional(),
    part: z.array(z.string()).optional(),
    json: z.boolean().optional(),
  })
  .refine((o) => (o.location !== undefined) !== (o.allLocations === true), {
    message: 'give exactly one of --location <code> and --all-locations',
    path: ['location'],
  });

interface RunLine {
  partNumber: string;
  method: string | null;
  reorderPoint: number | null;
  orderUpTo: number | null;
  safetyStock: number | null;
  leadTime?: { periods: number; days: number; sdDays: number; source: string };
  replenishment: { id: string; quantity: number } | null;
  reasons: string[];
}

interface LocationRun {
  locationCode: string;
  lines: RunLine[];
  raised: number;
}

/**
 * `sparehub plan run`: plans one stocking location, or every one with demand, through a
 * running hub's API (the same unit of work as `POST /api/v1/planning/runs`), printing per part
 * the method, the levels, the lead time and where it came from, and what was raised.
 */
export function registerPlanCommands(program: Command): void {
  const plan = program.command('plan').description('replenishment planning (issue 6)');
  plan
    .command('run')
    .description('forecast each part with demand at a location, set its buffer, raise what is short now')
    .option('--location <code>', 'the stocking location to plan')
    .option('--all-locations', 'plan every stocking location with demand, one result per location')
    .option(
      '--lead-time <periods>',
      'replenishment lead time in periods, taken as fixed (default: per part, learned from the supplier’s receipts or the repair vendor’s cycles, else configured)',
    )
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
    .action(async (raw: Record<string, unknown>) => {
      const parsed = planRunOptionsSchema.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) console.error(`--${issue.path.join('.')}: ${issue.message}`);
        process.exitCode = 2;
        return;
      }
      const opts = parsed.data;
      if (!opts.key) throw new Error('an API key is needed: --key or SPAREHUB_ADMIN_KEY');
      // A lead time that is not a number goes to the hub as NaN → null, which its schema refuses.
      const answer = (await hubApi(opts.hub, opts.key)('POST', '/api/v1/planning/runs', {
        ...(opts.location !== undefined ? { locationCode: opts.location } : {}),
        ...(opts.leadTime !== undefined ? { leadTime: opts.leadTime } : {}),
        granularity: opts.granularity,
        source: opts.source,
        sourceLocationCode: opts.sourceLocation ?? null,
        supplier: opts.supplier ?? null,
        ...(opts.part ? { partNumbers: opts.part } : {}),
      })) as unknown as
        | LocationRun
        | { runs: LocationRun[]; raised: number; skipped: Array<{ locationCode: string; reason: string }> };
      if (opts.json) {
        console.log(JSON.stringify(answer));
        return;
      }
      if ('runs' in answer) {
        console.log(`planned ${answer.runs.length} locations; raised ${answer.raised}`);
        for (const run of answer.runs) printRun(run);
        for (const s of answer.skipped) console.log(`skipped ${s.locationCode}: ${s.reason}`);
      } else printRun(answer);
    });
}

const figure = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : String(Number(v.toPrecision(4)));

function printRun(run: LocationRun): void {
  console.log(`planned ${run.lines.length} parts at ${run.locationCode}; raised ${run.raised}`);
  for (const l of run.lines) {
    const lt = l.leadTime ? `  lead ${figure(l.leadTime.days)} d ${l.leadTime.source}` : '';
    console.log(
      `${l.partNumber}  ${l.method ?? '—'}  s=${figure(l.reorderPoint)} S=${figure(l.orderUpTo)} safety=${figure(l.safetyStock)}${lt}  ${l.replenishment ? `raised ${l.replenishment.quantity} (${l.replenishment.id})` : ''}`,
    );
  }
}
