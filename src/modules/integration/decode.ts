import { readIdocXml } from '../../connectors/formats/idoc/index.js';
import { readCsvMessages } from '../../connectors/formats/tabular/index.js';
import { parseX12, readX12Canonical, toCanonical } from '../../connectors/formats/x12/index.js';
import type { Flow } from './integration.schemas.js';

/** One document a mapping runs over, with where it came from in the raw message. */
export interface Decoded {
  ref: string;
  message: unknown;
}

export interface DecodeResult {
  documents: Decoded[];
  /** Parts of the message that were refused while the rest could still be used (CSV rows). */
  rejects: Array<{ ref: string; code: string; message: string }>;
  /** Set when nothing in the message can be used: the whole message is refused. */
  refusal: { code: string; message: string } | null;
}

/**
 * Reads a raw inbound message in its flow's format. JSON is handed to the mapping as the
 * sender wrote it (the mapping makes it canonical); X12, IDoc and CSV go through our readers
 * and the mapping receives canonical messages. Never throws on bad input.
 */
export async function decodeInbound(flow: Flow, body: string, documentId: string): Promise<DecodeResult> {
  const refused = (code: string, message: string): DecodeResult => ({
    documents: [],
    rejects: [],
    refusal: { code, message },
  });
  switch (flow.format) {
    case 'json': {
      try {
        return {
          documents: [{ ref: 'body', message: JSON.parse(body) as unknown }],
          rejects: [],
          refusal: null,
        };
      } catch (error) {
        return refused('INBOUND_FORMAT_INVALID', `not JSON: ${(error as Error).message}`);
      }
    }
    case 'x12': {
      const parsed = parseX12(body, { strictEnvelope: flow.options.strictEnvelope });
      const errors = parsed.issues.filter((i) => i.severity === 'error');
      const refusedInterchange = parsed.interchanges.find((ic) => !ic.accepted);
      if (parsed.interchanges.length === 0 || refusedInterchange || errors.length > 0) {
        const first = refusedInterchange?.reasons[0] ?? errors[0];
        return refused(first?.code ?? 'X12_NO_ISA', first?.message ?? 'no interchange in the message');
      }
      const documents: Decoded[] = [];
      for (const ic of parsed.interchanges)
        for (const group of ic.groups)
          for (const set of group.sets) {
            const mapped = toCanonical(set);
            const failure = mapped.issues.find((i) => i.severity === 'error');
            if (failure) return refused(failure.code, failure.message);
            for (const message of mapped.messages)
              documents.push({
                ref: `ISA ${ic.header.controlNumber} GS ${group.header.controlNumber} ST ${set.controlNumber}`,
                message,
              });
          }
      return { documents, rejects: [], refusal: null };
    }
    case 'idoc': {
      const read = readIdocXml(body);
      const first = read.issues[0];
      if (first) return refused(first.code, first.message);
      return {
        documents: read.messages.map((m) => ({ ref: `IDoc ${m.docnum}`, message: m.message })),
        rejects: [],
        refusal: null,
      };
    }
    case 'csv': {
      const documents: Decoded[] = [];
      const rejects: DecodeResult['rejects'] = [];
      for await (const event of readCsvMessages(body, {
        messageType: 'inventory.advice',
        documentId,
        ...(flow.options.csvColumns ? { columns: flow.options.csvColumns } : {}),
        ...(flow.options.csvDefaultUom ? { defaultUom: flow.options.csvDefaultUom } : {}),
      })) {
        if (event.kind === 'message')
          documents.push({ ref: `rows ${event.firstRow}-${event.lastRow}`, message: event.message });
        else if (event.kind === 'reject')
          rejects.push({
            ref: `row ${event.reject.row}`,
            code: event.reject.code,
            message: event.reject.message,
          });
      }
      if (documents.length === 0)
        return refused(rejects[0]?.code ?? 'CSV_MISSING_COLUMN', rejects[0]?.message ?? 'no rows');
      return { documents, rejects, refusal: null };
    }
  }
}

/** Reader refusals that make a whole file unusable, rather than one row. */
const CSV_FILE_LEVEL: ReadonlySet<string> = new Set([
  'CSV_BAD_OPTIONS',
  'CSV_MISSING_COLUMN',
  'CSV_MALFORMED',
  'CSV_READ_FAILED',
]);

/** A piece of a large message: one chunk's canonical message and the rows refused before it. */
export type DecodedPiece =
  | {
      kind: 'chunk';
      ref: string;
      /** null for a closing piece that only carries refused rows. */
      message: unknown;
      rejects: DecodeResult['rejects'];
    }
  | { kind: 'refusal'; code: string; message: string };

