/** The reservation policy, held as data per tenant (GET/PUT /api/v1/policies/reservation). */
export interface ReservationPolicy {
  /** Higher rank wins. Demand types missing here rank 0. */
  demandTypeRank: Record<string, number>;
  preemption: {
    enabled: boolean;
    /** A claim must outrank a victim by at least this many priority points when demand types are equal. */
    minPriorityGap: number;
  };
}

export const DEFAULT_RESERVATION_POLICY: ReservationPolicy = {
  demandTypeRank: { field_service: 100, internal_transfer: 10 },
  preemption: { enabled: true, minPriorityGap: 1 },
};

export interface Claim {
  id: string;
  /** A DemandType, or a custom one named in the policy. */
  demandType: string;
  priority: number;
  quantityMilli: number;
  createdAt: string;
  demandRef: string;
}

export type ReservationDecision =
  | { kind: 'reserve'; reasons: string[] }
  | { kind: 'preempt'; victims: Claim[]; reasons: string[] }
  | { kind: 'refuse'; reasons: string[] };

function typeRank(policy: ReservationPolicy, claim: Pick<Claim, 'demandType'>): number {
  return policy.demandTypeRank[claim.demandType] ?? 0;
}

/** True when `a` may take stock from `b` under the policy. Equal claims never pre-empt each other. */
export function outranks(policy: ReservationPolicy, a: Claim, b: Claim): boolean {
  const ra = typeRank(policy, a);
  const rb = typeRank(policy, b);
  if (ra !== rb) return ra > rb;
  return a.priority - b.priority >= Math.max(1, policy.preemption.minPriorityGap);
}

/** Weakest first: lowest demand-type rank, then lowest priority, then the newest (last in loses). */
export function weakestFirst(policy: ReservationPolicy, claims: Claim[]): Claim[] {
  return [...claims].sort(
    (a, b) =>
      typeRank(policy, a) - typeRank(policy, b) ||
      a.priority - b.priority ||
      (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0) ||
      (a.id < b.id ? 1 : -1),
  );
}

function describe(policy: ReservationPolicy, c: Claim): string {
  return `${c.id} (${c.demandType} rank ${typeRank(policy, c)}, priority ${c.priority}, demand ${c.demandRef})`;
}

/**
 * Decides how a new claim is covered: from free stock, by pre-empting weaker open claims,
 * or not at all. Pre-emption happens only when it covers the whole request.
 */
export function decideReservation(
  policy: ReservationPolicy,
  request: Claim,
  availableMilli: number,
  openClaims: Claim[],
): ReservationDecision {
  if (availableMilli >= request.quantityMilli) {
    return {
      kind: 'reserve',
      reasons: [`${fmt(availableMilli)} available covers the requested ${fmt(request.quantityMilli)}`],
    };
  }
  const shortfall = request.quantityMilli - Math.max(0, availableMilli);
  const base = `${fmt(Math.max(0, availableMilli))} available, ${fmt(request.quantityMilli)} requested: short by ${fmt(shortfall)}`;
  if (!policy.preemption.enabled) {
    return { kind: 'refuse', reasons: [base, 'pre-emption is disabled by the reservation policy'] };
  }
  const weaker = weakestFirst(
    policy,
    openClaims.filter((c) => outranks(policy, request, c)),
  );
  const victims: Claim[] = [];
  let freed = 0;
  for (const claim of weaker) {
    if (freed >= shortfall) break;
    victims.push(claim);
    freed += claim.quantityMilli;
  }
  if (freed < shortfall) {
    return {
      kind: 'refuse',
      reasons: [
        base,
        weaker.length === 0
          ? `no open reservation ranks below ${describe(policy, request)}`
          : `the ${weaker.length} weaker reservation(s) hold only ${fmt(freed)}`,
      ],
    };
  }
  return {
    kind: 'preempt',
    victims,
    reasons: [
      base,
      ...victims.map(
        (v) =>
          `pre-empts ${describe(policy, v)}: outranked by ${request.demandType} priority ${request.priority}`,
      ),
    ],
  };
}

/**
 * When a count finds less stock than is reserved, decides which reservations give way:
 * the weakest first, until what stays reserved fits the counted stock.
 */
export function decideShortfall(
  policy: ReservationPolicy,
  openClaims: Claim[],
  shortfallMilli: number,
): Claim[] {
  const victims: Claim[] = [];
  let freed = 0;
  for (const claim of weakestFirst(policy, openClaims)) {
    if (freed >= shortfallMilli) break;
    victims.push(claim);
    freed += claim.quantityMilli;
  }
  return victims;
}

function fmt(milli: number): string {
  return String(milli / 1000);
}
