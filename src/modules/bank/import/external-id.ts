import { createHash } from 'node:crypto';
import type { StatementFormat, StatementLine } from './statement.js';

/**
 * The key that makes a re-imported line known: the bank's own id when the file has one (OFX FITID, CAMT
 * AcctSvcrRef or NtryRef), else a hash of (account, date, amount, normalised label, occurrence) where the
 * occurrence counts identical lines earlier in the same file, so that two real identical payments on one
 * day stay two lines, and importing the same file again finds both.
 */
export function externalIds(accountId: string, format: StatementFormat, lines: StatementLine[]): string[] {
  const seen = new Map<string, number>();
  return lines.map((line) => {
    if (line.bankId) return `${format}:${line.bankId}`.slice(0, 300);
    const key = [accountId, line.date, line.amount, normalizeForKey(line.label)].join('\u001f');
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    return `${format}:sha256:${createHash('sha256').update(`${key}\u001f${occurrence}`).digest('hex')}`;
  });
}

/** Case, accents, punctuation and spacing differ between exports of the same line: they do not count. */
export function normalizeForKey(label: string): string {
  return label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim();
}
