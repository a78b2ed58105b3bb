import { calendarDate } from '../../../common/dates/calendar-date.js';
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
  const balances: StatementBalances[] = [];
  for (const statement of statements) {
    const from = child(statement, 'BANKACCTFROM') ?? child(statement, 'CCACCTFROM');
    const currency = leaf(statement, 'CURDEF')?.toUpperCase() ?? null;
    const account = accounts.push({ iban: null, number: from ? leaf(from, 'ACCTID') : null, currency }) - 1;
    const closing = ledgerBalance(statement);
    if (closing !== null) balances.push({ account, opening: null, closing });
    const transactions = child(statement, 'BANKTRANLIST')?.children.filter((c) => c.name === 'STMTTRN') ?? [];
    for (const trn of transactions) {
      requireOnce(trn, ['DTPOSTED', 'TRNAMT', 'FITID']);
      const reject = (code: Rejection['code'], message: string) =>
        rejections.push({ line: trn.line, code, message });
      const posted = leaf(trn, 'DTPOSTED') ?? '';
      const date = ofxDate(posted);
      if (!date) {
        reject('INVALID_DATE', `DTPOSTED "${posted}" is not a date`);
        continue;
      }
      const amount = parseMachineAmount(leaf(trn, 'TRNAMT') ?? '');
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
        bankId: leaf(trn, 'FITID'),
        // CURRENCY (unlike ORIGCURRENCY) means the amounts are in that currency, not in CURDEF.
        currency: (trnCurrency ? leaf(trnCurrency, 'CURSYM')?.toUpperCase() : null) ?? currency,
        account,
      });
    }
  }
  return { lines, rejections, accounts, balances };
}

/**
 * LEDGERBAL is the booked balance at DTASOF, the end of the statement: its closing balance. OFX states
 * no opening balance (AVAILBAL is what may be spent, not a booked balance), so an OFX import reports its
 * closing balance and checks nothing.
 */
function ledgerBalance(statement: OfxNode): string | null {
  const ledger = child(statement, 'LEDGERBAL');
  if (!ledger) return null;
  const raw = leaf(ledger, 'BALAMT');
  const amount = parseMachineAmount(raw ?? '');
  if ('problem' in amount) {
    throw new StatementParseError(`<LEDGERBAL> at line ${ledger.line}: BALAMT ${amount.problem}`, {
      line: ledger.line,
    });
  }
  return amount.value;
}

/**
 * OFX requires a posting date, an amount and the bank's id in every transaction: one without them was
 * damaged or cut, and reading it anyway would store a line that a later, complete file duplicates.
 */
