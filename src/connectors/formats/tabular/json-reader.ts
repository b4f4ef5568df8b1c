import { TextDecoder } from 'node:util';
import type { z } from 'zod';
import { canonicalMessageSchema, type CanonicalMessage } from '../../../modules/integration/canonical.js';
import { scanJson } from './json-scan.js';
import type { JsonIssue } from './tabular.errors.js';

export interface JsonReadOptions {
  /** Refuse larger input (bytes, or UTF-16 units for a string). Default 8 MiB. */
  maxBytes?: number;
  /** Refuse deeper nesting of arrays and objects. Default 32; canonical messages need 5. */
  maxDepth?: number;
}

export type JsonReadResult =
  | {
      ok: true;
      message: CanonicalMessage;
      /** Fields the canonical schema does not know and dropped, by path: reported, not refused. */
      unknownFields: string[];
    }
  | { ok: false; issues: JsonIssue[] };

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Paths present in the input that the parsed output no longer has (zod strips unknown keys). */
function droppedPaths(input: unknown, output: unknown, path: string, out: string[]): void {
  if (out.length >= 50) return;
  if (Array.isArray(input) && Array.isArray(output)) {
    input.forEach((v, k) => droppedPaths(v, output[k], `${path}[${k}]`, out));
    return;
  }
  if (input && output && typeof input === 'object' && typeof output === 'object' && !Array.isArray(input)) {
    for (const [key, value] of Object.entries(input)) {
      const child = path === '' ? key : `${path}.${key}`;
      if (!Object.prototype.hasOwnProperty.call(output, key)) out.push(child);
      else droppedPaths(value, (output as Record<string, unknown>)[key], child, out);
    }
  }
}

function describePath(path: PropertyKey[]): string {
  return path.length === 0
    ? '(document)'
    : path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '');
}

/**
 * Reads one canonical message from JSON text or bytes (UTF-8, a BOM allowed). Malformed
 * JSON is refused with its position; a document that is not a canonical message is refused
 * with one issue per problem and its path. Never throws.
 */
export function readJsonMessage(input: string | Uint8Array, options: JsonReadOptions = {}): JsonReadResult {
  const maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  const maxDepth = options.maxDepth ?? 32;
  try {
    const size = typeof input === 'string' ? input.length : input.byteLength;
    if (size > maxBytes) {
      return {
        ok: false,
        issues: [{ code: 'JSON_TOO_LARGE', message: `input is ${size} bytes; the limit is ${maxBytes}` }],
      };
    }
    let text: string;
    if (typeof input === 'string') {
      text = input;
    } else {
      try {
        text = fatalUtf8.decode(input);
      } catch {
        return { ok: false, issues: [{ code: 'JSON_MALFORMED', message: 'the bytes are not valid UTF-8' }] };
      }
    }
    text = text.replace(/^\uFEFF/, '');
    const scan = scanJson(text, maxDepth);
    if (!scan.ok) {
      return {
        ok: false,
        issues: [
          {
            code: scan.reason === 'depth' ? 'JSON_TOO_DEEP' : 'JSON_MALFORMED',
            message: `${scan.message} at line ${scan.line}, column ${scan.column} (offset ${scan.position})`,
            position: scan.position,
            line: scan.line,
            column: scan.column,
          },
        ],
      };
    }
    const value: unknown = JSON.parse(text);
    const parsed = canonicalMessageSchema.safeParse(value);
    if (!parsed.success) {
      return {
        ok: false,
        issues: parsed.error.issues.map((issue: z.core.$ZodIssue) => ({
          code: 'JSON_SCHEMA_MISMATCH' as const,
          message: `${describePath(issue.path)}: ${issue.message}`,
          path: issue.path.map((p) => (typeof p === 'number' ? p : String(p))),
        })),
      };
    }
    const unknownFields: string[] = [];
    droppedPaths(value, parsed.data, '', unknownFields);
    return { ok: true, message: parsed.data, unknownFields };
  } catch (error) {
    // Unreachable by design (the scan precedes JSON.parse); a bug surfaces as an issue.
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      issues: [
        { code: 'JSON_MALFORMED', message: `the document could not be read: ${detail.slice(0, 160)}` },
      ],
    };
  }
}
