import jsonata from 'jsonata';
import { z } from 'zod';
import { AppError } from '../../platform/errors.js';

/** What a mapping produces: one command or a list, each `{ command, input }`. */
export const mappedCommandSchema = z.object({
  command: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
});
export type MappedCommand = z.infer<typeof mappedCommandSchema>;

type Expression = ReturnType<typeof jsonata>;

// A mapping is data written by an integration administrator: bound its time and depth so a
// runaway expression fails that message instead of stalling the hub.
const MAX_MS = 1000;
const MAX_DEPTH = 200;

/** Compiles a JSONata expression; a syntax error is MAPPING_INVALID with JSONata's position. */
export function compileMapping(expression: string): Expression {
  try {
    return jsonata(expression, { timeout: MAX_MS, stack: MAX_DEPTH });
  } catch (error) {
    const e = error as { message?: string; position?: number; token?: string };
    throw new AppError(
      'MAPPING_INVALID',
      `The mapping does not compile: ${e.message ?? String(error)}${e.position !== undefined ? ` (at character ${e.position})` : ''}`,
    );
  }
}

const compiled = new Map<string, Expression>();

/** Versions never change once saved, so a compiled expression can be kept by its key. */
export function cachedMapping(key: string, expression: string): Expression {
  let found = compiled.get(key);
  if (!found) {
    found = compileMapping(expression);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(key, found);
  }
  return found;
}

/**
 * Evaluates a mapping and returns its output as plain JSON (JSONata sequences carry a
 * non-enumerable marker), or null when it evaluates to nothing. A failure, a timeout or too
 * deep a recursion is MAPPING_FAILED.
 */
async function runMapping(expression: Expression, input: unknown): Promise<unknown> {
  let output: unknown;
  try {
    output = (await expression.evaluate(input)) as unknown;
  } catch (error) {
    const e = error as { message?: string; code?: string };
    const why =
      e.code === 'D1012'
        ? `it ran longer than ${MAX_MS} ms`
        : e.code === 'D1011'
          ? `it recursed deeper than ${MAX_DEPTH}`
          : (e.message ?? e.code ?? String(error));
    throw new AppError('MAPPING_FAILED', `The mapping failed: ${why}`);
  }
  return output === undefined || output === null ? null : (JSON.parse(JSON.stringify(output)) as unknown);
}

/**
 * Runs a mapping over one message and returns the commands it asks for. Anything else
 * (an error in the expression, a wrong shape, too slow or too deep) is MAPPING_FAILED.
 */
export async function evaluateMapping(expression: Expression, message: unknown): Promise<MappedCommand[]> {
  const output = await runMapping(expression, message);
  if (output === null) return [];
  const list = Array.isArray(output) ? (output as unknown[]) : [output];
  return list.map((item, i) => {
    const parsed = mappedCommandSchema.safeParse(item);
    if (!parsed.success)
      throw new AppError(
        'MAPPING_FAILED',
        `The mapping's output ${i + 1} is not { command, input }: ${parsed.error.issues.map((x) => `${x.path.join('.') || 'output'}: ${x.message}`).join('; ')}`,
      );
    return parsed.data;
  });
}

/**
 * Runs an outbound mapping over a domain event and returns the body to send: any JSON, or
 * null when the mapping filters the event out (it evaluates to nothing).
 */
export function evaluateOutbound(expression: Expression, event: unknown): Promise<unknown> {
  return runMapping(expression, event);
}
