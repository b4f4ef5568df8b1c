import type { IdocIssue, IdocIssueCode } from './idoc.errors.js';
import { field, type XmlNode } from './idoc-xml.js';
import { sapDate, sapNumber } from './sap-values.js';

export interface ResolvedIdocOptions {
  maxBytes: number;
  maxDepth: number;
  language: string;
  materialScheme: string;
  units: Readonly<Record<string, string>>;
}

/** What a mapping needs to know about the IDoc at hand, and where its issues go. */
export class IdocContext {
  readonly issues: IdocIssue[] = [];

  constructor(
    readonly index: number,
    readonly docnum: string | undefined,
    readonly options: ResolvedIdocOptions,
  ) {}

  /** "IDoc 0000000000123456" or, without a DOCNUM, "IDoc #2 in the file". */
  get label(): string {
    return this.docnum ? `IDoc ${this.docnum}` : `IDoc #${this.index + 1} in the file`;
  }

  report(code: IdocIssueCode, segment: string, fieldName: string | undefined, detail: string): void {
    const where = fieldName ? `${segment}-${fieldName}` : segment;
    this.issues.push({
      code,
      message: `${this.label}: ${where} ${detail}`,
      ...(this.docnum ? { docnum: this.docnum } : {}),
      index: this.index,
      segment,
      ...(fieldName ? { field: fieldName } : {}),
    });
  }

  /** A required field, or undefined after reporting IDOC_MISSING_FIELD. */
  required(node: XmlNode, segment: string, name: string): string | undefined {
    const value = field(node, name);
    if (value === undefined) this.report('IDOC_MISSING_FIELD', segment, name, 'is missing or empty');
    return value;
  }

  /** An optional decimal; absent is undefined, malformed is reported as IDOC_BAD_NUMBER. */
  number(
    node: XmlNode,
    segment: string,
    name: string,
    rule: 'any' | 'nonNegative' | 'positive' = 'any',
  ): number | undefined {
    const raw = field(node, name);
    if (raw === undefined) return undefined;
    const value = sapNumber(raw);
    if (value === undefined) {
      this.report('IDOC_BAD_NUMBER', segment, name, `'${clip(raw)}' is not a decimal number`);
      return undefined;
    }
    if ((rule === 'nonNegative' && value < 0) || (rule === 'positive' && value <= 0)) {
      this.report(
        'IDOC_BAD_NUMBER',
        segment,
        name,
        `'${clip(raw)}' must be ${rule === 'positive' ? 'greater than zero' : 'zero or more'}`,
      );
      return undefined;
    }
    return value;
  }

  /** An optional CCYYMMDD date as ISO; malformed is reported as IDOC_BAD_DATE. */
  date(node: XmlNode, segment: string, name: string): string | undefined {
    const raw = field(node, name);
    const parsed = sapDate(raw);
    if (!parsed.ok) {
      this.report('IDOC_BAD_DATE', segment, name, `'${clip(raw ?? '')}' is not a CCYYMMDD date`);
      return undefined;
    }
    return parsed.value;
  }
}

export function clip(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
