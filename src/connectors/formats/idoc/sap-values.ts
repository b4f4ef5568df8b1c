/** Value rules for SAP IDoc fields: numbers, dates and the ALPHA conversion of keys. */

// SAP writes negative packed numbers with a trailing minus ("5.000-"); no exponent, no grouping.
const SAP_DECIMAL = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(-?)$/;

/** A decimal as SAP writes it, or undefined when it is not one (or does not fit a double). */
export function sapNumber(raw: string): number | undefined {
  const match = SAP_DECIMAL.exec(raw.trim());
  if (!match) return undefined;
  const [, lead = '', digits = '', trail = ''] = match;
  if (lead !== '' && trail !== '') return undefined;
  const value = Number(digits);
  if (!Number.isFinite(value)) return undefined;
  return lead === '-' || trail === '-' ? -value : value;
}

export type SapDate = { ok: true; value: string | undefined } | { ok: false };

/**
 * CCYYMMDD to an ISO date. SAP's empty date ("00000000", blanks) is absent, not an error;
 * anything else that is not a real calendar date is.
 */
export function sapDate(raw: string | undefined): SapDate {
  const text = raw?.trim() ?? '';
  if (text === '' || /^0+$/.test(text)) return { ok: true, value: undefined };
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!match) return { ok: false };
  const [, y = '', m = '', d = ''] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (
    date.getUTCFullYear() !== Number(y) ||
    date.getUTCMonth() !== Number(m) - 1 ||
    date.getUTCDate() !== Number(d)
  ) {
    return { ok: false };
  }
  return { ok: true, value: `${y}-${m}-${d}` };
}

/** HHMMSS to HH:MM:SS, or undefined when it is not a valid time of day. */
export function sapTime(raw: string | undefined): string | undefined {
  const match = /^([01]\d|2[0-3])([0-5]\d)([0-5]\d)$/.exec(raw?.trim() ?? '');
  return match ? `${match[1]}:${match[2]}:${match[3]}` : undefined;
}

/**
 * SAP's ALPHA conversion in reverse: a purely numeric key (material number, delivery number)
 * is stored zero-padded ("000000000000012345") and shown without the zeros ("12345"), so the
 * zeros are stripped. A key with any non-digit ("0000X-001", "X-RAY 80003-A") was entered
 * that way and is kept exactly as sent. All zeros leave a single "0".
 */
export function alphaOut(raw: string): string {
  const text = raw.trim();
  return /^\d+$/.test(text) ? text.replace(/^0+(?=\d)/, '') : text;
}
