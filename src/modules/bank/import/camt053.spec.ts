import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCamt053Statement } from './camt053.js';
import { StatementParseError } from './statement.js';

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '../../../../test/fixtures/statements', name), 'utf8');

const wrap = (entries: string, acct = '<Acct><Id><IBAN>FR7630004001230001234567843</IBAN></Id></Acct>') =>
  `<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>` +
  `<Stmt>${acct}${entries}</Stmt></BkToCstmrStmt></Document>`;

describe('parseCamt053Statement', () => {
  it('reads booked entries: sign from CdtDbtInd, label from the entry and its details, the bank reference', () => {
    const { lines, rejections, accounts } = parseCamt053Statement(fixture('bank.camt053.xml'));
    expect(accounts).toEqual([{ iban: 'FR7630004001230001234567843', number: null, currency: 'EUR' }]);
    expect(lines).toEqual([
      {
        line: 33,
        date: '2024-05-06',
        valueDate: '2024-05-06',
        label: 'VIR SEPA RECU SAS LEROY ET FILS FACTURE F-2024-031',
        amount: '1440.00',
        bankId: 'BNP20240506CR000123',
        currency: 'EUR',
        account: 0,
      },
      expect.objectContaining({
        date: '2024-05-13',
        valueDate: '2024-05-12',
        label: 'VIR SEPA EMIS METRO FRANCE ACHATS MARCHANDISES AVRIL',
        amount: '-312.48',
      }),
      expect.objectContaining({ date: '2024-05-31', amount: '-18.00', bankId: 'BNP20240531FR000789' }),
    ]);
    expect(rejections).toEqual([{ line: 78, code: 'NOT_BOOKED', message: 'entry status PDNG is not BOOK' }]);
  });

  it('reads the 2019 schema: status as <Sts><Cd>, parties under <Pty>, namespace prefixes', () => {
    const xml =
      `<?xml version="1.0"?><c:Document xmlns:c="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><c:BkToCstmrStmt><c:Stmt>` +
      `<c:Ntry><c:Amt Ccy="EUR">10.5</c:Amt><c:CdtDbtInd>DBIT</c:CdtDbtInd><c:Sts><c:Cd>BOOK</c:Cd></c:Sts>` +
      `<c:BookgDt><c:Dt>2024-06-03</c:Dt></c:BookgDt><c:NtryRef>N-1</c:NtryRef><c:NtryDtls><c:TxDtls>` +
      `<c:RltdPties><c:Cdtr><c:Pty><c:Nm>ACME</c:Nm></c:Pty></c:Cdtr></c:RltdPties>` +
      `<c:RmtInf><c:Ustrd>INV 1</c:Ustrd><c:Ustrd>INV 2</c:Ustrd></c:RmtInf></c:TxDtls></c:NtryDtls></c:Ntry>` +
      `</c:Stmt></c:BkToCstmrStmt></c:Document>`;
    expect(parseCamt053Statement(xml).lines).toEqual([
      expect.objectContaining({
        amount: '-10.50',
        label: 'ACME INV 1 INV 2',
        bankId: 'N-1',
        currency: 'EUR',
      }),
    ]);
  });

  it('rejects entries without a date, with a bad amount or indicator', () => {
    const entry = (inner: string) => `<Ntry><Sts>BOOK</Sts>${inner}</Ntry>`;
    const { rejections } = parseCamt053Statement(
      wrap(
        entry('<Amt Ccy="EUR">1.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>') +
          entry(
            '<Amt Ccy="EUR">-1.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><BookgDt><Dt>2024-06-03</Dt></BookgDt>',
          ) +
          entry(
            '<Amt Ccy="EUR">1.00</Amt><CdtDbtInd>XXXX</CdtDbtInd><BookgDt><Dt>2024-06-03</Dt></BookgDt>',
          ) +
          entry('<Amt Ccy="EUR">0.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><BookgDt><Dt>2024-06-03</Dt></BookgDt>'),
      ),
    );
    expect(rejections.map((r) => r.code)).toEqual([
      'INVALID_DATE',
      'INVALID_AMOUNT',
      'INVALID_AMOUNT',
      'ZERO_AMOUNT',
    ]);
  });

  it('refuses malformed XML, other camt messages, and entity bombs', () => {
    expect(() => parseCamt053Statement('<Document><BkToCstmrStmt>')).toThrow(/cut short/);
    expect(() =>
      parseCamt053Statement('<?xml version="1.0"?><Document><BkToCstmrAcctRpt/></Document>'),
    ).toThrow(/not a camt.053.*found BkToCstmrAcctRpt/);
    const manyEntities =
      '<?xml version="1.0"?><!DOCTYPE d [' +
      Array.from({ length: 30 }, (_, i) => `<!ENTITY e${i} "x">`).join('') +
      ']><Document><BkToCstmrStmt/></Document>';
    expect(() => parseCamt053Statement(manyEntities)).toThrow(StatementParseError);
    // Entities that refer to entities are not expanded: no "billion laughs".
    const nested =
      '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>' +
      wrap(
        '<Ntry><Sts>BOOK</Sts><Amt>1</Amt><CdtDbtInd>DBIT</CdtDbtInd><BookgDt><Dt>2024-06-03</Dt></BookgDt><AddtlNtryInf>&b;</AddtlNtryInf></Ntry>',
      ).replace('<?xml version="1.0"?>', '');
    expect(parseCamt053Statement(nested).lines[0].label.length).toBeLessThan(10);
  });

  it.each([
    ['cut inside an entry', (f: string) => f.slice(0, 2000), /cut short/],
    ['cut before </Document>', (f: string) => f.slice(0, f.indexOf('</Document>')), /cut short/],
    ['a mismatched closing tag', (f: string) => f.replace('<Sts>BOOK</Sts>', '<Sts>BOOK</Sts2>'), /line 37/],
    ['a cut tag', (f: string) => f.slice(0, 1500) + '<Am', /not well-formed XML/],
    ['text after the document', (f: string) => `${f}junk`, /not well-formed XML/],
  ])('refuses a damaged file (%s) saying so, without the parser internals', (_name, damage, says) => {
    let message = '';
    try {
      parseCamt053Statement(damage(fixture('bank.camt053.xml')));
    } catch (e) {
      expect(e).toBeInstanceOf(StatementParseError);
      message = (e as Error).message;
    }
    expect(message).toMatch(says);
    expect(message).not.toMatch(/\[|BkToCstmrStmt|Invalid '|Sts2|RltdP|Extra text/);
  });

  it('reads the booked balances: OPBD (else PRCD) and CLBD, signed by CdtDbtInd', () => {
    expect(parseCamt053Statement(fixture('bank.camt053.xml')).balances).toEqual([
      { account: 0, opening: '8515.10', closing: '9624.62' },
    ]);
    const bal = (type: string, amount: string, indicator: string) =>
      `<Bal><Tp><CdOrPrtry><Cd>${type}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${amount}</Amt>` +
      `<CdtDbtInd>${indicator}</CdtDbtInd><Dt><Dt>2024-06-01</Dt></Dt></Bal>`;
    const overdrawn = wrap(
      bal('ITBD', '1.00', 'CRDT') + bal('PRCD', '12.50', 'DBIT') + bal('CLBD', '0', 'CRDT'),
    );
    expect(parseCamt053Statement(overdrawn).balances).toEqual([
      { account: 0, opening: '-12.50', closing: '0.00' },
    ]);
    expect(parseCamt053Statement(wrap('')).balances).toEqual([]);
    expect(() => parseCamt053Statement(wrap(bal('CLBD', '1,2,3', 'CRDT')))).toThrow(/CLBD balance/);
  });
});
