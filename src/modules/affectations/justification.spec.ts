import { computedJustification, isManualJustification, nextJustification } from './justification.js';

describe('justification', () => {
  it('follows the justified share of |amount|, for debits and credits', () => {
    expect(computedJustification('-64.90', '0.00')).toBe('missing');
    expect(computedJustification('-64.90', '10.00')).toBe('partial');
    expect(computedJustification('-64.90', '64.90')).toBe('justified');
    expect(computedJustification('2400.00', '2400')).toBe('justified');
    expect(computedJustification('2400.00', '2399.99')).toBe('partial');
  });

  it("keeps a person's state whatever the amounts", () => {
    expect(nextJustification('receipt_lost', '-10.00', '10.00')).toBe('receipt_lost');
    expect(nextJustification('not_needed', '-10.00', '0.00')).toBe('not_needed');
    expect(nextJustification('partial', '-10.00', '10.00')).toBe('justified');
    expect(nextJustification('justified', '-10.00', '0.00')).toBe('missing');
  });

  it('tells the states a person sets', () => {
    expect(isManualJustification('not_needed')).toBe(true);
    expect(isManualJustification('receipt_lost')).toBe(true);
    expect(isManualJustification('partial')).toBe(false);
  });
});
