/**
 * Helpers shared by the transaction set mappings: element access, dates, numbers, parties
 * (N1 loops) and part numbers with their scheme.
 */
import type { CanonicalItem, Party } from '../../../../modules/integration/canonical.js';
import { issue, type X12Issue, type X12IssueCode } from '../issues.js';
import type { X12Element, X12SegmentData } from '../types.js';

/** A set as the mappings need it: `segments` are those between ST and SE. */
export interface MappableSet {
  id: string;
  controlNumber: string;
  segments: readonly X12SegmentData[];
}

export class MapContext {
  readonly issues: X12Issue[] = [];
  constructor(readonly set: MappableSet) {}

  /** 1-based position in the set as a 997 counts it (ST = 1). */
  position(segment: X12SegmentData): number {
    return this.set.segments.indexOf(segment) + 2;
  }

  report(
    code: X12IssueCode,
    severity: X12Issue['severity'],
    message: string,
    segment?: X12SegmentData,
    elementPosition?: number,
    ackCode?: string,
  ): void {
    this.issues.push(
      issue(code, severity, `${this.set.id} ${this.set.controlNumber}: ${message}`, {
        ...(segment ? { segmentTag: segment.tag, positionInSet: this.position(segment) } : {}),
        ...(elementPosition !== undefined ? { elementPosition } : {}),
        ...(ackCode !== undefined ? { ackCode } : {}),
        ...(segment && 'index' in segment && typeof segment.index === 'number'
          ? { segmentIndex: segment.index }
          : {}),
      }),
    );
  }

  /** A required element; reports it (AK4 code 1) when empty. */
  required(segment: X12SegmentData | undefined, n: number, what: string): string | undefined {
    const value = segment ? el(segment, n) : '';
    if (value !== '') return value;
    this.report(
      'X12_MAPPING_MISSING_ELEMENT',
      'error',
      `${segment?.tag ?? 'segment'}${pad(n)} (${what}) is missing`,
      segment,
      segment ? n : undefined,
      '1',
    );
    return undefined;
  }

  number(segment: X12SegmentData, n: number, what: string): number | undefined {
    const value = el(segment, n);
    if (value === '') return undefined;
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(value)) return Number(value);
    this.report(
      'X12_MAPPING_INVALID_VALUE',
      'error',
      `${segment.tag}${pad(n)} (${what}) ${JSON.stringify(value)} is not a number`,
      segment,
      n,
      '6',
    );
    return undefined;
  }

  date(segment: X12SegmentData, n: number, what: string): string | undefined {
    const value = el(segment, n);
    if (value === '') return undefined;
    const iso = toIsoDate(value);
    if (iso === undefined) {
      this.report(
        'X12_MAPPING_INVALID_VALUE',
        'warning',
        `${segment.tag}${pad(n)} (${what}) ${JSON.stringify(value)} is not a CCYYMMDD or YYMMDD date`,
        segment,
        n,
        '8',
      );
    }
    return iso;
  }

  /** The unit, or EA (reported) when the sender left it out. */
  uom(value: string, segment: X12SegmentData, n: number): string {
    if (value !== '') return value;
    this.report(
      'X12_MAPPING_DEFAULTED',
      'info',
      `${segment.tag}${pad(n)} unit of measure is missing; EA assumed`,
      segment,
      n,
    );
    return 'EA';
  }
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Element n (1-based) as trimmed text; a composite gives its first component. */
export function el(segment: X12SegmentData, n: number): string {
  const value: X12Element | undefined = segment.elements[n - 1];
  if (value === undefined) return '';
  return (typeof value === 'string' ? value : (value[0] ?? '')).trim();
}

/** Component k (1-based) of element n. */
export function comp(segment: X12SegmentData, n: number, k: number): string {
  const value = segment.elements[n - 1];
  if (value === undefined) return '';
  if (typeof value === 'string') return k === 1 ? value.trim() : '';
  return (value[k - 1] ?? '').trim();
}

/** Builds a segment, dropping trailing empty elements as X12 wants. */
export function seg(tag: string, ...elements: (string | number | undefined | null)[]): X12SegmentData {
  const values = elements.map((value) => (value === undefined || value === null ? '' : String(value)));
  while (values.length > 0 && values[values.length - 1] === '') values.pop();
  return { tag, elements: values };
}