function requireOnce(trn: OfxNode, names: string[]): void {
  for (const name of names) {
    const found = trn.children.filter((c) => c.name === name);
    if (found.length === 0 || !found[0].value) {
      throw new StatementParseError(`<STMTTRN> at line ${trn.line} has no ${name}`, { line: trn.line });
    }
    if (found.length > 1) {
      throw new StatementParseError(`<STMTTRN> at line ${trn.line} has ${found.length} ${name}`, {
        line: trn.line,
      });
    }
  }
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
 * The aggregates of a bank or card statement response, which OFX 1.x (SGML) closes explicitly like 2.x
 * does: one left open means the file was cut short or damaged. Other elements with no text are taken as
 * empty leaves when their closing tag never comes (`<MEMO>` alone on its line, which some banks write).
 */
const AGGREGATES = new Set([
  'OFX',
  'SIGNONMSGSRSV1',
  'SONRS',
  'STATUS',
  'FI',
  'BANKMSGSRSV1',
  'CREDITCARDMSGSRSV1',
  'STMTTRNRS',
  'CCSTMTTRNRS',
  'STMTRS',
  'CCSTMTRS',
  'BANKACCTFROM',
  'CCACCTFROM',
  'BANKACCTTO',
  'CCACCTTO',
  'BANKTRANLIST',
  'STMTTRN',
  'PAYEE',
  'CURRENCY',
  'ORIGCURRENCY',
  'LEDGERBAL',
  'AVAILBAL',
  'BALLIST',
  'BAL',
]);

/**
 * The element tree of an OFX file, SGML or XML, in one pass: an element followed by text is a leaf (its
 * closing tag is optional, as in SGML), an element followed by another tag is an aggregate, and a closing
 * tag closes the nearest open aggregate of its name. Headers, processing instructions and comments are
 * skipped. The file is refused (StatementParseError) unless every aggregate it opens is closed, in order,
 * up to `</OFX>`: a file cut anywhere, even between two transactions, never reads as a shorter statement.
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
    if (text.startsWith('<!--', lt) || text.startsWith('<?', lt) || text.startsWith('<!', lt)) {
      const end = text.startsWith('<!--', lt) ? '-->' : '>';
      const past = text.indexOf(end, lt);
      if (past < 0)
        throw new StatementParseError(`the file ends inside a comment opened at line ${line}`, {
          line: line,
        });
      i = past + end.length;
      line += countNewlines(text, lt, i);
      continue;
    }
    const gt = text.indexOf('>', lt);
    if (gt < 0) throw new StatementParseError(`the file ends inside a tag at line ${line}`, { line });
    let tag = text.slice(lt + 1, gt).trim();
    const closing = tag.startsWith('/');
    const selfClosing = !closing && tag.endsWith('/');
    tag = tag.replace(/^\//, '').replace(/\/$/, '').trim();
    if (!NAME.test(tag))
      throw new StatementParseError(`invalid tag <${tag.slice(0, 40)}> at line ${line}`, { line });
    const name = tag.toUpperCase();
    const textEnd = nextTag(text, gt + 1);
    const content = text.slice(gt + 1, textEnd);
    const current = stack[stack.length - 1];
    if (current === root && root.children.length > 0 && !closing) {
      throw new StatementParseError(`<${name}> at line ${line} comes after </OFX>`, { line });
    }

    if (closing) {
      if (lastLeaf?.name === name) {
        // `</NAME>` right after the leaf `<NAME>value`: the XML form of a leaf.
      } else {
        closeAggregate(stack, name, line);
      }
      lastLeaf = null;
    } else if (selfClosing) {
      current.children.push({ name, value: '', children: [], line });
      lastLeaf = null;
    } else if (content.trim() !== '') {
      if (AGGREGATES.has(name)) {
        throw new StatementParseError(`<${name}> at line ${line} holds text instead of elements`, {
          line: line,
        });
      }
      lastLeaf = { name, value: decodeEntities(content.trim()), children: [], line };
      current.children.push(lastLeaf);
    } else {
      const node: OfxNode = { name, value: null, children: [], line };
      current.children.push(node);
      stack.push(node);
      if (stack.length > MAX_DEPTH) throw new StatementParseError('elements nested too deeply');
      lastLeaf = null;
    }
    // eslint-disable-next-line no-control-regex
    if ((closing || selfClosing) && content.replace(/[\s\u0000-\u001f]+/g, '') !== '') {
      throw new StatementParseError(`unexpected text after </${name}> at line ${line}`, { line });
    }
    line += countNewlines(text, lt, textEnd);
    i = textEnd;
  }
  if (stack.length > 1) {
    const open = [...stack].reverse().find((n) => AGGREGATES.has(n.name)) ?? stack[stack.length - 1];
    throw new StatementParseError(
      `the file ends before <${open.name}> (line ${open.line}) is closed: it was cut short or damaged`,
      { line: open.line },
    );
  }
  return root;
}

/**
 * `</NAME>`: closes the nearest open element of that name. Elements left open above it must be empty
 * SGML leaves (`<MEMO>` with no text): what they seemed to hold goes back to their parent. An aggregate
 * left open, or a closing tag with nothing to close, means a damaged file.
 */
function closeAggregate(stack: OfxNode[], name: string, line: number): void {
  const at = stack.map((n) => n.name).lastIndexOf(name);
  if (at <= 0) throw new StatementParseError(`</${name}> at line ${line} closes no open element`, { line });
  for (let k = stack.length - 1; k > at; k--) {
    const open = stack[k];
    if (AGGREGATES.has(open.name)) {
      throw new StatementParseError(
        `<${open.name}> (line ${open.line}) is not closed before </${name}> at line ${line}`,
        { line: open.line },
      );
    }
    const parent = stack[k - 1];
    parent.children.push(...open.children.splice(0));
    open.value = '';
  }
  stack.length = at;
}

/** Where the next tag starts (a `<` that opens one), or the end of the text. */
function nextTag(text: string, from: number): number {
  const lt = text.indexOf('<', from);
  return lt < 0 ? text.length : lt;
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
