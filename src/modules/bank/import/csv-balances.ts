import { Decimal } from 'decimal.js';
import { normalizeAmount } from '../../../common/money/money.js';
import { parseCsvAmount, parseCsvDate, type DateOrder, type DecimalSeparator } from './csv-values.js';

/** A data row as far as the balances go: its amount and running balance when it has them. */
export interface BalanceRow {
  date: string | null;
  amount: string | null;
  balance: string | null;
}

/** A row that states a balance ("Solde au 31/01/2024", "Ancien solde", "Closing balance"). */
export interface StatedBalance {
  kind: 'opening' | 'closing' | null;
  date: string | null;
  amount: string;
  /** Above the header (a preamble) or below it. */
  preamble: boolean;
}

const BALANCE_LABEL =
  /^(?:(?:ancien|nouveau|opening|closing|starting|ending|previous|final|current)\s+)?(?:solde|balance)\b/;
const OPENING =
  /\b(?:initial|ouverture|debut|depart|ancien|precedent|anterieur|reporte?|opening|previous|starting|start|beginning|brought forward)\b/;
const CLOSING = /\b(?:final|fin|cloture|nouveau|closing|ending|end|arrete|carried forward)\b/;
const DATE_IN_TEXT = /\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}/;

/** Whether a cell names a balance ("Solde au 31/01/2024", "Ancien solde", "Closing balance"). */
export function isBalanceLabel(cell: string, normalize: (text: string) => string): boolean {
  return BALANCE_LABEL.test(normalize(cell));
}

/**
 * A row naming a balance in one of its cells, with the amount it states (the last amount in the row;
 * negative when it stands in the debit column). Null for any other row.
 */
export function readBalanceRow(
  cells: string[],
  how: {
    decimal: DecimalSeparator;
    dateOrder: DateOrder;
    debitColumn?: number;
    normalize: (text: string) => string;
    preamble: boolean;
  },
): StatedBalance | null {
  const labelAt = cells.findIndex((c) => BALANCE_LABEL.test(how.normalize(c)));
  if (labelAt < 0) return null;
  const label = how.normalize(cells[labelAt]);
  let amount: string | null = null;
  let date: string | null = null;
  cells.forEach((cell, i) => {
    const found = DATE_IN_TEXT.exec(cell);
    if (found && date === null) date = parseCsvDate(found[0], how.dateOrder);
    if (i === labelAt || cell === '' || (found && found[0] === cell.trim())) return;
    const parsed = parseCsvAmount(cell, how.decimal);
    if ('value' in parsed) amount = i === how.debitColumn ? negate(parsed.value) : parsed.value;
  });
  if (amount === null) return null;
  const kind = OPENING.test(label) ? 'opening' : CLOSING.test(label) ? 'closing' : null;
  return { kind, date, amount, preamble: how.preamble };
}

/**
 * The opening and closing balances of a CSV: from rows that state them, else from a running balance
 * column. A stated balance with neither word nor date to tell which it is counts as the closing one
 * below the lines and is ignored above them; a dated one is the opening when dated before the first
 * line, the closing when dated on or after the last. A running balance is read in the file's order of
 * dates (newest first is common): the opening is the first line's balance less its amount, the closing
 * the last line's balance; when every line has the same date, the order that adds up is taken.
 */
export function csvBalances(
  rows: BalanceRow[],
  stated: StatedBalance[],
): { opening: string | null; closing: string | null } {
  const dates = rows.map((r) => r.date).filter((d): d is string => d !== null);
  const first = dates.reduce((a, b) => (b < a ? b : a), dates[0] ?? '');
  const last = dates.reduce((a, b) => (b > a ? b : a), dates[0] ?? '');
  let opening: string | null = null;
  let closing: string | null = null;
  for (const s of stated) {
    const kind =
      s.kind ??
      (s.date !== null && dates.length > 0
        ? s.date < first
          ? 'opening'
          : s.date >= last
            ? 'closing'
            : null
        : s.preamble
          ? null
          : 'closing');
    if (kind === 'opening') opening ??= s.amount;
    if (kind === 'closing') closing ??= s.amount;
  }
  const column = runningBalance(rows);
  return { opening: opening ?? column.opening, closing: closing ?? column.closing };
}

function runningBalance(rows: BalanceRow[]): { opening: string | null; closing: string | null } {
  if (!rows.some((r) => r.balance !== null)) return { opening: null, closing: null };
  const dated = rows.filter((r) => r.date !== null);
  const newestFirst = dated.length > 1 && dated[0].date! > dated[dated.length - 1].date!;
  const sameDay = dated.every((r) => r.date === dated[0]?.date);
  const ends = (chronological: BalanceRow[]) => {
    const head = chronological[0];
    const tail = chronological[chronological.length - 1];
    return {
      opening:
        head.balance !== null && head.amount !== null
          ? normalizeAmount(new Decimal(head.balance).minus(head.amount).toFixed(2))
          : null,
      closing: tail.balance,
    };
  };
  const forward = ends(rows);
  const backward = ends([...rows].reverse());
  if (newestFirst) return backward;
  if (sameDay && !addsUp(forward, rows) && addsUp(backward, rows)) return backward;
  return forward;
}

function addsUp(ends: { opening: string | null; closing: string | null }, rows: BalanceRow[]): boolean {
  if (ends.opening === null || ends.closing === null) return false;
  const sum = rows.reduce((s, r) => (r.amount === null ? s : s.plus(r.amount)), new Decimal(ends.opening));
  return sum.equals(ends.closing);
}

function negate(amount: string): string {
  return normalizeAmount(new Decimal(amount).negated().toFixed(2));
}