/** CCYYMMDD or YYMMDD to YYYY-MM-DD; YY below 50 is 20YY (X12 has no century in 6-digit dates). */
export function toIsoDate(value: string): string | undefined {
  let match = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (!match) {
    const short = /^(\d{2})(\d{2})(\d{2})$/.exec(value);
    if (short)
      match = [
        value,
        `${Number(short[1]) < 50 ? '20' : '19'}${short[1]}`,
        short[2]!,
        short[3]!,
      ] as unknown as RegExpExecArray;
  }
  if (!match) return undefined;
  const [, y, m, d] = match;
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return `${y}-${m}-${d}`;
}

/** ISO date (or date-time) to CCYYMMDD. */
export function toX12Date(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  return iso.slice(0, 10).replace(/-/g, '');
}

export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const text = String(value);
  return text.includes('e') ? value.toFixed(10).replace(/0+$/, '') : text;
}

// ---- Part numbers -------------------------------------------------------------------------

const QUALIFIER_SCHEME: Record<string, string> = {
  BP: 'buyer',
  IN: 'buyer',
  VP: 'vendor',
  VN: 'vendor',
  MG: 'manufacturer',
  UP: 'upc',
  UK: 'gtin',
  EN: 'ean',
  SK: 'sku',
  CB: 'buyer_catalog',
  VC: 'vendor_catalog',
};

const SCHEME_QUALIFIER: Record<string, string> = {
  buyer: 'BP',
  vendor: 'VP',
  manufacturer: 'MG',
  upc: 'UP',
  gtin: 'UK',
  ean: 'EN',
  sku: 'SK',
  buyer_catalog: 'CB',
  vendor_catalog: 'VC',
  // X12 has no qualifier for the hub's own numbers: ZZ (mutually defined) carries them.
  internal: 'ZZ',
  erp: 'ZZ',
};

/**
 * The primary part number: the vendor's number first (it is what a supplier ships and
 * invoices against), then the buyer's, the manufacturer's, catalogue numbers, sku, gtin, upc,
 * ean; otherwise the first number sent.
 */
export const PRIMARY_SCHEME_ORDER = [
  'vendor',
  'buyer',
  'manufacturer',
  'vendor_catalog',
  'buyer_catalog',
  'sku',
  'gtin',
  'upc',
  'ean',
  'upc_case',
];

export function schemeOf(qualifier: string): string {
  return QUALIFIER_SCHEME[qualifier] ?? `x12:${qualifier}`;
}

export function qualifierOf(scheme: string): string {
  if (scheme.startsWith('x12:')) return scheme.slice(4);
  return SCHEME_QUALIFIER[scheme] ?? 'ZZ';
}

export interface ItemExtras {
  serials: string[];
  lot?: string;
  poNumber?: string;
}

/**
 * Builds an item from qualifier/number pairs. Serial (SN), lot (LT) and purchase order (PO)
 * pairs are references, not part numbers: they come back in `extras`.
 */
export function itemFromPairs(
  pairs: readonly (readonly [string, string])[],
  description?: string,
): { item?: CanonicalItem; extras: ItemExtras } {
  const numbers = new Map<string, string>();
  const extras: ItemExtras = { serials: [] };
  for (const [qualifier, value] of pairs) {
    if (value === '' || qualifier === '') continue;
    if (qualifier === 'SN') extras.serials.push(value);
    else if (qualifier === 'LT') extras.lot ??= value;
    else if (qualifier === 'PO') extras.poNumber ??= value;
    else {
      let scheme = schemeOf(qualifier);
      if (numbers.has(scheme)) scheme = `x12:${qualifier}`;
      if (!numbers.has(scheme)) numbers.set(scheme, value);
    }
  }
  if (numbers.size === 0) return { extras };
  const primary = PRIMARY_SCHEME_ORDER.find((scheme) => numbers.has(scheme)) ?? [...numbers.keys()][0]!;
  const partNumber = numbers.get(primary)!;
  numbers.delete(primary);
  const item: CanonicalItem = { partNumber, scheme: primary };
  if (numbers.size > 0) item.otherNumbers = Object.fromEntries(numbers);
  if (description !== undefined && description !== '') item.description = description;
  return { item, extras };
}

