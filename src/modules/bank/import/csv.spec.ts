import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectDelimiter, parseCsvStatement, roleOfHeader } from './csv.js';
import { decodeStatement } from './detect.js';
import { StatementParseError } from './statement.js';

const fixture = (name: string) =>
  decodeStatement(readFileSync(join(import.meta.dirname, '../../../../test/fixtures/statements', name)))!;

describe('parseCsvStatement', () => {
  it('reads a French export: Windows-1252, preamble, ";", "1 234,56", DD/MM/YYYY, debit and credit', () => {
    const { lines, rejections, accounts } = parseCsvStatement(fixture('fr-bank.csv'));
    expect(rejections).toEqual([]);
    expect(accounts).toEqual([]);
    expect(lines).toHaveLength(7);
    expect(lines[0]).toEqual({
      line: 5,
      date: '2024-01-02',
      valueDate: '2024-01-02',
      label: 'PRLV SEPA EDF CLIENTS PARTICULIERS ECH/020124',
      amount: '-85.40',
      bankId: null,
      currency: null,
      account: null,
    });
    expect(lines[1]).toMatchObject({ label: 'CB BOULANGERIE L’ÉPI D’OR 02/01', amount: '-23.15' });
    expect(lines[2]).toMatchObject({
      amount: '1234.56',
      label: 'VIR SEPA RECU /DE SARL MARTIN /MOTIF FAC-2024-001',
    });
    expect(lines[5]).toMatchObject({ amount: '-1200.00', label: 'LOYER JANVIER; BUREAU 12' });
    expect(lines[6]).toMatchObject({ date: '2024-01-15', valueDate: '2024-01-16', amount: '-8.50' });
  });

  it('reads an English export: ",", quoted "1,234.56", YYYY-MM-DD, one signed amount column', () => {
    const { lines, rejections } = parseCsvStatement(fixture('en-bank.csv'));
    expect(rejections).toEqual([]);
    expect(lines.map((l) => [l.line, l.date, l.amount, l.label])).toEqual([
      [2, '2024-02-01', '1250.00', 'STRIPE PAYOUT'],
      [3, '2024-02-02', '-1234.56', 'AWS EMEA, invoice EUINFR24-0042'],
      [4, '2024-02-05', '-21.00', 'GITHUB INC'],
      [5, '2024-02-07', '3000.00', 'TRANSFER FROM ACME LTD, INV-7781'],
    ]);
  });

  it('rejects unreadable lines with their line number and keeps the others', () => {
    const csv = [
      'Date;Libellé;Montant',
      '31/02/2024;DATE IMPOSSIBLE;-10,00',
      '01/03/2024;MONTANT ILLISIBLE;abc',
      '02/03/2024;SANS MONTANT;',
      '03/03/2024;MONTANT NUL;0,00',
      '04/03/2024;TROP DE DECIMALES;12,345',
      '05/03/2024;BONNE LIGNE;-12,30',
    ].join('\n');
    const { lines, rejections } = parseCsvStatement(csv);
    expect(lines).toEqual([expect.objectContaining({ line: 7, amount: '-12.30' })]);
    expect(rejections.map((r) => [r.line, r.code])).toEqual([
      [2, 'INVALID_DATE'],
      [3, 'INVALID_AMOUNT'],
      [4, 'MISSING_AMOUNT'],
      [5, 'ZERO_AMOUNT'],
      [6, 'INVALID_AMOUNT'],
    ]);
    expect(rejections[0].message).toBe('"31/02/2024" is not a DD/MM/YYYY date');
  });

  it('refuses a line with both a debit and a credit', () => {
    const { rejections } = parseCsvStatement('Date;Libellé;Débit;Crédit\n01/03/2024;X;10,00;5,00\n');
    expect(rejections).toEqual([
      { line: 2, code: 'DEBIT_AND_CREDIT', message: 'both the debit and the credit are filled in' },
    ]);
  });

  it('takes a negative debit as it is, and 0,00 in the other column as empty', () => {
    const { lines } = parseCsvStatement(
      'Date;Libellé;Débit;Crédit\n01/03/2024;X;-10,00;0,00\n02/03/2024;Y;;5\n',
    );
    expect(lines.map((l) => l.amount)).toEqual(['-10.00', '5.00']);
  });

  it('reads month-first dates when a value shows it, and day-first otherwise', () => {
    const us = parseCsvStatement('Date,Description,Amount\n01/13/2024,A,-1.00\n02/01/2024,B,-2.00\n');
    expect(us.lines.map((l) => l.date)).toEqual(['2024-01-13', '2024-02-01']);
    const fr = parseCsvStatement('Date;Libellé;Montant\n01/02/2024;A;-1,00\n');
    expect(fr.lines[0].date).toBe('2024-02-01');
  });

  it('follows the options given: delimiter, decimal separator, date format and columns by name or number', () => {
    const csv = 'Booked|Text|Value\n02.01.24|COFFEE|-3,50\n';
    const byName = parseCsvStatement(csv, {
      delimiter: '|',
      decimalSeparator: ',',
      dateFormat: 'DD/MM/YYYY',
      columns: { date: 'booked', label: 'TEXT', amount: 'value' },
    });
    expect(byName.lines).toEqual([
      expect.objectContaining({ date: '2024-01-02', label: 'COFFEE', amount: '-3.50' }),
    ]);

    const headerless = parseCsvStatement('2024-01-02;CAFE;-3,50\n2024-01-03;THE;-2,00\n', {
      columns: { date: '1', label: '2', amount: '3' },
    });
    expect(headerless.lines.map((l) => [l.line, l.amount])).toEqual([
      [1, '-3.50'],
      [2, '-2.00'],
    ]);
  });

  it('explains what it found when no header names a date and an amount', () => {
    expect(() => parseCsvStatement('foo;bar\n1;2\n')).toThrow(StatementParseError);
    expect(() => parseCsvStatement('foo;bar\n1;2\n')).toThrow(/no header row/);
  });

  it('reports a malformed CSV as a whole', () => {
    expect(() => parseCsvStatement('Date;Libellé;Montant\n01/01/2024;"open quote;1\n')).toThrow(
      StatementParseError,
    );
  });
});

