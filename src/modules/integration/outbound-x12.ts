/**
 * Outbound X12: an x12 flow's mapping output (a canonical message, or a list of them) becomes
 * one interchange written by our own writer, numbered from the flow's counter row inside the
 * caller's transaction. Content that X12 cannot carry is an outcome with a stable code, so
 * the delivery is dead-lettered instead of the fan-out failing.
 */
import {
  buildInterchange,
  fromCanonical,
  writeX12,
  X12WriteError,
  type X12InterchangeInput,
  type X12SetInput,
} from '../../connectors/formats/x12/index.js';
import type { Trx } from '../../db/index.js';
import { canonicalMessageSchema, type CanonicalMessage } from './canonical.js';
import type { Flow, X12Envelope } from './integration.schemas.js';

export const X12_CONTENT_TYPE = 'application/edi-x12';

/** Codes an x12 delivery is dead-lettered with when its body cannot be written. */
export const OUTBOUND_X12_CODES = [
  'OUTBOUND_NOT_CANONICAL',
  'X12_MESSAGE_NOT_CARRIED',
  'X12_WRITE_DELIMITER_IN_DATA',
  'X12_WRITE_FIELD_TOO_LONG',
  'FLOW_MISCONFIGURED',
] as const;

/** A delivery body, or the stable code and detail of why there is none. */
export type RenderedBody =
  { ok: true; contentType: string; body: string } | { ok: false; code: string; detail: string };

/** The flow's counters after taking numbers: ISA13's, and GS06's for the first group. */
interface ControlNumbers {
  interchange: number;
  firstGroup: number;
}

const fail = (code: string, detail: string): RenderedBody => ({ ok: false, code, detail });

/**
 * Writes the interchange for one event's mapping output; null when the output is an empty
 * list (nothing to send). Takes control numbers only once the content is known to be writable.
 */
export async function renderX12(
  trx: Trx,
  tenantId: string,
  flow: Flow,
  output: unknown,
  now: Date,
): Promise<RenderedBody | null> {
  const envelope = flow.options.x12;
  if (!envelope) return fail('FLOW_MISCONFIGURED', `flow ${flow.code} has no options.x12 envelope`);
  const messages = canonicalMessages(output);
  if (!Array.isArray(messages)) return messages;
  if (messages.length === 0) return null;
  const sets: (X12SetInput & { functionalId: string })[] = [];
  for (const [i, message] of messages.entries()) {
    // ST02 only has to be unique inside its group; the interchange numbers are the flow's.
    const set = fromCanonical(message, { controlNumber: String(i + 1).padStart(4, '0') });
    if (!set) return fail('X12_MESSAGE_NOT_CARRIED', `output ${i + 1}: X12 carries no ${message.type}`);
    sets.push(set);
  }
  const draft = interchange(sets, envelope, now);
  // A trial write first: data X12 cannot carry must not use up a control number, because a
  // partner reads a gap in ISA13 as a lost interchange.
  const trial = write(draft);
  if (!trial.ok) return trial;
  return write(numbered(draft, await nextControlNumbers(trx, tenantId, flow.code, draft.groups.length, now)));
}

/** The mapping output as canonical messages, or why it is not. */
function canonicalMessages(output: unknown): CanonicalMessage[] | RenderedBody {
  const list = Array.isArray(output) ? (output as unknown[]) : [output];
  const messages: CanonicalMessage[] = [];
  for (const [i, item] of list.entries()) {
    const parsed = canonicalMessageSchema.safeParse(item);
    if (!parsed.success)
      return fail(
        'OUTBOUND_NOT_CANONICAL',
        `The mapping's output ${i + 1} is not a canonical message: ${parsed.error.issues.map((x) => `${x.path.join('.') || 'output'}: ${x.message}`).join('; ')}`,
      );
    messages.push(parsed.data);
  }
  return messages;
}

function interchange(
  sets: readonly (X12SetInput & { functionalId: string })[],
  envelope: X12Envelope,
  now: Date,
) {
  const built = buildInterchange(sets, {
    senderQualifier: envelope.senderQualifier,
    senderId: envelope.senderId,
    receiverQualifier: envelope.receiverQualifier,
    receiverId: envelope.receiverId,
    controlNumber: 1,
    now,
    usageIndicator: envelope.usage,
    version: envelope.version,
  });
  // ISA12 follows GS08: 004010 -> 00401, 005010 -> 00501.
  return { ...built, version: envelope.version.slice(0, 5) };
}

function numbered(draft: X12InterchangeInput, numbers: ControlNumbers): X12InterchangeInput {
  return {
    ...draft,
    controlNumber: controlNumberOf(numbers.interchange),
    groups: draft.groups.map((group, k) => ({
      ...group,
      controlNumber: controlNumberOf(numbers.firstGroup + k),
    })),
  };
}

function write(input: X12InterchangeInput): RenderedBody {
  try {
    return { ok: true, contentType: X12_CONTENT_TYPE, body: writeX12(input) };
  } catch (error) {
    if (error instanceof X12WriteError) return fail(error.code, error.message);
    throw error;
  }
}

const MAX_CONTROL_NUMBER = 999_999_999;

/** ISA13 and GS06 hold nine digits: after 999999999 the numbers start again at 1. */
const controlNumberOf = (counter: number): number => ((counter - 1) % MAX_CONTROL_NUMBER) + 1;

/**
 * Takes the flow's next interchange number and `groups` group numbers in one upsert. Its row
 * lock lasts until the caller's transaction ends, so hub processes routing at once queue here
 * and never share a number, and a rolled-back fan-out hands its numbers back.
 */
async function nextControlNumbers(
  trx: Trx,
  tenantId: string,
  flowCode: string,
  groups: number,
  now: Date,
): Promise<ControlNumbers> {
  const row = await trx
    .insertInto('x12_control_numbers')
    .values({
      tenant_id: tenantId,
      flow_code: flowCode,
      interchange_counter: 1,
      group_counter: groups,
      updated_at: now.toISOString(),
    })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'flow_code']).doUpdateSet((eb) => ({
        interchange_counter: eb('x12_control_numbers.interchange_counter', '+', 1),
        group_counter: eb('x12_control_numbers.group_counter', '+', groups),
        updated_at: now.toISOString(),
      })),
    )
    .returning(['interchange_counter', 'group_counter'])
    .executeTakeFirstOrThrow();
  return {
    interchange: Number(row.interchange_counter),
    firstGroup: Number(row.group_counter) - groups + 1,
  };
}
