/**
 * Master-data governance rules (M1.3, M2.4, M2.6) as pure decisions: who may change an
 * attribute directly, which value survives when sources disagree, and whether a change may
 * take effect now. Each decision carries its reason.
 */
export interface OwnershipRule {
  attribute: string;
  /** The system that is authoritative for the attribute, e.g. ERP for cost. */
  owner: string;
}

export interface FreezeWindow {
  startsAt: string;
  endsAt: string;
  reason: string;
}

export type RouteDecision = { route: 'apply'; reason: string } | { route: 'change_request'; reason: string };

/**
 * An update from the owning system (or of an attribute nobody owns) applies directly; from
 * any other system it becomes a change request, never a silent change.
 */
export function routeUpdate(
  attribute: string,
  source: string,
  rules: readonly OwnershipRule[],
): RouteDecision {
  const rule = rules.find((r) => r.attribute === attribute);
  if (!rule) return { route: 'apply', reason: `no system owns ${attribute}` };
  if (rule.owner === source) return { route: 'apply', reason: `${source} owns ${attribute}` };
  return {
    route: 'change_request',
    reason: `${rule.owner} owns ${attribute}; an update from ${source} needs approval`,
  };
}

export interface SourcedValue {
  source: string;
  value: unknown;
  observedAt: string;
}

/**
 * Survivorship: the owner's value wins; without an owner, the most recent value wins (ties
 * broken by source name so the answer does not depend on row order).
 */
export function survivingValue(
  attribute: string,
  values: readonly SourcedValue[],
  rules: readonly OwnershipRule[],
): { value: SourcedValue | null; reason: string } {
  if (values.length === 0) return { value: null, reason: 'no source has a value' };
  const owner = rules.find((r) => r.attribute === attribute)?.owner;
  const fromOwner = owner ? values.find((v) => v.source === owner) : undefined;
  if (fromOwner) return { value: fromOwner, reason: `${owner} owns ${attribute}` };
  const latest = [...values].sort((a, b) =>
    a.observedAt === b.observedAt ? (a.source < b.source ? -1 : 1) : a.observedAt < b.observedAt ? 1 : -1,
  )[0]!;
  return {
    value: latest,
    reason: owner
      ? `${owner} has no value; the most recent (${latest.source}) wins`
      : `most recent value (${latest.source}) wins`,
  };
}

export type TimingDecision =
  | { when: 'now'; reason: string }
  | { when: 'later'; at: string; reason: string }
  | { when: 'frozen'; until: string; reason: string };

/**
 * When an approved change may take effect: not before its effective date, and not inside a
 * freeze window unless it is an emergency.
 */
export function decideTiming(
  effectiveFrom: string,
  now: string,
  emergency: boolean,
  windows: readonly FreezeWindow[],
): TimingDecision {
  if (effectiveFrom > now)
    return { when: 'later', at: effectiveFrom, reason: `effective from ${effectiveFrom}` };
  const frozen = windows.find((w) => w.startsAt <= now && now < w.endsAt);
  if (frozen && !emergency)
    return {
      when: 'frozen',
      until: frozen.endsAt,
      reason: `freeze window until ${frozen.endsAt}: ${frozen.reason}`,
    };
  if (frozen) return { when: 'now', reason: `emergency change inside the freeze window (${frozen.reason})` };
  return { when: 'now', reason: 'effective now and no freeze window' };
}
