import {
  jitterSeconds,
  judgeAttempt,
  nextDelaySeconds,
  parseRetryAfter,
  retryDelaySeconds,
  webhookBody,
} from './webhook-delivery-rules.js';

const SCHEDULE = [0, 5, 300];

describe('judgeAttempt', () => {
  it.each([200, 201, 204, 299])('%i succeeds', (status) => {
    expect(judgeAttempt(status, 1, SCHEDULE)).toBe('succeeded');
  });

  it.each([null, 199, 301, 302, 307, 308, 400, 404, 429, 500, 502, 504])(
    '%s is retried while the schedule lasts',
    (status) => {
      expect(judgeAttempt(status, 1, SCHEDULE)).toBe('retry');
      expect(judgeAttempt(status, 2, SCHEDULE)).toBe('retry');
      expect(judgeAttempt(status, 3, SCHEDULE)).toBe('exhausted');
    },
  );

  it('410 Gone stops at once, whatever is left of the schedule', () => {
    expect(judgeAttempt(410, 1, SCHEDULE)).toBe('gone');
  });
});

describe('nextDelaySeconds', () => {
  it('reads the delay before the following attempt', () => {
    expect(nextDelaySeconds(1, SCHEDULE)).toBe(5);
    expect(nextDelaySeconds(2, SCHEDULE)).toBe(300);
    expect(nextDelaySeconds(3, SCHEDULE)).toBeNull();
    expect(nextDelaySeconds(1, [0])).toBeNull();
  });
});

describe('webhookBody', () => {
  it('is the envelope {id, type, timestamp, data}, in that order', () => {
    const body = webhookBody({
      id: 'e1',
      type: 'payment_request.paid',
      occurredAt: new Date('2026-11-27T10:00:00.123Z'),
      data: { amount: 'é' },
    });
    expect(body).toBe(
      '{"id":"e1","type":"payment_request.paid","timestamp":"2026-11-27T10:00:00.123Z","data":{"amount":"é"}}',
    );
  });
});

describe('jitterSeconds', () => {
  it('strays at most ±10% from the scheduled delay, never below 0, and keeps 0 at 0', () => {
    expect(jitterSeconds(300, () => 0)).toBe(270);
    expect(jitterSeconds(300, () => 0.5)).toBe(300);
    expect(jitterSeconds(300, () => 0.999999)).toBeCloseTo(330, 2);
    expect(jitterSeconds(0, () => 0)).toBe(0);
    expect(jitterSeconds(0, () => 0.999)).toBe(0);
    for (let i = 0; i < 1000; i++) {
      const d = jitterSeconds(5);
      expect(d).toBeGreaterThanOrEqual(4.5);
      expect(d).toBeLessThanOrEqual(5.5);
    }
  });

  it('spreads the retries of many deliveries over the window rather than one second', () => {
    const delays = new Set(Array.from({ length: 200 }, () => Math.floor(jitterSeconds(300))));
    expect(delays.size).toBeGreaterThan(20);
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-11-27T10:00:00.000Z');
  it('reads delay-seconds and HTTP-dates (IMF-fixdate, RFC 850, asctime)', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Fri, 27 Nov 2026 10:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('Friday, 27-Nov-26 10:00:10 GMT', now)).toBe(10);
    expect(parseRetryAfter('Fri Nov 27 10:00:05 2026', now)).toBe(5);
  });
  it('is 0 for a date already past, null for nothing or nonsense', () => {
    expect(parseRetryAfter('Fri, 27 Nov 2026 09:00:00 GMT', now)).toBe(0);
    for (const bad of [undefined, null, '', '-5', '1.5', 'soon', '2026-11-27', 'Fri, 99 Nov 2026 GMT']) {
      expect(parseRetryAfter(bad, now)).toBeNull();
    }
  });
});

describe('retryDelaySeconds', () => {
  const schedule = [0, 5, 300, 3600];
  const mid = () => 0.5; // no jitter
  it('follows the jittered schedule when the receiver asks nothing', () => {
    expect(retryDelaySeconds(1, schedule, { statusCode: 500, retryAfterSeconds: null }, mid)).toBe(5);
    expect(retryDelaySeconds(1, schedule, { statusCode: 500, retryAfterSeconds: 600 }, mid)).toBe(5);
    expect(retryDelaySeconds(2, schedule, { statusCode: null, retryAfterSeconds: null }, () => 0)).toBe(270);
    expect(retryDelaySeconds(4, schedule, { statusCode: 503, retryAfterSeconds: 60 }, mid)).toBeNull();
  });
  it('waits at least what a 429 or 503 asks, capped at the longest step', () => {
    expect(retryDelaySeconds(1, schedule, { statusCode: 429, retryAfterSeconds: 120 }, mid)).toBe(120);
    expect(retryDelaySeconds(1, schedule, { statusCode: 503, retryAfterSeconds: 120 }, mid)).toBe(120);
    expect(retryDelaySeconds(2, schedule, { statusCode: 503, retryAfterSeconds: 1 }, mid)).toBe(300);
    expect(retryDelaySeconds(1, schedule, { statusCode: 429, retryAfterSeconds: 999999 }, mid)).toBe(3600);
  });
});