/** Qualifier/number pairs starting at element `from` (1-based), as LIN, PO1, W01 ... carry them. */
export function pairsFrom(segment: X12SegmentData, from: number): [string, string][] {
  const pairs: [string, string][] = [];
  for (let n = from; n < segment.elements.length + 1; n += 2)
    pairs.push([el(segment, n), el(segment, n + 1)]);
  return pairs;
}

/** The item's numbers as flat qualifier, number, qualifier, number ... (primary first). */
export function itemPairs(item: CanonicalItem): string[] {
  const out = [qualifierOf(item.scheme), item.partNumber];
  for (const [scheme, value] of Object.entries(item.otherNumbers ?? {})) out.push(qualifierOf(scheme), value);
  return out;
}

/** Description segment, PID*F****text. */
export function pid(description: string | undefined): X12SegmentData[] {
  return description ? [seg('PID', 'F', '', '', '', description)] : [];
}

// ---- Parties ------------------------------------------------------------------------------

const ROLE_BY_CODE: Record<string, Party['role']> = {
  BY: 'buyer',
  SE: 'seller',
  SU: 'supplier',
  VN: 'supplier',
  ST: 'ship_to',
  CN: 'ship_to',
  SF: 'ship_from',
  SH: 'ship_from',
  BT: 'bill_to',
  WH: 'warehouse',
  DE: 'depositor',
  CA: 'carrier',
  OB: 'customer',
};

const CODE_BY_ROLE: Record<Party['role'], string> = {
  buyer: 'BY',
  seller: 'SE',
  supplier: 'SU',
  ship_to: 'ST',
  ship_from: 'SF',
  bill_to: 'BT',
  warehouse: 'WH',
  depositor: 'DE',
  carrier: 'CA',
  customer: 'OB',
  other: 'ZZ',
};

/** Collects N1 loops (N1, N2, N3, N4) into parties. */
export class PartyReader {
  readonly parties: Party[] = [];
  private current: Party | null = null;

  /** Returns true when the segment belonged to a party. */
  accept(segment: X12SegmentData): boolean {
    if (segment.tag === 'N1') {
      const party: Party = { role: ROLE_BY_CODE[el(segment, 1)] ?? 'other' };
      if (el(segment, 2)) party.name = el(segment, 2);
      if (el(segment, 3)) party.qualifier = el(segment, 3);
      if (el(segment, 4)) party.id = el(segment, 4);
      this.parties.push(party);
      this.current = party;
      return true;
    }
    const party = this.current;
    if (!party) return false;
    if (segment.tag === 'N2') {
      party.name = [party.name, el(segment, 1), el(segment, 2)].filter(Boolean).join(' ');
      return true;
    }
    if (segment.tag === 'N3') {
      party.address = [...(party.address ?? []), el(segment, 1), el(segment, 2)].filter(Boolean);
      return true;
    }
    if (segment.tag === 'N4') {
      if (el(segment, 1)) party.city = el(segment, 1);
      if (el(segment, 2)) party.region = el(segment, 2);
      if (el(segment, 3)) party.postalCode = el(segment, 3);
      if (el(segment, 4)) party.country = el(segment, 4);
      return true;
    }
    if (segment.tag === 'PER' || segment.tag === 'REF' || segment.tag === 'G61') return true;
    this.current = null;
    return false;
  }

  /** Ends the current loop (a detail segment that is not N1-related started). */
  close(): void {
    this.current = null;
  }
}

export function partySegments(parties: readonly Party[]): X12SegmentData[] {
  const out: X12SegmentData[] = [];
  for (const party of parties) {
    out.push(
      seg(
        'N1',
        CODE_BY_ROLE[party.role],
        party.name,
        party.id !== undefined ? (party.qualifier ?? '92') : party.qualifier,
        party.id,
      ),
    );
    const address = party.address ?? [];
    for (let k = 0; k < address.length; k += 2) out.push(seg('N3', address[k], address[k + 1]));
    if (party.city || party.region || party.postalCode || party.country)
      out.push(seg('N4', party.city, party.region, party.postalCode, party.country));
  }
  return out;
}
