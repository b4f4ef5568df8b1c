import { readIdocXml } from '../../connectors/formats/idoc/index.js';
import { readCsvMessages } from '../../connectors/formats/tabular/index.js';
import { parseX12, toCanonical } from '../../connectors/formats/x12/index.js';
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
