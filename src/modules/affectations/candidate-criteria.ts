import { startOfDayIn } from '../../common/dates/calendar-date.js';
import { absAmount, compareAmounts, isZeroAmount } from '../../common/money/money.js';
import type { CandidateCriteria } from '../receipts/receipts.service.js';
import { referenceTokens } from './score-match.js';

/** Receipts of any amount are looked for this many days each side of the operation. */
export const DATE_WINDOW_DAYS = 15;
/** At most this many candidates from each lookup (same amount, date window, reference). */
export const PER_SOURCE = 25;

/** Where to look for the receipts that may justify an operation (see ReceiptsService.affectationCandidates). */
export function candidateCriteria(
  operation: { amount: string; date: string; label: string },
  remaining: string,
  timeZone: string,
): CandidateCriteria {
  const whole = absAmount(operation.amount);
  return {
    // The whole amount first: the date-window lookup orders by closeness to it.
    amounts: isZeroAmount(remaining) || compareAmounts(remaining, whole) === 0 ? [whole] : [whole, remaining],
    around: startOfDayIn(operation.date, timeZone),
    windowDays: DATE_WINDOW_DAYS,
    referenceTokens: referenceTokens(operation.label),
    perSource: PER_SOURCE,
    timeZone,
  };
}
