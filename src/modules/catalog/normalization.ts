/**
 * Part-number normalization per numbering scheme (M2.1). Each scheme declares its rules as
 * data; the same external number always normalizes to the same key, so "0001234-A",
 * "1234a" and "1234 A" can meet in one cross-reference when the scheme says they are one.
 */
export interface NormalizationRules {
  /** Fold letter case. */
  case: 'upper' | 'lower' | 'preserve';
  /** Characters removed anywhere (separators such as '-', '.', ' ', '/'). */
  stripCharacters: string;
  /** Remove leading zeros (ERP material numbers are often zero-padded to 18 digits). */
  stripLeadingZeros: boolean;
  /** Prefixes removed when present, longest first, compared after case folding. */
  removePrefixes: string[];
}

export const DEFAULT_NORMALIZATION: NormalizationRules = {
  case: 'upper',
  stripCharacters: ' -./_',
  stripLeadingZeros: false,
  removePrefixes: [],
};

export interface Normalized {
  value: string;
  /** What was done, in order, for explanations and conflict reports. */
  steps: string[];
}

export function normalizeNumber(raw: string, rules: NormalizationRules): Normalized {
  const steps: string[] = [];
  const value = applyRules(raw, compileRules(rules), steps);
  return { value, steps };
}

/**
 * The value half of normalizeNumber with the rules prepared once, for bulk paths that
 * normalize many numbers of one scheme and need no explanation of the steps.
 */
export function numberNormalizer(rules: NormalizationRules): (raw: string) => string {
  const compiled = compileRules(rules);
  return (raw) => applyRules(raw, compiled, null);
}

interface CompiledRules {
  case: NormalizationRules['case'];
  /** Folded like the number, longest first. */
  prefixes: string[];
  /** Matches any one of the separators, by code point. */
  strip: RegExp | null;
  stripLeadingZeros: boolean;
}

function compileRules(rules: NormalizationRules): CompiledRules {
  return {
    case: rules.case,
    prefixes: [...rules.removePrefixes]
      .map((p) => (rules.case === 'upper' ? p.toUpperCase() : rules.case === 'lower' ? p.toLowerCase() : p))
      .sort((a, b) => b.length - a.length),
    strip: rules.stripCharacters ? separatorPattern(rules.stripCharacters) : null,
    stripLeadingZeros: rules.stripLeadingZeros,
  };
}

/**
 * A character class of the separators' code points, each written as \u{…} so that no
 * separator can mean something to the pattern. One replace() is several times cheaper
 * than rebuilding the number a code point at a time, which bulk imports do per row.
 */
function separatorPattern(characters: string): RegExp {
  const escaped = Array.from(new Set(characters), (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
  return new RegExp(`[${escaped.join('')}]`, 'gu');
}

/** One implementation for both entry points; `steps` is null when nobody reads them. */
function applyRules(raw: string, rules: CompiledRules, steps: string[] | null): string {
  let value = raw.trim();
  if (value !== raw) steps?.push('trimmed');
  if (rules.case !== 'preserve') {
    const folded = rules.case === 'upper' ? value.toUpperCase() : value.toLowerCase();
    if (folded !== value) steps?.push(`case folded to ${rules.case}`);
    value = folded;
  }
  for (const prefix of rules.prefixes) {
    if (prefix && value.startsWith(prefix) && value.length > prefix.length) {
      value = value.slice(prefix.length);
      steps?.push(`prefix '${prefix}' removed`);
      break;
    }
  }
  if (rules.strip) {
    const kept = value.replace(rules.strip, '');
    if (kept !== value) steps?.push('separators removed');
    value = kept;
  }
  if (rules.stripLeadingZeros) {
    const unpadded = value.replace(/^0+(?=.)/, '');
    if (unpadded !== value) steps?.push('leading zeros removed');
    value = unpadded;
  }
  return value;
}
