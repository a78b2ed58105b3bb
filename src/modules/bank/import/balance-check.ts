import { Decimal } from 'decimal.js';
import { addAmounts, compareAmounts, normalizeAmount, subtractAmounts } from '../../../common/money/money.js';
import type { StatementBalances, StatementLine } from './statement.js';

/** What the statement's balances say about the lines read from it; decimal strings. */
export interface BalanceCheck {
  /** The balance before the first line, as the file states it; null when it states none. */
  opening: string | null;
  /** The balance after the last line, as the file states it; null when it states none. */
  closing: string | null;
  /** opening + the lines read; null without an opening. */
  computed: string | null;
  /** computed = closing; null when either is unknown, so nothing could be checked. */
  ok: boolean | null;
}

/**
 * Checks opening + lines = closing for the statements of the file that are the account's, in exact
 * decimal arithmetic. Every line read from a statement counts, including those already imported before
 * (a line the file holds but that could not be read does not: the mismatch then points at it). A file of
 * several statements is checked as a whole, in file order: the first opening, the last closing, all the
 * lines, and each statement must balance on its own. Null when no statement states a balance.
 */
export function checkBalances(
  balances: StatementBalances[],
  lines: StatementLine[],
  belongs: (account: number | null) => boolean,
): BalanceCheck | null {
  const statements = balances.filter((b) => belongs(b.account) && (b.opening !== null || b.closing !== null));
  if (statements.length === 0) return null;
  const sumOf = (account: number | null) =>
    lines
      .filter((l) => account === null || l.account === account)
      .reduce((sum, l) => sum.plus(l.amount), new Decimal(0))
      .toFixed(2);
  const checks = statements.map((b) => check(b.opening, b.closing, sumOf(b.account)));
  if (checks.length === 1) return checks[0];
  const opening = statements[0].opening;
  const closing = statements[statements.length - 1].closing;
  const total = statements.reduce((sum, b) => addAmounts(sum, sumOf(b.account)), '0');
  const whole = check(opening, closing, total);
  const anyFails = checks.some((c) => c.ok === false);
  return { ...whole, ok: anyFails ? false : whole.ok };
}

function check(opening: string | null, closing: string | null, sum: string): BalanceCheck {
  const computed = opening === null ? null : addAmounts(opening, sum);
  return {
    opening: opening === null ? null : normalizeAmount(opening),
    closing: closing === null ? null : normalizeAmount(closing),
    computed,
    ok: computed === null || closing === null ? null : compareAmounts(computed, closing) === 0,
  };
}

/** "opening 100.00 + lines -20.00 = 80.00, closing 90.00: 10.00 apart", for the import's warning. */
export function describeMismatch(check: BalanceCheck): string {
  const { opening, closing, computed } = check;
  if (opening === null || closing === null || computed === null) return '';
  const lines = subtractAmounts(computed, opening);
  const gap = subtractAmounts(closing, computed);
  return (
    `The statement's balances do not add up: opening ${opening} + the lines read ${lines} = ${computed}, ` +
    `but the closing balance is ${closing} (${gap} apart). A line may be missing or unreadable (see rejections).`
  );
}
