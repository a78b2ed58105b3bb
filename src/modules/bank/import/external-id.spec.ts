import { externalIds, normalizeForKey } from './external-id.js';
import type { StatementLine } from './statement.js';

const line = (over: Partial<StatementLine>): StatementLine => ({
  line: 1,
  date: '2024-01-08',
  valueDate: null,
  label: 'CB AMAZON EU SARL 06/01',
  amount: '-49.99',
  bankId: null,
  currency: null,
  account: null,
  ...over,
});

describe('externalIds', () => {
  it("uses the bank's own id when the file has one", () => {
    expect(externalIds('acc', 'ofx', [line({ bankId: 'FIT-1' })])).toEqual(['ofx:FIT-1']);
  });

  it('hashes the other lines, counting identical lines so that two real payments stay two', () => {
    const ids = externalIds('acc', 'csv', [line({}), line({ line: 2 }), line({ amount: '-50.00' })]);
    expect(new Set(ids).size).toBe(3);
    expect(ids[0]).toMatch(/^csv:sha256:[0-9a-f]{64}$/);
    // The same file again gives the same ids.
    expect(externalIds('acc', 'csv', [line({}), line({ line: 2 }), line({ amount: '-50.00' })])).toEqual(ids);
  });

  it('gives another account other ids, and ignores case, accents and spacing in labels', () => {
    expect(externalIds('other', 'csv', [line({})])).not.toEqual(externalIds('acc', 'csv', [line({})]));
    expect(externalIds('acc', 'csv', [line({ label: 'cb  amazon eu sarl 06/01' })])).toEqual(
      externalIds('acc', 'csv', [line({})]),
    );
    expect(normalizeForKey('Prélèvement  EDF / échéance')).toBe('PRELEVEMENT EDF ECHEANCE');
  });
});
