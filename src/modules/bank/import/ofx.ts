import { calendarDate } from '../../../common/dates/calendar-date.js';
import {
  cleanLabel,
  parseMachineAmount,
  StatementParseError,
  type ParsedStatement,
  type Rejection,
  type StatementAccount,
  type StatementLine,
} from './statement.js';

/**
 * OFX bank and credit-card statements, version 1 (SGML: leaf elements are not closed) and version 2
 * (XML), → statement lines. Written here rather than taken from npm: the OFX packages found there either
 * parse with regular expressions that backtrack badly on hostile input or are no longer maintained, and
 * the grammar needed (elements, text, entities) is small.
 */
export function parseOfxStatement(text: string): ParsedStatement {
  const root = readOfxTree(text);
  const ofx = root.children.find((c) => c.name === 'OFX');
  if (!ofx) throw new StatementParseError('no <OFX> element');
  const statements = findAll(ofx, new Set(['STMTRS', 'CCSTMTRS']));
  if (statements.length === 0) {
    throw new StatementParseError('no bank or credit card statement (STMTRS, CCSTMTRS) in the file');
  }

  const lines: StatementLine[] = [];
  const rejections: Rejection[] = [];
  const accounts: StatementAccount[] = [];
  for (const statement of statements) {
    const from = child(statement, 'BANKACCTFROM') ?? child(statement, 'CCACCTFROM');
    const currency = leaf(statement, 'CURDEF')?.toUpperCase() ?? null;
    const account = accounts.push({ iban: null, number: from ? leaf(from, 'ACCTID') : null, currency }) - 1;
    const transactions = child(statement, 'BANKTRANLIST')?.children.filter((c) => c.name === 'STMTTRN') ?? [];
    for (const trn of transactions) {
      const reject = (code: Rejection['code'], message: string) =>
        rejections.push({ line: trn.line, code, message });
      const posted = leaf(trn, 'DTPOSTED') ?? '';
      const date = ofxDate(posted);
      if (!date) {
        reject('INVALID_DATE', `DTPOSTED "${posted}" is not a date`);
        continue;
      }
      const rawAmount = leaf(trn, 'TRNAMT');
      if (rawAmount === null || rawAmount === '') {
        reject('MISSING_AMOUNT', 'no TRNAMT');
        continue;
      }
      const amount = parseMachineAmount(rawAmount);
      if ('problem' in amount) {
        reject('INVALID_AMOUNT', `TRNAMT ${amount.problem}`);
        continue;
      }
      if (amount.value === '0.00') {
        reject('ZERO_AMOUNT', 'the amount is zero');
        continue;
      }
      const payee = child(trn, 'PAYEE');
      const trnCurrency = child(trn, 'CURRENCY');
      lines.push({
        line: trn.line,
        date,
        valueDate: ofxDate(leaf(trn, 'DTAVAIL') ?? ''),
        label: cleanLabel([
          leaf(trn, 'NAME') ?? (payee ? leaf(payee, 'NAME') : null),
          leaf(trn, 'MEMO'),
          leaf(trn, 'CHECKNUM') ? `CHQ ${leaf(trn, 'CHECKNUM')}` : null,
        ]),
        amount: amount.value,
        bankId: leaf(trn, 'FITID') || null,
        // CURRENCY (unlike ORIGCURRENCY) means the amounts are in that currency, not in CURDEF.
        currency: (trnCurrency ? leaf(trnCurrency, 'CURSYM')?.toUpperCase() : null) ?? currency,
        account,
      });
    }
  }
  return { lines, rejections, accounts };
}

