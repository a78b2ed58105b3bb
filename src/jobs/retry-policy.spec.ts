import { explicitDelayAfter, queueRetryOptions } from './retry-policy.js';

describe('retry policy', () => {
  it("maps pg-boss's own policy as given", () => {
    expect(queueRetryOptions({ limit: 5, delaySeconds: 10, backoff: true })).toEqual({
      retryLimit: 5,
      retryDelay: 10,
      retryBackoff: true,
    });
    expect(queueRetryOptions({ limit: 0 })).toEqual({ retryLimit: 0, retryDelay: 0, retryBackoff: false });
    expect(explicitDelayAfter({ limit: 3, delaySeconds: 4 }, 0)).toBeNull();
  });

  it('gives one retry per listed delay, each after its own delay, no backoff', () => {
    const webhook = { delaysSeconds: [5, 300, 1800, 7200] };
    expect(queueRetryOptions(webhook)).toEqual({ retryLimit: 4, retryDelay: 5, retryBackoff: false });
    expect([0, 1, 2, 3].map((n) => explicitDelayAfter(webhook, n))).toEqual([5, 300, 1800, 7200]);
    expect(explicitDelayAfter(webhook, 4)).toBeNull();
  });

  it('takes an empty list as "never retry"', () => {
    expect(queueRetryOptions({ delaysSeconds: [] })).toEqual({
      retryLimit: 0,
      retryDelay: 0,
      retryBackoff: false,
    });
  });

  it('refuses delays pg-boss could not store', () => {
    expect(() => queueRetryOptions({ delaysSeconds: [1, 0.5] })).toThrow(/whole seconds/);
    expect(() => queueRetryOptions({ delaysSeconds: [-1] })).toThrow(/whole seconds/);
    expect(() => queueRetryOptions({ limit: -1 })).toThrow(/limit/);
    expect(() => queueRetryOptions({ limit: 1, delaySeconds: 1.5 })).toThrow(/delay/);
  });
});
