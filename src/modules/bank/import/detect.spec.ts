import { decodeStatement, detectStatementFormat } from './detect.js';

describe('decodeStatement', () => {
  it('reads UTF-8 with or without BOM, UTF-16 with a BOM, and Windows-1252 otherwise', () => {
    expect(decodeStatement(Buffer.from('\uFEFFLibellé', 'utf8'))).toBe('Libellé');
    expect(decodeStatement(Buffer.from('Libellé', 'latin1'))).toBe('Libellé');
    expect(decodeStatement(Buffer.from([0x80, 0x20, 0x92, 0x96, 0x9c]))).toBe('€ ’–œ');
    expect(
      decodeStatement(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Date;Montant', 'utf16le')])),
    ).toBe('Date;Montant');
  });

  it('refuses binary content', () => {
    expect(decodeStatement(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00]))).toBeNull();
  });
});

describe('detectStatementFormat', () => {
  it('tells OFX, camt.053 and CSV apart by content', () => {
    expect(detectStatementFormat('OFXHEADER:100\nDATA:OFXSGML\n')).toBe('ofx');
    expect(detectStatementFormat('<?xml version="1.0"?>\n<?OFX OFXHEADER="200"?><OFX>')).toBe('ofx');
    expect(detectStatementFormat('<?xml version="1.0"?><Document><BkToCstmrStmt>')).toBe('camt053');
    expect(detectStatementFormat('<c:Document xmlns:c="x"><c:BkToCstmrStmt>')).toBe('camt053');
    expect(detectStatementFormat('Date;Libellé;Montant\n')).toBe('csv');
  });

  it('refuses other XML, PDFs, spreadsheets and plain text', () => {
    expect(detectStatementFormat('<?xml version="1.0"?><Document><BkToCstmrAcctRpt>')).toBeNull();
    expect(detectStatementFormat('%PDF-1.4')).toBeNull();
    expect(detectStatementFormat('PK\u0003\u0004')).toBeNull();
    expect(detectStatementFormat('hello world')).toBeNull();
  });
});
