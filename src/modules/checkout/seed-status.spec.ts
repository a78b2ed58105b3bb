import { seedStatusOf } from './seed-status.js';

describe('seedStatusOf', () => {
  it('follows the Bitcoin payments while the request is open', () => {
    expect(seedStatusOf('NEW', 'unpaid')).toBe('NEW');
    expect(seedStatusOf('NEW', 'partially_paid')).toBe('NEW');
    // Within the store's tolerance: PAID although the request, in euros, is short of a few cents.
    expect(seedStatusOf('PAID', 'partially_paid')).toBe('PAID');
  });

  it('is PAID when the request is covered by any charge (a cash charge on a checkout invoice)', () => {
    expect(seedStatusOf('NEW', 'paid')).toBe('PAID');
    expect(seedStatusOf('NEW', 'overpaid')).toBe('PAID');
  });

  it('is never PAID once the request is cancelled, whatever arrives afterwards', () => {
    expect(seedStatusOf('PAID', 'cancelled')).toBe('NEW');
    expect(seedStatusOf('NEW', 'cancelled')).toBe('NEW');
  });
});
