import { parse } from 'csv-parse/sync';
import { csvBalances, isBalanceLabel, readBalanceRow, type BalanceRow } from './csv-balances.js';
import { rowChecker, type Row } from './csv-rows.js';
import {
  detectDateOrder,
  detectDecimalSeparator,
  parseCsvAmount,
  parseCsvDate,
  type DateOrder,
  type DecimalSeparator,
} from './csv-values.js';
import {
  cleanLabel,
  StatementParseError,
  type ParsedStatement,
  type Rejection,
  type StatementLine,
} from './statement.js';

export const CSV_DELIMITERS = [';', ',', '\t', '|'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

export const CSV_ROLES = ['date', 'valueDate', 'label', 'amount', 'debit', 'credit', 'balance'] as const;
export type CsvRole = (typeof CSV_ROLES)[number];

export interface CsvOptions {
  delimiter?: CsvDelimiter;
  decimalSeparator?: DecimalSeparator;
  dateFormat?: DateOrder;
  /** A header name (compared without case or accents) or a 1-based column number, per role. */
  columns?: Partial<Record<CsvRole, string>>;
}

/** How far down a header row is looked for: banks put a few lines about the account above it. */
const HEADER_SEARCH_ROWS = 30;
const MAX_RECORD_BYTES = 64 * 1024;
const LOOKS_LIKE_DATE = /\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}/;

/**
 * A bank's CSV export → statement lines. The delimiter, the header row (below any preamble), the columns
 * (French and English names), the date order and the decimal separator are detected unless given.
 * A line that cannot be read is rejected with its line number and why; the rest is kept.
 */
export function parseCsvStatement(text: string, options: CsvOptions = {}): ParsedStatement {
  const delimiter = options.delimiter ?? detectDelimiter(text);
  const rows = readRecords(text, delimiter);
  const { columns, firstDataRow } = locateColumns(rows, options.columns ?? {});

  const data = rows.slice(firstDataRow).filter((r) => r.cells.some((c) => c !== ''));
  const cell = (row: Row, index: number | undefined) =>
    index === undefined ? '' : (row.cells[index] ?? '').trim();
  const dateOrder = options.dateFormat ?? detectDateOrder(data.map((r) => cell(r, columns.date)));
  const amountCells = data.flatMap((r) => [
    cell(r, columns.amount),
    cell(r, columns.debit),
    cell(r, columns.credit),
  ]);
  const decimal =
    options.decimalSeparator ??
    detectDecimalSeparator([...amountCells, ...data.map((r) => cell(r, columns.balance))], delimiter);
  const balanceRow = (cells: string[], preamble: boolean) =>
    readBalanceRow(cells, {
      decimal,
      dateOrder,
      debitColumn: columns.debit,
      normalize: normalizeHeader,
      preamble,
    });
  const stated = rows
    .slice(0, Math.max(0, firstDataRow - 1))
    .map((r) => balanceRow(r.cells, true))
    .filter((b) => b !== null);
  const balanceRows: BalanceRow[] = [];
  const untrusted = rowChecker({
    text,
    header: firstDataRow > 0 ? rows[firstDataRow - 1].cells : null,
    data,
    delimiter,
    decimal,
    amountColumns: [columns.amount, columns.debit, columns.credit].filter((c) => c !== undefined),
    balanceColumn: columns.balance,
    amounts: amountCells.filter((c) => c !== ''),
  });

  const lines: StatementLine[] = [];
  const rejections: Rejection[] = [];
  for (const row of data) {
    const reject = (code: Rejection['code'], message: string) =>
      rejections.push({ line: row.line, code, message });
    const date = parseCsvDate(cell(row, columns.date), dateOrder);
    // A balance row has no date of its own, or names the balance where the date goes; a line with a bad
    // date whose label happens to start with "Balance" stays a rejected line.
    const rawDate = cell(row, columns.date);
    const mayStateBalance = date === null && (rawDate === '' || isBalanceLabel(rawDate, normalizeHeader));
    const statedHere = mayStateBalance ? balanceRow(row.cells, false) : null;
    if (statedHere) {
      stated.push(statedHere);
      continue;
    }
    const problem = untrusted(row);
    if (problem) {
      // Its cells may be shifted or cut: not even its date can be trusted for the balances.
      balanceRows.push({ date: problem.code === 'FIELD_COUNT' ? null : date, amount: null, balance: null });
      reject(problem.code, problem.message);
      continue;
    }
    const rawBalance = cell(row, columns.balance);
    const balance = rawBalance === '' ? null : parseCsvAmount(rawBalance, decimal);
    const balanceRowOf = (amount: string | null) => ({
      date,
      amount,
      balance: balance && 'value' in balance ? balance.value : null,
    });
    if (!date) {
      balanceRows.push(balanceRowOf(null));
      reject('INVALID_DATE', `"${cell(row, columns.date)}" is not a ${dateOrder} date`);
      continue;
    }
    const amount = readAmount(
      cell(row, columns.amount),
      cell(row, columns.debit),
      cell(row, columns.credit),
      {
        decimal,
        split: columns.amount === undefined,
      },
    );
    balanceRows.push(balanceRowOf('code' in amount ? null : amount.value));
    if ('code' in amount) {
      reject(amount.code, amount.message);
      continue;
    }
    lines.push({
      line: row.line,
      date,
      valueDate: parseCsvDate(cell(row, columns.valueDate), dateOrder),
      label: cleanLabel(columns.label.map((i) => cell(row, i))),
      amount: amount.value,
      bankId: null,
      currency: null,
      account: null,
    });
  }
  const { opening, closing } = csvBalances(balanceRows, stated);
  const balances = opening !== null || closing !== null ? [{ account: null, opening, closing }] : [];
  return { lines, rejections, accounts: [], balances };
}

