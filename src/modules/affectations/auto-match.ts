/** One scored (operation, receipt) pair of an auto-match run. */
export interface ScoredPair {
  operationId: string;
  receiptId: number;
  score: number;
}

export type LeftReason = 'NO_CANDIDATE' | 'BELOW_THRESHOLD' | 'AMBIGUOUS' | 'RECEIPT_CONTESTED';

export interface AutoMatchPlan {
  /** Pairs to affect: each operation's only receipt at or above the threshold, wanted by no other operation. */
  chosen: ScoredPair[];
  /** Every other operation, with why it was left alone. */
  left: { operationId: string; reason: LeftReason }[];
}

/**
 * Chooses the pairs an auto-match run may affect without a person: for an operation, exactly one receipt
 * scores at or above the threshold, and that receipt scores at or above it for no other operation of the
 * run. Everything else is left for a person, with the reason. Pure; order of `pairs` does not matter.
 */
export function planAutoMatch(operationIds: string[], pairs: ScoredPair[], threshold: number): AutoMatchPlan {
  const strong = pairs.filter((p) => p.score >= threshold);
  const byOperation = new Map<string, ScoredPair[]>();
  const operationsByReceipt = new Map<number, Set<string>>();
  for (const p of strong) {
    byOperation.set(p.operationId, [...(byOperation.get(p.operationId) ?? []), p]);
    operationsByReceipt.set(
      p.receiptId,
      (operationsByReceipt.get(p.receiptId) ?? new Set()).add(p.operationId),
    );
  }
  const candidates = new Set(pairs.map((p) => p.operationId));

  const chosen: ScoredPair[] = [];
  const left: AutoMatchPlan['left'] = [];
  for (const operationId of operationIds) {
    const mine = byOperation.get(operationId) ?? [];
    if (mine.length === 0) {
      left.push({ operationId, reason: candidates.has(operationId) ? 'BELOW_THRESHOLD' : 'NO_CANDIDATE' });
    } else if (mine.length > 1) {
      left.push({ operationId, reason: 'AMBIGUOUS' });
    } else if ((operationsByReceipt.get(mine[0].receiptId)?.size ?? 0) > 1) {
      left.push({ operationId, reason: 'RECEIPT_CONTESTED' });
    } else {
      chosen.push(mine[0]);
    }
  }
  return { chosen, left };
}