describe('parseCsvStatement never reads an amount from the wrong column', () => {
  it('rejects a line whose number of fields differs from the header, with its line and why', () => {
    const csv = [
      'Date,Description,Amount',
      '2026-03-13,GOOD,-12.00',
      '2026-03-14,UNQUOTED THOUSANDS,-1,234.00',
      '2026-03-15,"QUOTED, FINE","-1,234.00"',
      '2026-03-16,TOO FEW',
      '2026-03-17,TRAILING DELIMITER,-3.00,',
    ].join('\n');
    const { lines, rejections } = parseCsvStatement(csv);
    expect(lines.map((l) => [l.line, l.amount])).toEqual([
      [2, '-12.00'],
      [4, '-1234.00'],
      [6, '-3.00'],
    ]);
    expect(rejections).toEqual([
      {
        line: 3,
        code: 'FIELD_COUNT',
        message:
          '4 fields where the header has 3 (a delimiter inside an unquoted value, such as "1,234.00"?)',
      },
      {
        line: 5,
        code: 'FIELD_COUNT',
        message:
          '2 fields where the header has 3 (a delimiter inside an unquoted value, such as "1,234.00"?)',
      },
    ]);
  });

  it('refuses an amount that looks cut at its thousands separator even when the count fits', () => {
    const csv = [
      'Date,Description,Amount,Balance',
      '2026-03-13,GOOD,-12.00,1000.00',
      '2026-03-14,UNQUOTED THOUSANDS,-1,234.00',
      '2026-03-15,GOOD,-8.00,',
    ].join('\n');
    const { lines, rejections } = parseCsvStatement(csv);
    expect(lines.map((l) => l.amount)).toEqual(['-12.00', '-8.00']);
    expect(rejections).toEqual([
      {
        line: 3,
        code: 'INVALID_AMOUNT',
        message: '"-1" then "234.00": an amount cut at its thousands separator? Quote it',
      },
    ]);
  });

  it.each([
    ['1 ', 'the file ends inside this line, at "1": it looks cut short'],
    ['1 234,5', 'the file ends inside this line, at "1 234,5": it looks cut short'],
    ['1 2', 'the file ends inside this line, at "1 2": it looks cut short'],
  ])('refuses the last amount of a file cut short inside it (%s)', (end, message) => {
    const full = fixture('fr-bank.csv').replace(/\r?\n$/, '');
    const cut = full.slice(0, full.indexOf(';;1 234,56') + 2) + end;
    const { lines, rejections } = parseCsvStatement(cut);
    expect(lines).toHaveLength(2);
    expect(rejections).toEqual([{ line: 7, code: 'INVALID_AMOUNT', message }]);
    // The complete last line, without a final line break, is read.
    expect(parseCsvStatement(full).lines).toHaveLength(7);
  });

  it.each([
    [';', ',', '1 234,56', '-1234.56'],
    [';', ',', '1.234,56', '-1234.56'],
    [';', ',', '1\u202f234,56', '-1234.56'],
    [',', '.', '"1,234.56"', '-1234.56'],
    ['\t', '.', '1,234.56', '-1234.56'],
    ['\t', ',', '1.234,56', '-1234.56'],
    [';', '.', "1'234.56", '-1234.56'],
  ])('reads "%s"-separated %s-decimal %s as %s', (delimiter, decimal, written, amount) => {
    const d = delimiter;
    const csv = [`Date${d}Libellé${d}Débit${d}Crédit`, `01/03/2024${d}X${d}${written}${d}`];
    const { lines, rejections } = parseCsvStatement(csv.join('\n'), {
      decimalSeparator: decimal as ',' | '.',
    });
    expect(rejections).toEqual([]);
    expect(lines.map((l) => l.amount)).toEqual([amount]);
  });

  it.each([
    ['1.234,56', '.'],
    ['1,234.56', ','],
    ['12.34,5', ','],
    ['1,5', '.'],
    ['1.2.3', ','],
    ['1 23,45', ','],
  ])('refuses %s with %s as decimal separator rather than guess', (written, decimal) => {
    const { lines, rejections } = parseCsvStatement(`Date;Libellé;Montant\n01/03/2024;X;${written}\n`, {
      decimalSeparator: decimal as ',' | '.',
    });
    expect(lines).toEqual([]);
    expect(rejections.map((r) => r.code)).toEqual(['INVALID_AMOUNT']);
  });
});

