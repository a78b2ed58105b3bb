import { receiptName } from './receipt-name.js';

const PARIS = 'Europe/Paris';

describe('receiptName', () => {
  it("joins the Paris date as YYYYMMDD, the label and the amount with VAT, as in seed 002's example", () => {
    const createdAt = new Date('2021-06-28T09:24:53Z'); // 2021-06-28 11:24:53 in Paris
    expect(
      receiptName({ createdAt, label: 'Achat de matiere premieree', amountWithVat: '1200.50' }, PARIS),
    ).toBe('20210628_Achat de matiere premieree_1200.50');
  });

  it('takes the date in Paris: 23:30 UTC on 2021-06-27 is already the 28th', () => {
    const createdAt = new Date('2021-06-27T23:30:00Z');
    expect(receiptName({ createdAt, label: 'Achat', amountWithVat: '12' }, PARIS)).toBe('20210628_Achat_12');
    expect(receiptName({ createdAt, label: 'Achat', amountWithVat: '12' }, 'UTC')).toBe('20210627_Achat_12');
  });

  it('keeps the scale of the amount as stored', () => {
    const createdAt = new Date('2021-01-15T09:00:00Z');
    expect(receiptName({ createdAt, label: 'Loyer', amountWithVat: '800.00' }, PARIS)).toBe(
      '20210115_Loyer_800.00',
    );
  });
});
