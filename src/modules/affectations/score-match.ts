import { fromCents, toCents } from '../../common/money/money.js';
import { daysBetween } from '../../common/dates/calendar-date.js';

/** The bank side of a pair, as scoring needs it. */
export interface MatchOperation {
  /** Signed: a debit is negative. */
  amount: string;
  /** `YYYY-MM-DD`. */
  date: string;
  label: string;
  /** What is left to justify, ≥ 0. */
  remaining: string;
}

/** The receipt side of a pair. */
export interface MatchReceipt {
  type: 'frais' | 'vente';
  amountWithVat: string;
  reference: string;
  label: string;
  /** The receipt's operation date, `YYYY-MM-DD` in the API's time zone. */
  date: string;
}

export type MatchReasonCode =
  | 'AMOUNT_EQUALS_OPERATION'
  | 'AMOUNT_EQUALS_REMAINING'
  | 'AMOUNT_CLOSE'
  | 'AMOUNT_EXCEEDS_REMAINING'
  | 'DIRECTION_MATCHES'
  | 'DIRECTION_MISMATCH'
  | 'DATE_DISTANCE'
  | 'REFERENCE_IN_LABEL'
  | 'LABEL_WORDS';

export interface MatchReason {
  code: MatchReasonCode;
  points: number;
  detail: string;
}

export interface MatchScore {
  /** 0..100. */
  score: number;
  reasons: MatchReason[];
}

/** A pair at or above this is a confident match (e.g. same TTC amount, right direction, ≤ 3 days apart). */
export const DEFAULT_AUTO_MATCH_THRESHOLD = 80;

export const POINTS = {
  amountEqualsOperation: 50,
  amountEqualsRemaining: 45,
  amountClose: 15,
  amountExceedsRemaining: -20,
  directionMatches: 15,
  directionMismatch: -40,
  referenceInLabel: 30,
  labelWord: 5,
  labelWordsMax: 15,
} as const;

/** Points by days between the operation and the receipt's operation date. */
const DATE_STEPS: { maxDays: number; points: number }[] = [
  { maxDays: 0, points: 20 },
  { maxDays: 3, points: 15 },
  { maxDays: 7, points: 10 },
  { maxDays: 15, points: 5 },
  { maxDays: 60, points: 0 },
];
const FAR_DATE_POINTS = -10;

/** Words too common in labels and bank labels to mean anything. */
const STOP_WORDS = new Set([
  'avec',
  'pour',
  'dans',
  'sans',
  'chez',
  'facture',
  'achat',
  'achats',
  'vente',
  'ventes',
  'frais',
  'paiement',
  'carte',
  'virement',
  'prelevement',
  'sepa',
  'recu',
  'emis',
  'from',
  'with',
  'invoice',
  'payment',
  'transfer',
]);

/**
 * How likely a receipt justifies a bank operation, with the reasons, each worth some points:
 * the receipt's TTC amount against the operation's amount (or what is left of it), the direction (a debit
 * is justified by `frais`, a credit by `vente`), the days between them, the receipt's reference or label
 * words found in the bank label. Pure: same inputs, same score.
 */
export function scoreMatch(operation: MatchOperation, receipt: MatchReceipt): MatchScore {
  const reasons: MatchReason[] = [];
  const add = (code: MatchReasonCode, points: number, detail: string) =>
    reasons.push({ code, points, detail });

  // In cents: this runs for every candidate of every suggestion request.
  const signed = toCents(operation.amount);
  const whole = signed < 0n ? -signed : signed;
  const remaining = toCents(operation.remaining);
  const ttc = toCents(receipt.amountWithVat);
  const diff = ttc > whole ? ttc - whole : whole - ttc;
  if (diff === 0n) {
    add(
      'AMOUNT_EQUALS_OPERATION',
      POINTS.amountEqualsOperation,
      `TTC ${fromCents(ttc)} = operation ${fromCents(whole)}`,
    );
  } else if (ttc === remaining) {
    add(
      'AMOUNT_EQUALS_REMAINING',
      POINTS.amountEqualsRemaining,
      `TTC ${fromCents(ttc)} = left to justify ${fromCents(remaining)}`,
    );
  } else if (diff * 100n <= whole) {
    add('AMOUNT_CLOSE', POINTS.amountClose, `TTC ${fromCents(ttc)} within 1 % of ${fromCents(whole)}`);
  }
  if (ttc > remaining) {
    add(
      'AMOUNT_EXCEEDS_REMAINING',
      POINTS.amountExceedsRemaining,
      `TTC ${fromCents(ttc)} is more than the ${fromCents(remaining)} left to justify`,
    );
  }

  const debit = signed < 0n;
  const expected = debit ? 'frais' : 'vente';
  if (receipt.type === expected) {
    add('DIRECTION_MATCHES', POINTS.directionMatches, `${debit ? 'debit' : 'credit'} and ${receipt.type}`);
  } else {
    add('DIRECTION_MISMATCH', POINTS.directionMismatch, `${debit ? 'debit' : 'credit'} but ${receipt.type}`);
  }

  const days = Math.abs(daysBetween(receipt.date, operation.date));
  const step = DATE_STEPS.find((s) => days <= s.maxDays);
  add('DATE_DISTANCE', step ? step.points : FAR_DATE_POINTS, `${days} day${days === 1 ? '' : 's'} apart`);

  const bankText = compact(operation.label);
  const reference = compact(receipt.reference);
  if (reference.length >= 4 && bankText.includes(reference)) {
    add('REFERENCE_IN_LABEL', POINTS.referenceInLabel, `reference ${receipt.reference} in the bank label`);
  }
  const bankWords = new Set(words(operation.label));
  const shared = [...new Set(words(receipt.label))].filter((w) => bankWords.has(w));
  if (shared.length > 0) {
    add(
      'LABEL_WORDS',
      Math.min(POINTS.labelWordsMax, shared.length * POINTS.labelWord),
      `label words in the bank label: ${shared.join(', ')}`,
    );
  }

  const total = reasons.reduce((sum, r) => sum + r.points, 0);
  return { score: Math.max(0, Math.min(100, total)), reasons };
}

function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** Letters and digits only: "FAC-2024/001" and "fac 2024 001" compare equal. */
function compact(text: string): string {
  return normalize(text).replace(/[^a-z0-9]+/g, '');
}

/** The words of a label worth comparing: 4 letters or more, not a stop word. */
export function words(text: string): string[] {
  return normalize(text)
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 4 && /[a-z]/.test(w) && !STOP_WORDS.has(w));
}

/**
 * Tokens of a bank label that may be a receipt's reference, lower case: the label's words with a digit
 * (4 to 100 characters), and their parts and prefix/suffix runs split at - . _ (so "FAC-2024-001" also
 * gives "2024-001" and "fac-2024"). Bounded, to keep the lookup small.
 */
export function referenceTokens(label: string, max = 30): string[] {
  const tokens = new Set<string>();
  for (const word of label.toLowerCase().split(/[\s/\\:;,()[\]{}"'#*+=|<>!?]+/)) {
    const token = word.replace(/^[-._]+|[-._]+$/g, '');
    const runs = [token];
    for (let k = 0; k < token.length; k++) {
      if ('-._'.includes(token[k])) runs.push(token.slice(0, k), token.slice(k + 1));
    }
    for (const run of runs) {
      if (run.length >= 4 && run.length <= 100 && /\d/.test(run)) tokens.add(run);
    }
    if (tokens.size >= max) break;
  }
  return [...tokens].slice(0, max);
}
