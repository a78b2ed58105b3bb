import { AuthFailureLimiter } from './auth-failure-limiter.js';

const MAX = 3;
const WINDOW_MS = 60_000;

/** A limiter whose clock the test moves. */
function setup(max = MAX, windowMs = WINDOW_MS) {
  const clock = { now: 1_000_000 };
  return { clock, limiter: new AuthFailureLimiter(max, windowMs, () => clock.now) };
}

const fail = (limiter: AuthFailureLimiter, client: string, times: number) => {
  for (let i = 0; i < times; i += 1) limiter.recordFailure(client);
};

describe('AuthFailureLimiter', () => {
  it('does not block a client it has never seen', () => {
    const { limiter } = setup();
    expect(limiter.retryAfterSeconds('203.0.113.7')).toBe(0);
  });

  it(`lets a client through while it has fewer than ${MAX} failures`, () => {
    const { limiter } = setup();
    fail(limiter, '203.0.113.7', MAX - 1);
    expect(limiter.retryAfterSeconds('203.0.113.7')).toBe(0);
  });

  it(`blocks a client after ${MAX} failures within the window, until the window ends`, () => {
    const { clock, limiter } = setup();
    fail(limiter, '203.0.113.7', MAX);
    expect(limiter.retryAfterSeconds('203.0.113.7')).toBe(60);

    clock.now += 45_000;
    expect(limiter.retryAfterSeconds('203.0.113.7')).toBe(15);
  });

  it('rounds the wait up to a whole second', () => {
    const { clock, limiter } = setup();
    fail(limiter, '203.0.113.7', MAX);
    clock.now += WINDOW_MS - 1;
    expect(limiter.retryAfterSeconds('203.0.113.7')).toBe(1);
  });

  it('unblocks the client once the window has passed', () => {
    const { clock, limiter } = setup();
    fail(limiter, '203.0.113.7', MAX);
    clock.now += WINDOW_MS;
    expect(limiter.retryAfterSeconds('203.0.113.7')).toBe(0);
  });

  it('counts from zero again in a new window', () => {
    const { clock, limiter } = setup();
    fail(limiter, '203.0.113.7', MAX);
    clock.now += WINDOW_MS;
    fail(limiter, '203.0.113.7', MAX - 1);
    expect(limiter.retryAfterSeconds('203.0.113.7')).toBe(0);
    fail(limiter, '203.0.113.7', 1);
    expect(limiter.retryAfterSeconds('203.0.113.7')).toBe(60);
  });

  it('does not count failures spread over separate windows together', () => {
    const { clock, limiter } = setup();
    fail(limiter, '203.0.113.7', MAX - 1);
    clock.now += WINDOW_MS;
    fail(limiter, '203.0.113.7', 1);
    expect(limiter.retryAfterSeconds('203.0.113.7')).toBe(0);
  });

  it('keeps a fixed window: failing while blocked does not extend the block', () => {
    const { clock, limiter } = setup();
    fail(limiter, '203.0.113.7', MAX);
    clock.now += 30_000;
    fail(limiter, '203.0.113.7', 10);
    expect(limiter.retryAfterSeconds('203.0.113.7')).toBe(30);
  });

  it('counts each client on its own', () => {
    const { limiter } = setup();
    fail(limiter, '203.0.113.7', MAX);
    fail(limiter, '198.51.100.1', MAX - 1);
    expect(limiter.retryAfterSeconds('203.0.113.7')).toBe(60);
    expect(limiter.retryAfterSeconds('198.51.100.1')).toBe(0);
    expect(limiter.retryAfterSeconds('192.0.2.1')).toBe(0);
  });

  it('forgets the oldest clients rather than grow without bound', () => {
    const { limiter } = setup(1);
    limiter.recordFailure('first');
    expect(limiter.retryAfterSeconds('first')).toBe(60);
    for (let i = 0; i < 100_000; i += 1) limiter.recordFailure(`client-${i}`);
    expect(limiter.retryAfterSeconds('first')).toBe(0);
    expect(limiter.retryAfterSeconds('client-99999')).toBe(60);
  });
});
