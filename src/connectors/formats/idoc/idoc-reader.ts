import { canonicalMessageSchema, type CanonicalMessage } from '../../../modules/integration/canonical.js';
import { IdocContext, type ResolvedIdocOptions } from './idoc-context.js';
import type { IdocIssue } from './idoc.errors.js';
import { children, field, parseIdocXml, type XmlNode } from './idoc-xml.js';
import { mapDelvry } from './delvry.js';
import { mapMatmas } from './matmas.js';
import { sapDate, sapTime } from './sap-values.js';

export interface IdocReadOptions {
  /** Refuse larger input (bytes, or UTF-16 units for a string). Default 16 MiB. */
  maxBytes?: number;
  /** Refuse deeper element nesting; real IDocs stay under 10. Default 32. */
  maxDepth?: number;
  /** ISO 639-1 language whose E1MAKTM text becomes `description`. Default `en`. */
  language?: string;
  /** Scheme for SAP material numbers in canonical messages. Default `erp`. */
  materialScheme?: string;
  /** Extra unit codes (a partner's own) to hub units; they win over the built-in table. */
  units?: Record<string, string>;
}

export interface IdocPartner {
  port?: string;
  partnerType?: string;
  partnerNumber?: string;
}

/** One canonical message with the control record it came from, for lineage and replies. */
export interface IdocMessage {
  docnum?: string;
  /** 0-based position of the IDoc in the file. */
  index: number;
  idocType: string;
  messageType?: string;
  sender: IdocPartner;
  receiver: IdocPartner;
  /** CREDAT/CRETIM as ISO, in the sender's local time (SAP sends no zone). */
  createdAt?: string;
  message: CanonicalMessage;
}

export interface IdocReadResult {
  messages: IdocMessage[];
  issues: IdocIssue[];
}

// DELVRY carries several message types; only the despatch advice is a ship notice. Orders
// to a warehouse and its confirmations need their own canonical types.
const NOT_A_SHIP_NOTICE = new Set(['SHPORD', 'WHSORD', 'SHPCON', 'WHSCON']);

type Kind = 'matmas' | 'delvry';

function kindOf(idocType: string): Kind | undefined {
  if (/MATMAS\d{2}$/i.test(idocType)) return 'matmas';
  if (/DELVRY\d{2}$/i.test(idocType)) return 'delvry';
  return undefined;
}

function partner(dc: XmlNode, side: 'SND' | 'RCV'): IdocPartner {
  const values = {
    port: field(dc, `${side}POR`),
    partnerType: field(dc, `${side}PRT`),
    partnerNumber: field(dc, `${side}PRN`),
  };
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}

function resolve(options: IdocReadOptions): ResolvedIdocOptions {
  const positive = (n: number | undefined, fallback: number) =>
    n !== undefined && Number.isFinite(n) && n > 0 ? Math.floor(n) : fallback;
  return {
    maxBytes: positive(options.maxBytes, 16 * 1024 * 1024),
    maxDepth: positive(options.maxDepth, 32),
    language: (options.language ?? 'en').toLowerCase(),
    materialScheme: options.materialScheme ?? 'erp',
    units: Object.fromEntries(Object.entries(options.units ?? {}).map(([k, v]) => [k.toUpperCase(), v])),
  };
}

