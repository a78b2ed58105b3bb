import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { isCalendarDate } from '../../../common/dates/calendar-date.js';
import {
  cleanLabel,
  parseMachineAmount,
  StatementParseError,
  type ParsedStatement,
  type Rejection,
  type StatementAccount,
  type StatementBalances,
  type StatementLine,
} from './statement.js';

/** Elements that may repeat, read as arrays even when there is one. */
const REPEATED = new Set(['Stmt', 'Bal', 'Ntry', 'NtryDtls', 'TxDtls', 'Ustrd']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  captureMetaData: true,
  isArray: (name) => REPEATED.has(name),
  // A statement declares no entities; these bounds keep a hostile DOCTYPE from expanding without end.
  processEntities: { enabled: true, maxEntityCount: 20, maxEntitySize: 1000, maxExpandedLength: 100_000 },
  maxNestedTags: 64,
});
// Typed as the `Symbol` wrapper object by the package; it is a primitive symbol.
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

type XmlNode = Record<string, unknown>;

/**
 * An ISO 20022 bank-to-customer statement (camt.053, any version: the namespace prefix and version do
 * not matter) → statement lines. Only booked entries are bank lines; pending or informational ones are
 * rejected with why. An entry's label joins its additional information, counterparty and remittance text.
 */
export function parseCamt053Statement(text: string): ParsedStatement {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw notWellFormed(text, valid.err);
  let document: XmlNode;
  try {
    document = parser.parse(text) as XmlNode;
  } catch {
    throw new StatementParseError('the XML cannot be read: it is damaged or declares too many entities');
  }
  const root = node(document.Document);
  const statementRoot = node(root?.BkToCstmrStmt);
  if (!statementRoot) {
    const kind = root ? Object.keys(root).find((k) => !k.startsWith('@_')) : undefined;
    throw new StatementParseError(
      `not a camt.053 bank-to-customer statement${kind ? ` (found ${kind})` : ''}; camt.052 and camt.054 are not imported`,
    );
  }
  const lineOf = lineLocator(text);
  const lines: StatementLine[] = [];
  const rejections: Rejection[] = [];
  const accounts: StatementAccount[] = [];
  const balances: StatementBalances[] = [];

  for (const statement of nodes(statementRoot.Stmt)) {
    const acct = node(statement.Acct);
    const id = node(acct?.Id);
    const account =
      accounts.push({
        iban: textOf(id?.IBAN)?.replace(/\s+/g, '').toUpperCase() ?? null,
        number: textOf(node(id?.Othr)?.Id) ?? null,
        currency: textOf(acct?.Ccy)?.toUpperCase() ?? null,
      }) - 1;
    const stated = statedBalances(statement, lineOf);
    if (stated.opening !== null || stated.closing !== null) balances.push({ account, ...stated });
    for (const entry of nodes(statement.Ntry)) {
      const line = lineOf(entry);
      const reject = (code: Rejection['code'], message: string) => rejections.push({ line, code, message });
      const status = textOf(entry.Sts) ?? textOf(node(entry.Sts)?.Cd) ?? '';
      if (status !== 'BOOK') {
        reject('NOT_BOOKED', `entry status ${status || '(none)'} is not BOOK`);
        continue;
      }
      const date = dayOf(entry.BookgDt);
      if (!date) {
        reject('INVALID_DATE', 'no valid booking date (BookgDt)');
        continue;
      }
      const amount = signedAmount(entry);
      if ('code' in amount) {
        reject(amount.code, amount.message);
        continue;
      }
      const details = nodes(entry.NtryDtls).flatMap((d) => nodes(d.TxDtls));
      lines.push({
        line,
        date,
        valueDate: dayOf(entry.ValDt),
        label: cleanLabel([
          textOf(entry.AddtlNtryInf),
          ...details.flatMap((tx) => [
            counterparty(tx, amount.value.startsWith('-') ? 'Cdtr' : 'Dbtr'),
            ...texts(node(tx.RmtInf)?.Ustrd),
            ...(node(tx.RmtInf)?.Ustrd ? [] : [textOf(tx.AddtlTxInf)]),
          ]),
        ]),
        amount: amount.value,
        bankId:
          textOf(entry.AcctSvcrRef) ??
          textOf(entry.NtryRef) ??
          (details.length === 1 ? textOf(node(details[0].Refs)?.AcctSvcrRef) : undefined) ??
          null,
        currency: attributeOf(entry.Amt, 'Ccy')?.toUpperCase() ?? accounts[account].currency,
        account,
      });
    }
  }
  return { lines, rejections, accounts, balances };
}

