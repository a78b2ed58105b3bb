import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeStatement } from './detect.js';
import { parseOfxStatement, readOfxTree } from './ofx.js';
import { StatementParseError } from './statement.js';

const fixture = (name: string) =>
  decodeStatement(readFileSync(join(import.meta.dirname, '../../../../test/fixtures/statements', name)))!;

describe('parseOfxStatement', () => {
  it('reads an OFX 1.x SGML statement (unclosed leaf elements, CRLF, header block)', () => {
    const { lines, rejections, accounts } = parseOfxStatement(fixture('bank-v1.ofx'));
    expect(rejections).toEqual([]);
    expect(accounts).toEqual([{ iban: null, number: '00012345678', currency: 'EUR' }]);
    expect(lines).toEqual([
      {
        line: 40,
        date: '2024-03-04',
        valueDate: null,
        label: 'CB TOTALENERGIES 02/03 CARTE 4974XXXXXXXX1234',
        amount: '-64.90',
        bankId: '4B4E1A2C0001',
        currency: 'EUR',
        account: 0,
      },
      expect.objectContaining({
        date: '2024-03-05',
        amount: '2400.00',
        label: 'VIR SEPA SAS BERNARD REGLEMENT FACTURE F-2024-017',
      }),
      expect.objectContaining({ date: '2024-03-11', amount: '-1500.00', bankId: '4B4E1A2C0003' }),
      expect.objectContaining({ amount: '-320.00', label: 'CHEQUE CHQ 1234567' }),
    ]);
  });

  it('reads an OFX 2.x XML statement (closed elements, entities, dates with a time zone)', () => {
    const { lines, accounts } = parseOfxStatement(fixture('bank-v2.ofx'));
    expect(accounts).toEqual([{ iban: null, number: '00012345678', currency: 'EUR' }]);
    expect(lines.map((l) => [l.date, l.amount, l.label, l.bankId])).toEqual([
      ['2024-04-02', '-39.99', 'PRLV ORANGE SA Facture internet & mobile', '2024040200017'],
      ['2024-04-09', '780.00', 'VIR SEPA MAIRIE DE LYON MANDAT 2024-118', '2024040900003'],
    ]);
  });

  it('rejects transactions it cannot read, with their line', () => {
    const ofx = [
      '<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR<BANKTRANLIST>',
      '<STMTTRN><DTPOSTED>20240230<TRNAMT>-1.00<FITID>A</STMTTRN>',
      '<STMTTRN><DTPOSTED>20240301<TRNAMT>abc<FITID>B</STMTTRN>',
      '<STMTTRN><DTPOSTED>20240301<TRNAMT>-2,50<FITID>D<NAME>OK</STMTTRN>',
      '</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>',
    ].join('\n');
    const { lines, rejections } = parseOfxStatement(ofx);
    expect(lines).toEqual([expect.objectContaining({ line: 4, amount: '-2.50', bankId: 'D' })]);
    expect(rejections.map((r) => [r.line, r.code])).toEqual([
      [2, 'INVALID_DATE'],
      [3, 'INVALID_AMOUNT'],
    ]);
  });

  it('takes the currency of a transaction that names its own', () => {
    const ofx =
      '<OFX><STMTRS><CURDEF>EUR<BANKTRANLIST><STMTTRN><DTPOSTED>20240301<TRNAMT>-5<FITID>X' +
      '<CURRENCY><CURRATE>1.08<CURSYM>USD</CURRENCY></STMTTRN></BANKTRANLIST></STMTRS></OFX>';
    expect(parseOfxStatement(ofx).lines[0].currency).toBe('USD');
  });

  it('refuses what is not an OFX statement', () => {
    expect(() => parseOfxStatement('hello')).toThrow(StatementParseError);
    expect(() => parseOfxStatement('<OFX><SIGNONMSGSRSV1></SIGNONMSGSRSV1></OFX>')).toThrow(/no bank/);
    expect(() => parseOfxStatement('<OFX><STMTRS><BAD TAG>')).toThrow(/invalid tag/);
    expect(() => parseOfxStatement(`<OFX>${'<A>'.repeat(100)}`)).toThrow(/nested too deeply/);
  });
});

