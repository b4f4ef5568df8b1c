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
  let value = raw.trim();
  if (value !== raw) steps.push('trimmed');
  if (rules.case !== 'preserve') {
    const folded = rules.case === 'upper' ? value.toUpperCase() : value.toLowerCase();
    if (folded !== value) steps.push(`case folded to ${rules.case}`);
    value = folded;
  }
  const prefixes = [...rules.removePrefixes]
    .map((p) => (rules.case === 'upper' ? p.toUpperCase() : rules.case === 'lower' ? p.toLowerCase() : p))
    .sort((a, b) => b.length - a.length);
  for (const prefix of prefixes) {
    if (prefix && value.startsWith(prefix) && value.length > prefix.length) {
      value = value.slice(prefix.length);
      steps.push(`prefix '${prefix}' removed`);
      break;
    }
  }
  if (rules.stripCharacters) {
    const strip = new Set(rules.stripCharacters);
    const kept = [...value].filter((c) => !strip.has(c)).join('');
    if (kept !== value) steps.push('separators removed');
    value = kept;
  }
  if (rules.stripLeadingZeros) {
    const unpadded = value.replace(/^0+(?=.)/, '');
    if (unpadded !== value) steps.push('leading zeros removed');
    value = unpadded;
  }
  return { value, steps };
}