function readOne(
  idoc: XmlNode,
  index: number,
  rootName: string,
  options: ResolvedIdocOptions,
): IdocReadResult {
  const dc = children(idoc, 'EDI_DC40')[0] ?? children(idoc, 'EDI_DC')[0];
  const docnum = dc ? field(dc, 'DOCNUM') : undefined;
  const ctx = new IdocContext(index, docnum, options);
  if (!dc) {
    ctx.report(
      'IDOC_NO_CONTROL_RECORD',
      'EDI_DC40',
      undefined,
      'is missing: every IDoc starts with its control record',
    );
    return { messages: [], issues: ctx.issues };
  }
  const idocType = field(dc, 'IDOCTYP') ?? rootName;
  const messageType = field(dc, 'MESTYP');
  const kind = kindOf(idocType);
  if (kind === undefined) {
    ctx.report(
      'IDOC_UNSUPPORTED_TYPE',
      'EDI_DC40',
      'IDOCTYP',
      `'${idocType}' is not read here (MATMAS and DELVRY are)`,
    );
    return { messages: [], issues: ctx.issues };
  }
  if (kind === 'delvry' && messageType !== undefined && NOT_A_SHIP_NOTICE.has(messageType.toUpperCase())) {
    ctx.report(
      'IDOC_UNSUPPORTED_TYPE',
      'EDI_DC40',
      'MESTYP',
      `'${messageType}' on ${idocType} is not a despatch advice`,
    );
    return { messages: [], issues: ctx.issues };
  }
  const mapped: CanonicalMessage[] = kind === 'matmas' ? mapMatmas(idoc, ctx) : mapDelvry(idoc, ctx);
  if (ctx.issues.length > 0) return { messages: [], issues: ctx.issues };

  const credat = sapDate(field(dc, 'CREDAT'));
  const cretim = sapTime(field(dc, 'CRETIM'));
  const createdAt =
    credat.ok && credat.value ? (cretim ? `${credat.value}T${cretim}` : credat.value) : undefined;
  const messages: IdocMessage[] = [];
  for (const candidate of mapped) {
    // The mapping builds the message by hand; the schema is the proof it got it right.
    const checked = canonicalMessageSchema.safeParse(candidate);
    if (!checked.success) {
      const first = checked.error.issues[0];
      ctx.report(
        'IDOC_CANONICAL_MISMATCH',
        idocType,
        undefined,
        `maps to a ${candidate.type} the canonical schema refuses at ${first?.path.join('.') ?? '?'}: ${first?.message ?? ''}`,
      );
      continue;
    }
    messages.push({
      ...(docnum ? { docnum } : {}),
      index,
      idocType,
      ...(messageType ? { messageType } : {}),
      sender: partner(dc, 'SND'),
      receiver: partner(dc, 'RCV'),
      ...(createdAt ? { createdAt } : {}),
      message: checked.data,
    });
  }
  return { messages, issues: ctx.issues };
}

/**
 * Reads an SAP IDoc XML file (MATMAS to `item.master`, DELVRY despatch advice to
 * `ship.notice`) into canonical messages. Each IDoc stands alone: one with an issue yields
 * no message, the others still flow. Never throws; every refusal is an issue with a code.
 */
export function readIdocXml(input: string | Uint8Array, options: IdocReadOptions = {}): IdocReadResult {
  try {
    const resolved = resolve(options);
    const parsed = parseIdocXml(input, resolved.maxBytes, resolved.maxDepth);
    if (!parsed.ok) return { messages: [], issues: [parsed.issue] };
    const idocs = parsed.rootName === 'IDOC' ? [parsed.root] : children(parsed.root, 'IDOC');
    if (idocs.length === 0) {
      return {
        messages: [],
        issues: [
          { code: 'IDOC_NO_IDOC', message: `root element <${parsed.rootName.slice(0, 60)}> holds no <IDOC>` },
        ],
      };
    }
    const result: IdocReadResult = { messages: [], issues: [] };
    idocs.forEach((idoc, index) => {
      const one = readOne(idoc, index, parsed.rootName, resolved);
      result.messages.push(...one.messages);
      result.issues.push(...one.issues);
    });
    return result;
  } catch (error) {
    // Unreachable by design; kept so a reader bug surfaces as an issue, never as a crash.
    const detail = error instanceof Error ? error.message : String(error);
    return {
      messages: [],
      issues: [{ code: 'IDOC_NOT_XML', message: `the IDoc could not be read: ${detail.slice(0, 160)}` }],
    };
  }
}
