import { XMLParser, XMLValidator, type EntityDecoderOptions } from 'fast-xml-parser';
import { TextDecoder } from 'node:util';
import type { IdocIssue } from './idoc.errors.js';

/** A parsed element: child elements by name (always arrays) and attributes as `@_NAME`. */
export type XmlNode = { readonly [name: string]: unknown };

const BUILT_IN: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function codePoint(text: string, radix: number): string | undefined {
  const n = Number.parseInt(text, radix);
  // XML 1.0 Char production: no NUL, no surrogates, nothing past U+10FFFF.
  if (!Number.isFinite(n) || n < 1 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return undefined;
  return String.fromCodePoint(n);
}

/**
 * Decodes the five XML entities and character references and nothing else: entities from a
 * DOCTYPE are never registered, so there is no expansion to bound (DOCTYPEs are refused
 * before parsing anyway). An unknown reference is left as written.
 */
const entityDecoder: EntityDecoderOptions = {
  setExternalEntities: () => undefined,
  addInputEntities: () => undefined,
  reset: () => undefined,
  setXmlVersion: () => undefined,
  decode: (text: string) =>
    text.includes('&')
      ? text.replace(
          /&(?:#x([0-9a-fA-F]{1,6})|#(\d{1,7})|(amp|lt|gt|quot|apos));/g,
          (whole, hex, dec, name) => {
            if (typeof name === 'string') return BUILT_IN[name] ?? whole;
            const ch = typeof hex === 'string' ? codePoint(hex, 16) : codePoint(String(dec), 10);
            return ch ?? whole;
          },
        )
      : text,
};

function parserFor(maxDepth: number): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    // Every value stays a string: "000000000000012345" is a key, not the number 12345.
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    // One shape for one or many occurrences: every element is an array.
    isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
    removeNSPrefix: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    processEntities: true,
    entityDecoder,
    htmlEntities: false,
    maxNestedTags: maxDepth,
  });
}

function clip(text: string, max = 160): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function decodeBytes(bytes: Uint8Array): { ok: true; text: string } | { ok: false; reason: string } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { ok: true, text: new TextDecoder('utf-16le').decode(bytes) };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { ok: true, text: new TextDecoder('utf-16be').decode(bytes) };
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(
    head.replace(/^\uFEFF|^ï»¿/, ''),
  )?.[1];
  const label = declared?.toLowerCase() ?? 'utf-8';
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    return { ok: false, reason: `unsupported encoding '${clip(label, 40)}'` };
  }
  try {
    return { ok: true, text: decoder.decode(bytes) };
  } catch {
    return { ok: false, reason: `the bytes are not valid ${decoder.encoding}` };
  }
}

export type ParsedXml = { ok: true; rootName: string; root: XmlNode } | { ok: false; issue: IdocIssue };

/**
 * Parses an IDoc file into a tree, refusing (never throwing) what is too large, not XML,
 * carries a DOCTYPE, or nests deeper than `maxDepth`. Well-formedness is checked first,
 * because the tree parser alone accepts truncated documents.
 */
export function parseIdocXml(input: string | Uint8Array, maxBytes: number, maxDepth: number): ParsedXml {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > maxBytes) {
    return {
      ok: false,
      issue: { code: 'IDOC_TOO_LARGE', message: `input is ${size} bytes; the limit is ${maxBytes}` },
    };
  }
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    const decoded = decodeBytes(input);
    if (!decoded.ok) return { ok: false, issue: { code: 'IDOC_NOT_XML', message: decoded.reason } };
    text = decoded.text;
  }
  text = text.replace(/^\uFEFF/, '');
  if (/<!DOCTYPE/i.test(text)) {
    return {
      ok: false,
      issue: {
        code: 'IDOC_DTD_FORBIDDEN',
        message: 'a DOCTYPE is not allowed in an IDoc file (entity expansion is refused)',
      },
    };
  }
  try {
    const valid = XMLValidator.validate(text);
    if (valid !== true) {
      const { msg, line, col } = valid.err;
      return {
        ok: false,
        issue: {
          code: 'IDOC_NOT_XML',
          message: `not well-formed XML at line ${line}, column ${col}: ${clip(msg)}`,
        },
      };
    }
    const tree: unknown = parserFor(maxDepth).parse(text);
    const names = tree && typeof tree === 'object' ? Object.keys(tree) : [];
    const rootName = names[0];
    const rootValue: unknown = rootName === undefined ? undefined : (tree as XmlNode)[rootName];
    const root = Array.isArray(rootValue) ? (rootValue[0] as unknown) : undefined;
    if (rootName === undefined || names.length !== 1) {
      return {
        ok: false,
        issue: { code: 'IDOC_NOT_XML', message: 'the document has no single root element' },
      };
    }
    return { ok: true, rootName, root: root && typeof root === 'object' ? (root as XmlNode) : {} };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/nested tags/i.test(message)) {
      return {
        ok: false,
        issue: { code: 'IDOC_TOO_DEEP', message: `elements nest deeper than ${maxDepth} levels` },
      };
    }
    return {
      ok: false,
      issue: { code: 'IDOC_NOT_XML', message: `the XML parser refused the input: ${clip(message)}` },
    };
  }
}

/** Child segments by name; an empty segment (`<E1EDL22 SEGMENT="1"/>`) is an empty node. */
export function children(node: XmlNode, name: string): XmlNode[] {
  const value = node[name];
  if (!Array.isArray(value)) return [];
  return value.map((v: unknown) => (v && typeof v === 'object' ? (v as XmlNode) : {}));
}

/** The first occurrence of a field, trimmed; empty and absent fields are both undefined. */
export function field(node: XmlNode, name: string): string | undefined {
  const value = node[name];
  const first: unknown = Array.isArray(value) ? value[0] : undefined;
  let text: unknown = first;
  if (first && typeof first === 'object') text = (first as XmlNode)['#text'];
  if (typeof text !== 'string') return undefined;
  const trimmed = text.trim();
  return trimmed === '' ? undefined : trimmed;
}
