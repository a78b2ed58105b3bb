import { Decimal } from 'decimal.js';
import { parseSignedAmount } from '../../../common/money/money.js';

export const STATEMENT_FORMATS = ['csv', 'ofx', 'camt053'] as const;
export type StatementFormat = (typeof STATEMENT_FORMATS)[number];

/** One bank line read from a statement file, before it is checked against the account and stored. */
export interface StatementLine {
  /** Line of the file where the entry starts (1-based), to point a person at it. */
  line: number;
  /** Booking date, `YYYY-MM-DD`. */
  date: string;
  valueDate: string | null;
  label: string;
  /** Signed, exactly 2 decimals: a debit is negative. */
  amount: string;
  /** The bank's own id of the line (OFX FITID, CAMT AcctSvcrRef/NtryRef), when the file has one. */
  bankId: string | null;
  /** ISO 4217, when the file says; null: the account's currency. */
  currency: string | null;
  /** Index in `accounts` of the account the line belongs to; null when the file names none. */
  account: number | null;
}

/** A statement account as the file names it, to check it against the bank account it is imported into. */
export interface StatementAccount {
  iban: string | null;
  /** Any other account number (OFX ACCTID, CAMT Othr/Id). */
  number: string | null;
  currency: string | null;
}

export type RejectionCode =
  | 'INVALID_DATE'
  | 'INVALID_AMOUNT'
  | 'MISSING_AMOUNT'
  | 'ZERO_AMOUNT'
  | 'DEBIT_AND_CREDIT'
  | 'FIELD_COUNT'
  | 'NOT_BOOKED'
  | 'OTHER_CURRENCY'
  | 'OTHER_ACCOUNT';

/** Something about the file as a whole that the import answer points out (it is still imported). */
export type ImportWarningCode = 'NO_OPERATION' | 'BALANCE_MISMATCH';

export interface Rejection {
  line: number;
  code: RejectionCode;
  message: string;
}

/**
 * The booked balances a statement states, signed (a debit balance is negative), 2 decimals. Opening: the
 * balance before its first line; closing: after its last. Either may be unknown (OFX states no opening).
 */
export interface StatementBalances {
  /** Index in `accounts` of the statement they belong to; null for a file of one unnamed account (CSV). */
  account: number | null;
  opening: string | null;
  closing: string | null;
}

export interface ParsedStatement {
  lines: StatementLine[];
  rejections: Rejection[];
  accounts: StatementAccount[];
  /** Per statement of the file that states a balance; absent or empty when none does. */
  balances?: StatementBalances[];
}

/** The file as a whole cannot be read (not the format it claims, no header, malformed XML...). */
export class StatementParseError extends Error {
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'StatementParseError';
  }
}

export const LABEL_MAX = 500;

/** Whitespace runs (and control characters) become one space; cut to what the column holds. */
export function cleanLabel(parts: (string | null | undefined)[]): string {
  const kept: string[] = [];
  for (const part of parts) {
    // eslint-disable-next-line no-control-regex
    const text = (part ?? '').replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
    if (text && !kept.some((k) => k.toLowerCase().includes(text.toLowerCase()))) kept.push(text);
  }
  return [...kept.join(' ')].slice(0, LABEL_MAX).join('');
}

/**
 * A machine-written amount (OFX TRNAMT, CAMT Amt): a point or a lone comma as decimal separator, zeros
 * past the second decimal tolerated ("12.500"). Returns the signed amount with 2 decimals.
 */
export function parseMachineAmount(text: string): { value: string } | { problem: string } {
  let t = text.trim();
  if (!t.includes('.') && /^[+-]?\d+,\d+$/.test(t)) t = t.replace(',', '.');
  if (!/^[+-]?\d+(\.\d+)?$/.test(t) && !/^[+-]?\.\d+$/.test(t))
    return { problem: `"${text}" is not a number` };
  const d = new Decimal(t);
  if (!d.equals(d.toDecimalPlaces(2))) return { problem: `"${text}" has more than 2 decimals` };
  const parsed = parseSignedAmount(d.toFixed(2));
  return 'value' in parsed ? parsed : { problem: `"${text}" is too large` };
}
