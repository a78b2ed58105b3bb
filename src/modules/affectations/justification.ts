import { absAmount, compareAmounts, isZeroAmount } from '../../common/money/money.js';
import {
  MANUAL_JUSTIFICATION_STATES,
  type JustificationState,
  type ManualJustificationState,
} from '../bank/bank-operation.entity.js';

/** The state affectations give a line: nothing, part, or all of |amount| justified. */
export function computedJustification(
  amount: string,
  justifiedAmount: string,
): 'missing' | 'partial' | 'justified' {
  if (isZeroAmount(justifiedAmount)) return 'missing';
  return compareAmounts(justifiedAmount, absAmount(amount)) >= 0 ? 'justified' : 'partial';
}

export function isManualJustification(state: JustificationState): state is ManualJustificationState {
  return (MANUAL_JUSTIFICATION_STATES as readonly string[]).includes(state);
}

/**
 * The state after the justified amount changes: a person's `not_needed` or `receipt_lost` stands until
 * that person (or another) clears it; otherwise it follows the amounts.
 */
export function nextJustification(
  current: JustificationState,
  amount: string,
  justifiedAmount: string,
): JustificationState {
  return isManualJustification(current) ? current : computedJustification(amount, justifiedAmount);
}
