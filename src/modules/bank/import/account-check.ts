import type { ParsedStatement, Rejection, StatementLine } from './statement.js';

export interface TargetAccount {
  /** Normalised IBAN, or null when the bank account has none on record. */
  iban: string | null;
  currency: string;
}

export type AccountSelection =
  | {
      kind: 'ok';
      lines: StatementLine[];
      rejections: Rejection[];
      /** Whether the file's statement of that index is the account's (lines with no account always are). */
      belongs: (account: number | null) => boolean;
    }
  | { kind: 'mismatch'; found: string[] };

/**
 * Keeps the lines that belong to the bank account being imported into. A statement names its account by
 * IBAN (CAMT) or by number (OFX ACCTID, which a French IBAN contains): when the bank account has an IBAN,
 * statements for other accounts are set aside and a file with none for it is refused; when it has none, a
 * file covering several accounts is refused, since which one is meant cannot be told. Lines in another
 * currency than the account's are rejected.
 */
export function selectForAccount(parsed: ParsedStatement, account: TargetAccount): AccountSelection {
  const ids = parsed.accounts.map((a) => a.iban ?? normalizeNumber(a.number));
  const identified = [...new Set(ids.filter((id): id is string => id !== null))];
  let belongs: (index: number) => boolean;
  if (account.iban) {
    const iban = account.iban;
    const matches = parsed.accounts.map((a, i) => {
      if (a.iban) return a.iban === iban;
      const number = normalizeNumber(a.number);
      return number === null || iban.includes(number) || ids[i] === null;
    });
    if (parsed.accounts.length > 0 && !matches.some(Boolean)) return { kind: 'mismatch', found: identified };
    belongs = (i) => matches[i];
  } else {
    if (identified.length > 1) return { kind: 'mismatch', found: identified };
    belongs = () => true;
  }

  const lines: StatementLine[] = [];
  const rejections: Rejection[] = [...parsed.rejections];
  for (const line of parsed.lines) {
    if (line.account !== null && !belongs(line.account)) {
      rejections.push({
        line: line.line,
        code: 'OTHER_ACCOUNT',
        message: `the line is for account ${ids[line.account] ?? '?'}`,
      });
    } else if (line.currency && line.currency !== account.currency) {
      rejections.push({
        line: line.line,
        code: 'OTHER_CURRENCY',
        message: `the line is in ${line.currency}, the account in ${account.currency}`,
      });
    } else {
      lines.push(line);
    }
  }
  rejections.sort((a, b) => a.line - b.line);
  return { kind: 'ok', lines, rejections, belongs: (i) => i === null || belongs(i) };
}

function normalizeNumber(number: string | null): string | null {
  const n = number?.replace(/[\s-]+/g, '').toUpperCase();
  return n ? n : null;
}