describe('readOfxTree', () => {
  it('skips comments and processing instructions, and decodes character references', () => {
    const root = readOfxTree('<?OFX x?><OFX><!-- note --><NAME>A&#233;&#x20AC;&lt;</OFX>');
    expect(root.children[0].children).toEqual([{ name: 'NAME', value: 'Aé€<', children: [], line: 1 }]);
  });

  it('reads a long file in linear time', () => {
    // A ratio, not a wall-clock limit: ten times the lines may take about ten times as long on a busy
    // machine as on an idle one, while a quadratic parser would take about a hundred times as long.
    const trn = '<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240301<TRNAMT>-1.00<FITID>X<NAME>N</STMTTRN>\n';
    const ofx = (n: number) =>
      `<OFX><STMTRS><CURDEF>EUR<BANKTRANLIST>\n${trn.repeat(n)}</BANKTRANLIST></STMTRS></OFX>`;
    const fastest = (n: number) => {
      const text = ofx(n);
      let best = Infinity;
      for (let run = 0; run < 3; run++) {
        const started = performance.now();
        expect(parseOfxStatement(text).lines).toHaveLength(n);
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    fastest(500); // warm-up: the first runs include compilation
    expect(fastest(20000) / fastest(2000)).toBeLessThan(40);
  });
});

describe('parseOfxStatement balances', () => {
  it('reads LEDGERBAL as the closing balance; OFX states no opening', () => {
    expect(parseOfxStatement(fixture('bank-v1.ofx')).balances).toEqual([
      { account: 0, opening: null, closing: '8515.10' },
    ]);
    expect(parseOfxStatement(fixture('bank-v2.ofx')).balances).toEqual([
      { account: 0, opening: null, closing: '9255.11' },
    ]);
    const noBalance = '<OFX><STMTRS><CURDEF>EUR<BANKTRANLIST></BANKTRANLIST></STMTRS></OFX>';
    expect(parseOfxStatement(noBalance).balances).toEqual([]);
    const badBalance = noBalance.replace(
      '</STMTRS>',
      '<LEDGERBAL><BALAMT>12,3,4<DTASOF>20240101</LEDGERBAL></STMTRS>',
    );
    expect(() => parseOfxStatement(badBalance)).toThrow(/LEDGERBAL/);
  });
});

describe('parseOfxStatement on truncated or malformed files', () => {
  const v1 = fixture('bank-v1.ofx');
  const v2 = fixture('bank-v2.ofx');
  const cutAfter = (text: string, marker: string, extra = 0) => text.slice(0, text.indexOf(marker) + extra);

  it.each([
    ['1.x cut inside a transaction', cutAfter(v1, '<TRNAMT>2400.00')],
    ['1.x cut inside a FITID', cutAfter(v1, '<FITID>4B4E1A2C0003', 11)],
    ['1.x cut before any transaction', cutAfter(v1, '<STMTTRN>')],
    ['1.x cut right after a transaction', cutAfter(v1, '</STMTTRN>', 10)],
    ['1.x without its last closing tag', v1.replace('</OFX>', '')],
    ['1.x without </BANKTRANLIST>', v1.replace('</BANKTRANLIST>', '')],
    ['1.x without </STMTRS>', v1.replace('</STMTRS>', '')],
    ['1.x with a transaction left open', v1.replace('</STMTTRN>', '')],
    ['2.x cut inside a transaction', cutAfter(v2, '<TRNAMT>780.00')],
    ['2.x cut inside a FITID', cutAfter(v2, '<FITID>20240409', 15)],
    ['2.x cut inside a tag', cutAfter(v2, '<STMTTRN>', 5)],
    ['2.x cut before any transaction', cutAfter(v2, '<BANKTRANLIST>', 14)],
    ['2.x without </OFX>', v2.replace('</OFX>', '')],
    ['2.x with a stray closing tag', v2.replace('<TRNAMT>-39.99</TRNAMT>', '<TRNAMT>-39.99</TRNAMT></NAME>')],
    ['2.x with text between elements', v2.replace('</STMTTRN>', '</STMTTRN> garbage ')],
    ['garbage after </OFX>', `${v2}\n<OFX><STMTRS>`],
    ['a transaction without FITID', v1.replace('<FITID>4B4E1A2C0002', '')],
    ['a transaction with an empty FITID', v2.replace('<FITID>2024040900003</FITID>', '<FITID></FITID>')],
    ['a transaction without TRNAMT', v1.replace('<TRNAMT>-1500.00', '')],
    ['a transaction without DTPOSTED', v2.replace('<DTPOSTED>20240409</DTPOSTED>', '')],
    ['a transaction with two amounts', v1.replace('<TRNAMT>2400.00', '<TRNAMT>2400.00\n<TRNAMT>24.00')],
    ['garbage', '<OFX>\u0000\u0001<<<>>>'],
  ])('refuses the whole file: %s', (_name, text) => {
    expect(() => parseOfxStatement(text)).toThrow(StatementParseError);
  });

  it('says where the file stops making sense', () => {
    expect(() => parseOfxStatement(cutAfter(v1, '<TRNAMT>2400.00'))).toThrow(
      /ends before <STMTTRN> \(line 49\) is closed/,
    );
    expect(() => parseOfxStatement(v1.replace('<FITID>4B4E1A2C0002', ''))).toThrow(
      /<STMTTRN> at line 49 has no FITID/,
    );
  });

  it('gives the line in details, and takes a DOS end-of-file mark after </OFX> as nothing', () => {
    try {
      parseOfxStatement(cutAfter(v1, '<TRNAMT>2400.00'));
    } catch (e) {
      expect((e as StatementParseError).details).toEqual({ line: 49 });
    }
    expect(parseOfxStatement(`${v1}\u001a`).lines).toHaveLength(4);
  });

  it('still reads empty SGML leaves, which some banks write', () => {
    const ofx = v1.replace('<MEMO>COTISATIONS FEVRIER', '<MEMO>');
    const { lines } = parseOfxStatement(ofx);
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatchObject({ label: 'PRLV SEPA URSSAF', bankId: '4B4E1A2C0003' });
  });
});
