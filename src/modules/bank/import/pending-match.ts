import { daysBetween } from '../../../common/dates/calendar-date.js';

/** How far apart (in days) a pending line and the statement line that confirms it may be dated. */
export const PENDING_MATCH_DAYS = 5;

export interface PendingCandidate {
  id: string;
  date: string;
  amount: string;
  /** Earlier first on ties. */
  createdAt: Date;
}

export interface IncomingLine {
  date: string;
  amount: string;
}

/**
 * Pairs imported lines with the pending ("EN COURS") lines they confirm: same amount, dates at most
 * PENDING_MATCH_DAYS apart, each pending line used once. Lines are served in file order and each takes the
 * closest-dated pending line (then the oldest entered). Returns, per incoming line, the id of the pending
 * line it confirms, or null.
 */
export function matchPendingLines(lines: IncomingLine[], pending: PendingCandidate[]): (string | null)[] {
  const byAmount = new Map<string, PendingCandidate[]>();
  for (const p of pending) byAmount.set(p.amount, [...(byAmount.get(p.amount) ?? []), p]);
  const used = new Set<string>();
  return lines.map((line) => {
    let best: PendingCandidate | null = null;
    let bestDistance = Infinity;
    for (const p of byAmount.get(line.amount) ?? []) {
      if (used.has(p.id)) continue;
      const distance = Math.abs(daysBetween(p.date, line.date));
      if (distance > PENDING_MATCH_DAYS) continue;
      if (
        distance < bestDistance ||
        (distance === bestDistance && best && p.createdAt.getTime() < best.createdAt.getTime())
      ) {
        best = p;
        bestDistance = distance;
      }
    }
    if (!best) return null;
    used.add(best.id);
    return best.id;
  });
}