function* slices(text: string, size = 256 * 1024): Generator<string> {
  for (let at = 0; at < text.length; at += size) yield text.slice(at, at + size);
}

/**
 * Reads a large message (an inventory snapshot) piece by piece, in bounded memory: CSV in
 * chunks of `chunkLines` rows, X12 set by set with long sets split into `chunkLines` lines.
 * The pieces are the same, in the same order, every time the same body is read, so a
 * consumer can resume after the last piece it applied. A refusal means the whole message is
 * unusable (a broken envelope, an unreadable file); it may come after pieces, so a consumer
 * that must not apply a broken message reads it through once before applying anything.
 * `body` is the text, or its slices in order (read from the store a slice at a time).
 */
export async function* decodePieces(
  flow: Flow,
  body: string | AsyncIterable<string>,
  documentId: string,
  chunkLines: number,
): AsyncGenerator<DecodedPiece, void, undefined> {
  switch (flow.format) {
    case 'csv': {
      let rejects: DecodeResult['rejects'] = [];
      let any = false;
      for await (const event of readCsvMessages(body, {
        messageType: 'inventory.advice',
        documentId,
        chunkSize: chunkLines,
        ...(flow.options.csvColumns ? { columns: flow.options.csvColumns } : {}),
        ...(flow.options.csvDefaultUom ? { defaultUom: flow.options.csvDefaultUom } : {}),
      })) {
        if (event.kind === 'message') {
          any = true;
          yield {
            kind: 'chunk',
            ref: `rows ${event.firstRow}-${event.lastRow}`,
            message: event.message,
            rejects,
          };
          rejects = [];
        } else if (event.kind === 'reject') {
          if (CSV_FILE_LEVEL.has(event.reject.code)) {
            yield {
              kind: 'refusal',
              code: event.reject.code,
              message: `row ${event.reject.row}: ${event.reject.message}`,
            };
            return;
          }
          rejects.push({
            ref: `row ${event.reject.row}`,
            code: event.reject.code,
            message: event.reject.message,
          });
        }
      }
      if (!any) {
        yield {
          kind: 'refusal',
          code: rejects[0]?.code ?? 'CSV_MISSING_COLUMN',
          message: rejects[0]?.message ?? 'no rows',
        };
        return;
      }
      if (rejects.length > 0) yield { kind: 'chunk', ref: 'refused rows', message: null, rejects };
      return;
    }
    case 'x12': {
      let interchanges = 0;
      // Sets are mapped as their segments arrive: an 846 of a whole warehouse is never held.
      for await (const event of readX12Canonical(typeof body === 'string' ? slices(body) : body, {
        strictEnvelope: flow.options.strictEnvelope,
        maxLines: chunkLines,
      })) {
        if (event.kind === 'issue') {
          if (event.issue.severity === 'error') {
            yield { kind: 'refusal', code: event.issue.code, message: event.issue.message };
            return;
          }
        } else if (event.kind === 'interchange') {
          interchanges += 1;
          const ic = event.interchange;
          const problem =
            ic.reasons[0] ??
            ic.issues.find((i) => i.severity === 'error') ??
            ic.groups.flatMap((g) => g.sets.flatMap((s) => s.issues)).find((i) => i.severity === 'error');
          if (!ic.accepted || problem) {
            yield {
              kind: 'refusal',
              code: problem?.code ?? 'X12_ENVELOPE',
              message: problem?.message ?? 'interchange refused',
            };
            return;
          }
        } else if (event.kind === 'set') {
          const failure = event.issues.find((i) => i.severity === 'error');
          if (failure) {
            yield { kind: 'refusal', code: failure.code, message: failure.message };
            return;
          }
        } else {
          const { interchange, group, set, part } = event;
          const ref = `ISA ${interchange.controlNumber} GS ${group.controlNumber} ST ${set.controlNumber}`;
          yield {
            kind: 'chunk',
            ref: part === 0 ? ref : `${ref} part ${part + 1}`,
            message: event.message,
            rejects: [],
          };
        }
      }
      if (interchanges === 0)
        yield { kind: 'refusal', code: 'X12_NO_ISA', message: 'no interchange in the message' };
      return;
    }
    case 'json':
    case 'idoc': {
      let text = '';
      if (typeof body === 'string') text = body;
      else for await (const slice of body) text += slice;
      const whole = await decodeInbound(flow, text, documentId);
      if (whole.refusal) {
        yield { kind: 'refusal', ...whole.refusal };
        return;
      }
      for (const doc of whole.documents)
        yield { kind: 'chunk', ref: doc.ref, message: doc.message, rejects: [] };
      return;
    }
  }
}
