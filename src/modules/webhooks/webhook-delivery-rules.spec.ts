import { judgeAttempt, nextDelaySeconds, webhookBody } from './webhook-delivery-rules.js';

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
