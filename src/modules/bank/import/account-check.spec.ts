import { selectForAccount } from './account-check.js';
import type { ParsedStatement, StatementLine } from './statement.js';

const IBAN = 'FR7630004001230001234567843';
const line = (over: Partial<StatementLine>): StatementLine => ({
  line: 1,
  date: '2024-01-01',
  valueDate: null,
  label: 'X',
  amount: '-1.00',
  bankId: null,
  currency: null,
  account: null,
  ...over,
});

describe('selectForAccount', () => {
  it("keeps the lines of the account's statement, by IBAN or by an account number the IBAN contains", () => {
    const parsed: ParsedStatement = {
      accounts: [
        { iban: IBAN, number: null, currency: 'EUR' },
        { iban: 'FR7610278060000002012340159', number: null, currency: 'EUR' },
      ],
      lines: [line({ line: 3, account: 0 }), line({ line: 9, account: 1 })],
      rejections: [{ line: 5, code: 'INVALID_DATE', message: 'x' }],
    };
    const selected = selectForAccount(parsed, { iban: IBAN, currency: 'EUR' });
    expect(selected).toEqual({
      kind: 'ok',
      belongs: expect.any(Function),
      lines: [parsed.lines[0]],
      rejections: [
        { line: 5, code: 'INVALID_DATE', message: 'x' },
        { line: 9, code: 'OTHER_ACCOUNT', message: 'the line is for account FR7610278060000002012340159' },
      ],
    });
    const ofx: ParsedStatement = {
      accounts: [{ iban: null, number: '00012345678', currency: 'EUR' }],
      lines: [line({ account: 0 })],
      rejections: [],
    };
    expect(selectForAccount(ofx, { iban: IBAN, currency: 'EUR' }).kind).toBe('ok');
    const kept = selected.kind === 'ok' ? selected.belongs : () => undefined;
    expect([kept(0), kept(1), kept(null)]).toEqual([true, false, true]);
  });

  it('refuses a file with no statement for the account, or with several when the account has no IBAN', () => {
    const other: ParsedStatement = {
      accounts: [{ iban: null, number: '99999999999', currency: 'EUR' }],
      lines: [],
      rejections: [],
    };
    expect(selectForAccount(other, { iban: IBAN, currency: 'EUR' })).toEqual({
      kind: 'mismatch',
      found: ['99999999999'],
    });
    const two: ParsedStatement = {
      accounts: [
        { iban: IBAN, number: null, currency: 'EUR' },
        { iban: null, number: '123', currency: 'EUR' },
      ],
      lines: [],
      rejections: [],
    };
    expect(selectForAccount(two, { iban: null, currency: 'EUR' })).toEqual({
      kind: 'mismatch',
      found: [IBAN, '123'],
    });
  });

  it('takes any CSV (no account named), and rejects lines in another currency', () => {
    const csv: ParsedStatement = {
      accounts: [],
      lines: [line({}), line({ line: 2, currency: 'USD' })],
      rejections: [],
    };
    const selected = selectForAccount(csv, { iban: IBAN, currency: 'EUR' });
    expect(selected).toEqual({
      kind: 'ok',
      belongs: expect.any(Function),
      lines: [csv.lines[0]],
      rejections: [{ line: 2, code: 'OTHER_CURRENCY', message: 'the line is in USD, the account in EUR' }],
    });
  });
});