/** `20240105`, `20240105120000`, `20240105120000.000[-5:EST]` → the day as written. */
function ofxDate(value: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(value.trim());
  return m ? calendarDate(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

export interface OfxNode {
  name: string;
  /** Text of a leaf element; null for an aggregate. */
  value: string | null;
  children: OfxNode[];
  /** Line of the file where the element opens. */
  line: number;
}

const MAX_DEPTH = 64;
const NAME = /^[A-Za-z][A-Za-z0-9_.]*$/;

/**
 * The element tree of an OFX file, SGML or XML, in one pass: an element followed by text is a leaf (its
 * closing tag is optional, as in SGML), an element followed by another tag is an aggregate, and a closing
 * tag closes the nearest open aggregate of its name. Headers, processing instructions and comments are
 * skipped.
 */
export function readOfxTree(text: string): OfxNode {
  const root: OfxNode = { name: '#root', value: null, children: [], line: 1 };
  const start = text.search(/<OFX>/i);
  if (start < 0) throw new StatementParseError('no <OFX> element');
  const stack: OfxNode[] = [root];
  let line = 1 + countNewlines(text, 0, start);
  let i = start;
  let lastLeaf: OfxNode | null = null;

  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    line += countNewlines(text, i, lt);
    if (text.startsWith('<!--', lt)) {
      i = skipPast(text, lt, '-->');
      line += countNewlines(text, lt, i);
      continue;
    }
    if (text.startsWith('<?', lt) || text.startsWith('<!', lt)) {
      i = skipPast(text, lt, '>');
      line += countNewlines(text, lt, i);
      continue;
    }
    const gt = text.indexOf('>', lt);
    if (gt < 0) throw new StatementParseError(`unterminated tag at line ${line}`);
    let tag = text.slice(lt + 1, gt).trim();
    const closing = tag.startsWith('/');
    const selfClosing = !closing && tag.endsWith('/');
    tag = tag.replace(/^\//, '').replace(/\/$/, '').trim();
    if (!NAME.test(tag)) throw new StatementParseError(`invalid tag <${tag.slice(0, 40)}> at line ${line}`);
    const name = tag.toUpperCase();
    const textEnd = nextTag(text, gt + 1);
    const content = text.slice(gt + 1, textEnd);
    const current = stack[stack.length - 1];

    if (closing) {
      if (lastLeaf?.name === name) {
        // `</NAME>` right after the leaf `<NAME>value`: the XML form of a leaf.
      } else {
        const at = stack.map((n) => n.name).lastIndexOf(name);
        if (at > 0) stack.length = at;
      }
      lastLeaf = null;
    } else if (selfClosing) {
      current.children.push({ name, value: '', children: [], line });
      lastLeaf = null;
    } else if (content.trim() !== '') {
      lastLeaf = { name, value: decodeEntities(content.trim()), children: [], line };
      current.children.push(lastLeaf);
    } else {
      const node: OfxNode = { name, value: null, children: [], line };
      current.children.push(node);
      stack.push(node);
      if (stack.length > MAX_DEPTH) throw new StatementParseError('elements nested too deeply');
      lastLeaf = null;
    }
    line += countNewlines(text, lt, textEnd);
    i = textEnd;
  }
  return root;
}

/** Where the next tag starts (a `<` that opens one), or the end of the text. */
function nextTag(text: string, from: number): number {
  const lt = text.indexOf('<', from);
  return lt < 0 ? text.length : lt;
}

function skipPast(text: string, from: number, end: string): number {
  const at = text.indexOf(end, from);
  return at < 0 ? text.length : at + end.length;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (whole, entity: string) => {
    if (entity.startsWith('#')) {
      const code =
        entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : Number(entity.slice(1));
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
        ? String.fromCodePoint(code)
        : whole;
    }
    return NAMED_ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

function child(node: OfxNode, name: string): OfxNode | undefined {
  return node.children.find((c) => c.name === name);
}

/** The text of a leaf child; '' for an empty element; null when absent. */
function leaf(node: OfxNode, name: string): string | null {
  const found = child(node, name);
  return found ? (found.value ?? '') : null;
}

function findAll(node: OfxNode, names: Set<string>): OfxNode[] {
  const found: OfxNode[] = [];
  const visit = (n: OfxNode) => {
    if (names.has(n.name)) found.push(n);
    else n.children.forEach(visit);
  };
  visit(node);
  return found;
}