/**
 * The statement's booked balances: OPBD (opening booked) or, when absent, PRCD (the previous statement's
 * closing), and CLBD (closing booked). Interim and available balances (ITBD, CLAV...) are not checked.
 */
function statedBalances(
  statement: XmlNode,
  lineOf: (element: XmlNode) => number,
): { opening: string | null; closing: string | null } {
  const byType = new Map<string, string>();
  for (const bal of nodes(statement.Bal)) {
    const type = textOf(node(node(bal.Tp)?.CdOrPrtry)?.Cd);
    if (!type || byType.has(type)) continue;
    const amount = signedAmount(bal);
    if ('code' in amount && amount.code !== 'ZERO_AMOUNT') {
      throw new StatementParseError(`the ${type} balance at line ${lineOf(bal)}: ${amount.message}`);
    }
    byType.set(type, 'code' in amount ? '0.00' : amount.value);
  }
  return { opening: byType.get('OPBD') ?? byType.get('PRCD') ?? null, closing: byType.get('CLBD') ?? null };
}

/**
 * The validator's own messages quote its stack of open elements and the tags it choked on; a person
 * needs to know the file is damaged and where, so only the line (and column) is kept. Elements still
 * open at the end mean the file was cut: the validator then points at line 1, so the end is named instead.
 */
function notWellFormed(text: string, err: { code: string; msg: string; line: number; col: number }) {
  const unclosed = /^Invalid '\[/.test(err.msg) || /^Unclosed tag/.test(err.msg);
  if (unclosed) {
    const lastLine = text.trimEnd().split('\n').length;
    return new StatementParseError(
      `the file ends at line ${lastLine} before its elements are closed: it was cut short or damaged`,
      { line: lastLine },
    );
  }
  return new StatementParseError(
    `not well-formed XML at line ${err.line}, column ${err.col}: the file is damaged or cut short`,
    { line: err.line, column: err.col },
  );
}

function signedAmount(entry: XmlNode): { value: string } | { code: Rejection['code']; message: string } {
  const raw = textOf(entry.Amt);
  if (!raw) return { code: 'MISSING_AMOUNT', message: 'no Amt' };
  if (!/^\d+(\.\d+)?$/.test(raw)) return { code: 'INVALID_AMOUNT', message: `Amt "${raw}" is not an amount` };
  const parsed = parseMachineAmount(raw);
  if ('problem' in parsed) return { code: 'INVALID_AMOUNT', message: `Amt ${parsed.problem}` };
  if (parsed.value === '0.00') return { code: 'ZERO_AMOUNT', message: 'the amount is zero' };
  const indicator = textOf(entry.CdtDbtInd);
  if (indicator === 'DBIT') return { value: `-${parsed.value}` };
  if (indicator === 'CRDT') return parsed;
  return { code: 'INVALID_AMOUNT', message: `CdtDbtInd "${indicator ?? ''}" is neither CRDT nor DBIT` };
}

/** The name of the other party: the creditor of a debit, the debtor of a credit (both schema versions). */
function counterparty(tx: XmlNode, role: 'Cdtr' | 'Dbtr'): string | undefined {
  const party = node(node(tx.RltdPties)?.[role]);
  return textOf(party?.Nm) ?? textOf(node(party?.Pty)?.Nm);
}

/** `<Dt>2024-01-05</Dt>` or `<DtTm>2024-01-05T10:00:00+01:00</DtTm>` → the day as written. */
function dayOf(value: unknown): string | null {
  const n = node(value);
  const text = textOf(n?.Dt) ?? textOf(n?.DtTm)?.slice(0, 10);
  return text && isCalendarDate(text) ? text : null;
}

function node(value: unknown): XmlNode | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as XmlNode)
    : undefined;
}

function nodes(value: unknown): XmlNode[] {
  return Array.isArray(value) ? value.map(node).filter((n): n is XmlNode => n !== undefined) : [];
}

function texts(value: unknown): (string | undefined)[] {
  return Array.isArray(value) ? value.map(textOf) : [textOf(value)];
}

/** The text of an element, with or without attributes; undefined when absent or empty. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (Array.isArray(value)) return textOf(value[0]);
  const n = node(value);
  return n && typeof n['#text'] === 'string' ? n['#text'].trim() || undefined : undefined;
}

function attributeOf(value: unknown, name: string): string | undefined {
  const attr = node(value)?.[`@_${name}`];
  return typeof attr === 'string' ? attr : undefined;
}

/** The line (1-based) where a parsed element starts, from the parser's start offsets. */
function lineLocator(text: string): (element: XmlNode) => number {
  const starts: number[] = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (element) => {
    const meta = (element as Record<symbol, { startIndex?: number } | undefined>)[META];
    const offset = meta?.startIndex ?? 0;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