function readRecords(text: string, delimiter: string): Row[] {
  try {
    const records = parse(text, {
      delimiter,
      bom: true,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      trim: true,
      max_record_size: MAX_RECORD_BYTES,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    return records.map(({ record, info }) => ({
      cells: record,
      line: info.lines - (record.join('').match(/\n/g)?.length ?? 0),
    }));
  } catch (e) {
    // csv-parse's messages name its options ("relax_quotes", "max_record_size"); keep the line and gist.
    const error = e as Error & { code?: string; lines?: number };
    const at = error.lines ? ` at line ${error.lines}` : '';
    const why =
      error.code === 'CSV_MAX_RECORD_SIZE'
        ? `a record${at} is longer than ${MAX_RECORD_BYTES} bytes`
        : error.code === 'CSV_QUOTE_NOT_CLOSED'
          ? `a quote opened${at} is never closed`
          : `malformed CSV${at}`;
    throw new StatementParseError(
      `${why}: the file is damaged or cut short`,
      error.lines ? { line: error.lines } : undefined,
    );
  }
}

/**
 * The delimiter that splits the first lines most consistently into more than one column, counting only
 * outside quotes (an English amount "1,234.56" is quoted in a comma-separated file).
 */
export function detectDelimiter(text: string): CsvDelimiter {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(0, 40);
  let best: { delimiter: CsvDelimiter; lines: number; columns: number } | null = null;
  for (const delimiter of CSV_DELIMITERS) {
    const counts = new Map<number, number>();
    for (const line of lines) {
      const n = countOutsideQuotes(line, delimiter);
      if (n > 0) counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    for (const [columns, count] of counts) {
      if (!best || count > best.lines || (count === best.lines && columns > best.columns)) {
        best = { delimiter, lines: count, columns };
      }
    }
  }
  if (!best) throw new StatementParseError('no column delimiter (; , tab or |) found in the first lines');
  return best.delimiter;
}

function countOutsideQuotes(line: string, delimiter: string): number {
  let quoted = false;
  let n = 0;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) n++;
  }
  return n;
}

interface Columns {
  date: number;
  valueDate?: number;
  /** The label, then any detail columns appended to it. */
  label: number[];
  amount?: number;
  debit?: number;
  credit?: number;
  /** A running balance, to check the lines against. */
  balance?: number;
}

/** Header names, compared without case, accents or punctuation. */
export function normalizeHeader(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\((?:eur|euros?|€|usd|gbp)\)|\b(?:eur|euros?)\b|€/g, ' ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Which role a header name plays, in French or English; null for columns of no use (category...). */
export function roleOfHeader(name: string): CsvRole | 'detail' | null {
  const n = normalizeHeader(name);
  const starts = (...prefixes: string[]) => prefixes.some((p) => n === p || n.startsWith(`${p} `));
  if (starts('date de valeur', 'date valeur', 'value date', 'valeur', 'dateval')) return 'valueDate';
  if (
    starts(
      'date',
      'dateop',
      'booking date',
      'transaction date',
      'posting date',
      'posted date',
      'trans date',
      'completed date',
    )
  ) {
    return 'date';
  }
  if (starts('debit', 'debits', 'withdrawal', 'withdrawals', 'paid out', 'money out', 'sortie', 'sorties'))
    return 'debit';
  if (starts('credit', 'credits', 'deposit', 'deposits', 'paid in', 'money in', 'entree', 'entrees'))
    return 'credit';
  if (starts('montant', 'amount', 'somme', 'transaction amount')) return 'amount';
  if (starts('solde', 'balance', 'running balance', 'nouveau solde')) return 'balance';
  if (
    starts(
      'libelle',
      'label',
      'description',
      'intitule',
      'nature de l operation',
      'operation',
      'narrative',
      'payee',
      'transaction',
    )
  ) {
    return 'label';
  }
  if (starts('detail', 'details', 'memo', 'informations complementaires', 'reference', 'communication'))
    return 'detail';
  return null;
}

/**
 * Finds the header row (the first of the top rows naming a date and an amount, or the columns the
 * client named) and maps each role to a column. Columns given by number need no header row.
 */
function locateColumns(
  rows: Row[],
  given: Partial<Record<CsvRole, string>>,
): { columns: Columns; firstDataRow: number } {
  const byNumber = Object.values(given).some((v) => /^\d+$/.test(v.trim()));
  for (const [index, row] of rows.slice(0, HEADER_SEARCH_ROWS).entries()) {
    const columns = columnsFromHeader(row.cells, given);
    if (columns) return { columns, firstDataRow: index + 1 };
  }
  if (byNumber) {
    const columns = columnsFromNumbers(given);
    if (columns) return { columns, firstDataRow: 0 };
  }
  const found = rows.slice(0, 5).map((r) => r.cells.slice(0, 12));
  throw new StatementParseError(
    'no header row naming a date and an amount (or debit and credit) column was found; ' +
      'name them with dateColumn, labelColumn and amountColumn (or debitColumn and creditColumn)',
    { firstRows: found },
  );
}

function columnsFromHeader(cells: string[], given: Partial<Record<CsvRole, string>>): Columns | null {
  const roles: Partial<Record<CsvRole, number>> = {};
  const details: number[] = [];
  const taken = new Set<number>();
  // A header row names at least one column; a data row (even one that fits numbered columns) names none.
  let named = 0;
  // The client's names first, then detection for the roles it left out.
  for (const role of Object.keys(given) as CsvRole[]) {
    const spec = given[role]!.trim();
    const byNumber = /^\d+$/.test(spec);
    const index = byNumber
      ? Number(spec) - 1
      : cells.findIndex((c) => normalizeHeader(c) === normalizeHeader(spec));
    if (index < 0 || index >= cells.length) return null;
    if (!byNumber) named++;
    roles[role] = index;
    taken.add(index);
  }
  cells.forEach((c, index) => {
    if (taken.has(index)) return;
    const role = roleOfHeader(c);
    if (role === 'detail') details.push(index);
    else if (role && roles[role] === undefined) {
      roles[role] = index;
      taken.add(index);
      named++;
    }
  });
  if (named === 0 || (roles.date !== undefined && LOOKS_LIKE_DATE.test(cells[roles.date]))) return null;
  const hasAmount =
    given.amount !== undefined ||
    (given.debit === undefined && given.credit === undefined && roles.amount !== undefined);
  const hasSplit = roles.debit !== undefined && roles.credit !== undefined;
  if (roles.date === undefined || (!hasAmount && !hasSplit)) return null;
  return {
    date: roles.date,
    valueDate: roles.valueDate,
    label: [...(roles.label === undefined ? [] : [roles.label]), ...details],
    balance: roles.balance,
    ...(hasAmount ? { amount: roles.amount } : { debit: roles.debit, credit: roles.credit }),
  };
}

function columnsFromNumbers(given: Partial<Record<CsvRole, string>>): Columns | null {
  const index = (role: CsvRole) => {
    const spec = given[role]?.trim();
    return spec && /^\d+$/.test(spec) && Number(spec) >= 1 ? Number(spec) - 1 : undefined;
  };
  const date = index('date');
  const amount = index('amount');
  const debit = index('debit');
  const credit = index('credit');
  if (date === undefined || (amount === undefined && (debit === undefined || credit === undefined)))
    return null;
  const label = index('label');
  return {
    date,
    valueDate: index('valueDate'),
    label: label === undefined ? [] : [label],
    balance: index('balance'),
    ...(amount !== undefined ? { amount } : { debit, credit }),
  };
}

function readAmount(
  amountCell: string,
  debitCell: string,
  creditCell: string,
  how: { decimal: DecimalSeparator; split: boolean },
): { value: string } | { code: Rejection['code']; message: string } {
  if (!how.split) {
    if (amountCell === '') return { code: 'MISSING_AMOUNT', message: 'the amount is empty' };
    const parsed = parseCsvAmount(amountCell, how.decimal);
    if ('problem' in parsed) return { code: 'INVALID_AMOUNT', message: parsed.problem };
    if (parsed.value === '0.00') return { code: 'ZERO_AMOUNT', message: 'the amount is zero' };
    return parsed;
  }
  const debit = debitCell === '' ? null : parseCsvAmount(debitCell, how.decimal);
  const credit = creditCell === '' ? null : parseCsvAmount(creditCell, how.decimal);
  if (debit && 'problem' in debit) return { code: 'INVALID_AMOUNT', message: `debit: ${debit.problem}` };
  if (credit && 'problem' in credit) return { code: 'INVALID_AMOUNT', message: `credit: ${credit.problem}` };
  const d = debit && debit.value !== '0.00' ? debit.value.replace(/^-/, '') : null;
  const c = credit && credit.value !== '0.00' ? credit.value.replace(/^-/, '') : null;
  if (d && c) return { code: 'DEBIT_AND_CREDIT', message: 'both the debit and the credit are filled in' };
  if (d) return { value: `-${d}` };
  if (c) return { value: c };
  if (debit || credit) return { code: 'ZERO_AMOUNT', message: 'the amount is zero' };
  return { code: 'MISSING_AMOUNT', message: 'neither a debit nor a credit' };
}
