/** Formatting shared by every page: numbers, durations, dates, and the hub's snake_case words. */

const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return Number.isInteger(value) ? integer.format(value) : decimal.format(value);
}

export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined) return '—';
  return `${(ratio * 100).toFixed(digits)}%`;
}

/** Milliseconds as the unit a person reads: 850 ms, 4.2 s, 12 min, 3.5 h, 2.1 d. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms === 0) return '0';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (abs < 3_600_000) return `${(ms / 60_000).toFixed(abs < 600_000 ? 1 : 0)} min`;
  if (abs < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

const dateTime = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});
// This year's dates leave the year out: tables stay narrow and the year is obvious.
const dateTimeThisYear = new Intl.DateTimeFormat('en-GB', {
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});
const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (d.getFullYear() === new Date().getFullYear() ? dateTimeThisYear : dateTime).format(d);
}

export function formatTime(d: Date | undefined): string {
  return d ? time.format(d) : '—';
}

/** `2026-12-05` → `5 Dec` for chart axes. */
export function formatDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}

/** How long ago, for "last message 5 min ago". */
export function formatAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const ms = now - new Date(iso).getTime();
  if (Number.isNaN(ms)) return iso;
  if (ms < 60_000) return 'just now';
  return `${formatDuration(ms)} ago`;
}

/** `repair_in_process` → `Repair in process`; `central_dc` → `Central DC`. */
export function humanize(word: string): string {
  const spaced = word.replace(/_/g, ' ').replace(/\b(dc|erp|fsm|wms|sla|oem)\b/gi, (w) => w.toUpperCase());
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

const LOCATION_TYPE_PLURALS: Record<string, string> = {
  central_dc: 'Central distribution centres',
  regional_warehouse: 'Regional warehouses',
  forward_stocking_location: 'Forward stocking locations',
  technician_van: 'Technician vans',
  repair_vendor: 'Repair vendors',
  customer_site: 'Customer sites',
};

/** A location type as a group heading: `technician_van` → `Technician vans`. */
export function locationTypeGroup(type: string): string {
  return LOCATION_TYPE_PLURALS[type] ?? humanize(type);
}
