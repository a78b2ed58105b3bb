import { recoverWindow } from './webhook-recovery.js';

describe('recoverWindow', () => {
  const now = new Date('2026-11-27T12:00:00.000Z');

  it('runs to now when until is absent', () => {
    expect(recoverWindow('2026-11-20T00:00:00Z', undefined, now)).toEqual({
      ok: true,
      since: new Date('2026-11-20T00:00:00Z'),
      until: now,
    });
  });

  it('reads time zones', () => {
    const window = recoverWindow('2026-11-20T01:00:00+01:00', '2026-11-21T00:00:00-00:30', now);
    expect(window).toEqual({
      ok: true,
      since: new Date('2026-11-20T00:00:00Z'),
      until: new Date('2026-11-21T00:30:00Z'),
    });
  });

  it('allows 14 days exactly, not a millisecond more', () => {
    expect(recoverWindow('2026-11-13T12:00:00.000Z', undefined, now).ok).toBe(true);
    expect(recoverWindow('2026-11-13T11:59:59.999Z', undefined, now)).toEqual({
      ok: false,
      problem: 'too_large',
    });
  });

  it('refuses an empty or reversed window, a since in the future included', () => {
    for (const [since, until] of [
      ['2026-11-21T00:00:00Z', '2026-11-21T00:00:00Z'],
      ['2026-11-22T00:00:00Z', '2026-11-21T00:00:00Z'],
      ['2026-11-28T00:00:00Z', undefined],
    ] as const) {
      expect(recoverWindow(since, until, now)).toEqual({ ok: false, problem: 'empty' });
    }
  });
});
