/**
 * Supersession chains (M2.2) as a pure graph: each part has at most one successor at a time
 * (a fork is refused), links carry an effective date, and resolution follows the chain to
 * the part valid at a date, returning the path and the reason for every step.
 */
export type Interchangeability = 'one_way' | 'two_way';

export interface SupersessionLink {
  from: string;
  to: string;
  type: Interchangeability;
  /** ISO date-time from which `to` replaces `from`. */
  effectiveFrom: string;
  reason: string;
}

export interface ResolutionStep {
  from: string;
  to: string;
  type: Interchangeability;
  effectiveFrom: string;
  reason: string;
}

export type Resolution =
  | { ok: true; requested: string; current: string; path: ResolutionStep[]; explanation: string }
  | { ok: false; requested: string; error: 'CYCLE'; path: ResolutionStep[]; explanation: string };

/** Follows links effective at `at`; a link not yet effective ends the chain there. */
export function resolveCurrent(
  start: string,
  links: ReadonlyMap<string, SupersessionLink>,
  at: string,
): Resolution {
  const path: ResolutionStep[] = [];
  const seen = new Set<string>([start]);
  let current = start;
  for (;;) {
    const link = links.get(current);
    if (!link || link.effectiveFrom > at) break;
    path.push({ ...link });
    if (seen.has(link.to)) {
      return {
        ok: false,
        requested: start,
        error: 'CYCLE',
        path,
        explanation: `supersession chain from ${start} loops back to ${link.to}`,
      };
    }
    seen.add(link.to);
    current = link.to;
  }
  const explanation =
    path.length === 0
      ? `${start} is current: no supersession in effect at ${at}`
      : `${start} is superseded: ${path.map((s) => `${s.from} → ${s.to} (${s.type}, from ${s.effectiveFrom.slice(0, 10)}: ${s.reason})`).join('; ')}`;
  return { ok: true, requested: start, current, path, explanation };
}

export type LinkCheck =
  | { ok: true }
  | { ok: false; code: 'SUPERSESSION_CYCLE' | 'SUPERSESSION_FORK' | 'SUPERSESSION_SELF'; reason: string };

/**
 * Decides whether a new link may be entered: not to itself, no second successor for the
 * same part (a fork), and no path back from the successor to the part (a cycle), whatever
 * the effective dates: a cycle that only closes later is still a cycle.
 */
export function checkNewLink(
  link: Pick<SupersessionLink, 'from' | 'to'>,
  links: ReadonlyMap<string, SupersessionLink>,
): LinkCheck {
  if (link.from === link.to)
    return { ok: false, code: 'SUPERSESSION_SELF', reason: `${link.from} cannot supersede itself` };
  const existing = links.get(link.from);
  if (existing) {
    return {
      ok: false,
      code: 'SUPERSESSION_FORK',
      reason: `${link.from} is already superseded by ${existing.to}; remove that link first`,
    };
  }
  const chain: string[] = [link.to];
  let node = link.to;
  const seen = new Set<string>();
  while (links.has(node) && !seen.has(node)) {
    seen.add(node);
    node = links.get(node)!.to;
    chain.push(node);
    if (node === link.from) {
      return {
        ok: false,
        code: 'SUPERSESSION_CYCLE',
        reason: `${link.to} already leads back to ${link.from}: ${[link.from, ...chain].join(' → ')}`,
      };
    }
  }
  return { ok: true };
}

/** Parts that may be used in place of `part`: two-way links work in both directions, one-way only forward. */
export function interchangeableWith(part: string, links: ReadonlyMap<string, SupersessionLink>): string[] {
  const out: string[] = [];
  const forward = links.get(part);
  if (forward) out.push(forward.to);
  for (const link of links.values()) if (link.to === part && link.type === 'two_way') out.push(link.from);
  return out;
}