describe('parseCsvStatement balances', () => {
  it('reads a stated balance: "Solde au" dated after the lines is the closing one', () => {
    expect(parseCsvStatement(fixture('fr-bank.csv')).balances).toEqual([
      { account: null, opening: null, closing: '12345.67' },
    ]);
  });

  it('reads opening and closing lines, above or below the lines, and does not reject them', () => {
    const csv = [
      'Date;Libellé;Débit;Crédit',
      ';Ancien solde;;1 000,00',
      '02/01/2024;A;85,40;',
      '03/01/2024;B;;20,00',
      ';Nouveau solde;;934,60',
    ].join('\n');
    const { lines, rejections, balances } = parseCsvStatement(csv);
    expect(rejections).toEqual([]);
    expect(lines).toHaveLength(2);
    expect(balances).toEqual([{ account: null, opening: '1000.00', closing: '934.60' }]);
    const overdrawn = 'Date;Libellé;Débit;Crédit\nSolde initial;;12,00;\n02/01/2024;A;1,00;\n';
    expect(parseCsvStatement(overdrawn).balances).toEqual([
      { account: null, opening: '-12.00', closing: null },
    ]);
    const datedBefore = 'Solde au 31/12/2023;;5,00\nDate;Libellé;Montant\n02/01/2024;A;-1,00\n';
    expect(parseCsvStatement(datedBefore).balances).toEqual([
      { account: null, opening: '5.00', closing: null },
    ]);
  });

  it('keeps a line with a bad date whose label starts like a balance a rejected line', () => {
    const csv = 'Date;Libellé;Montant\n31/02/2024;BALANCE TRANSFER;-10,00\n01/03/2024;A;-1,00\n';
    const { lines, rejections, balances } = parseCsvStatement(csv);
    expect(lines).toHaveLength(1);
    expect(rejections.map((r) => [r.line, r.code])).toEqual([[2, 'INVALID_DATE']]);
    expect(balances).toEqual([]);
  });

  it('reads a running balance column, oldest or newest first', () => {
    expect(parseCsvStatement(fixture('en-bank.csv')).balances).toEqual([
      { account: null, opening: '9000.00', closing: '11994.44' },
    ]);
    const newestFirst = [
      'Date,Description,Amount,Balance',
      '2024-02-03,C,-5.00,95.00',
      '2024-02-02,B,-10.00,100.00',
      '2024-02-01,A,10.00,110.00',
    ].join('\n');
    expect(parseCsvStatement(newestFirst).balances).toEqual([
      { account: null, opening: '100.00', closing: '95.00' },
    ]);
    const sameDayNewestFirst = [
      'Date,Description,Amount,Balance',
      '2024-02-01,B,-10.00,90.00',
      '2024-02-01,A,-20.00,100.00',
    ].join('\n');
    expect(parseCsvStatement(sameDayNewestFirst).balances).toEqual([
      { account: null, opening: '120.00', closing: '90.00' },
    ]);
    expect(parseCsvStatement('Date;Libellé;Montant\n01/01/2024;A;-1,00\n').balances).toEqual([]);
  });
});

describe('detectDelimiter', () => {
  it('counts delimiters outside quotes only', () => {
    expect(detectDelimiter('a;b;c\n1;"2,5";3\n')).toBe(';');
    expect(detectDelimiter('a,b,c\n1,"2;5",3\n')).toBe(',');
    expect(detectDelimiter('a\tb\n1\t2\n')).toBe('\t');
  });

  it('refuses a text with no delimiter', () => {
    expect(() => detectDelimiter('just a sentence\n')).toThrow(StatementParseError);
  });
});

describe('roleOfHeader', () => {
  it.each([
    ['Date', 'date'],
    ["Date de l'opération", 'date'],
    ['Booking date', 'date'],
    ['Completed Date', 'date'],
    ['dateOp', 'date'],
    ['Date de valeur', 'valueDate'],
    ['Value Date', 'valueDate'],
    ['Libellé', 'label'],
    ['Description', 'label'],
    ['Montant (EUR)', 'amount'],
    ['Amount', 'amount'],
    ['Débit euros', 'debit'],
    ['Crédit', 'credit'],
    ['Paid in', 'credit'],
    ['Solde', 'balance'],
    ['Balance', 'balance'],
    ['Catégorie', null],
  ])('%s → %s', (header, role) => {
    expect(roleOfHeader(header)).toBe(role);
  });
});
