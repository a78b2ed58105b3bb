import { checkBalances, describeMismatch } from './balance-check.js';
import type { StatementLine } from './statement.js';

const line = (amount: string, account: number | null = null): StatementLine => ({
  line: 1,
  date: '2024-01-01',
  valueDate: null,
  label: 'X',
  amount,
  bankId: null,
  currency: null,
  account,
});
const all = () => true;

describe('checkBalances', () => {
  it('checks opening + lines = closing in exact decimals (no float drift over many cents)', () => {
    const lines = Array.from({ length: 1000 }, () => line('0.10'));
    expect(checkBalances([{ account: null, opening: '0.2', closing: '100.20' }], lines, all)).toEqual({
      opening: '0.20',
      closing: '100.20',
      computed: '100.20',
      ok: true,
    });
  });

  it('reports a mismatch, and what it could not check', () => {
    const lines = [line('-20.00'), line('5.01')];
    expect(checkBalances([{ account: null, opening: '100.00', closing: '85.00' }], lines, all)).toEqual({
      opening: '100.00',
      closing: '85.00',
      computed: '85.01',
      ok: false,
    });
    expect(checkBalances([{ account: null, opening: null, closing: '85.00' }], lines, all)).toEqual({
      opening: null,
      closing: '85.00',
      computed: null,
      ok: null,
    });
    expect(checkBalances([{ account: null, opening: '100.00', closing: null }], lines, all)).toEqual({
      opening: '100.00',
      closing: null,
      computed: '85.01',
      ok: null,
    });
    expect(checkBalances([], lines, all)).toBeNull();
    expect(checkBalances([{ account: null, opening: null, closing: null }], lines, all)).toBeNull();
  });

  it("counts only the lines of the account's statements, and each statement must balance", () => {
    const lines = [line('-10.00', 0), line('-1.00', 1), line('5.00', 2)];
    const balances = [
      { account: 0, opening: '100.00', closing: '90.00' },
      { account: 1, opening: '7.00', closing: '6.00' },
      { account: 2, opening: '90.00', closing: '95.00' },
    ];
    const notTheSecond = (i: number | null) => i !== 1;
    expect(checkBalances(balances, lines, notTheSecond)).toEqual({
      opening: '100.00',
      closing: '95.00',
      computed: '95.00',
      ok: true,
    });
    // Each balances alone, but the second does not start where the first ends.
    const gap = [balances[0], { ...balances[2], opening: '80.00', closing: '85.00' }];
    expect(checkBalances(gap, lines, notTheSecond)?.ok).toBe(false);
    // The whole adds up, but the first statement alone does not.
    const offByOne = [{ ...balances[0], closing: '89.00' }, balances[2]];
    expect(checkBalances(offByOne, lines, notTheSecond)).toMatchObject({ computed: '95.00', ok: false });
  });

  it('says by how much a mismatch is off', () => {
    expect(describeMismatch({ opening: '100.00', closing: '85.00', computed: '85.01', ok: false })).toMatch(
      /opening 100\.00 \+ the lines read -14\.99 = 85\.01, but the closing balance is 85\.00 \(-0\.01 apart\)/,
    );
  });
});
