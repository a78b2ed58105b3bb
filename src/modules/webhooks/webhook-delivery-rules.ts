/**
 * What an attempt's outcome means, pure. Success is a 2xx and nothing else: a 3xx is a failure (a
 * redirect is never followed: it could point anywhere, inside our network included); 410 Gone is the
 * receiver saying the endpoint no longer exists, so it is disabled and no retry follows.
 */
export type AttemptVerdict = 'succeeded' | 'retry' | 'exhausted' | 'gone';

export function judgeAttempt(
  statusCode: number | null,
  attempt: number,
  scheduleSeconds: readonly number[],
): AttemptVerdict {
  if (statusCode !== null && statusCode >= 200 && statusCode < 300) return 'succeeded';
  if (statusCode === 410) return 'gone';
  return nextDelaySeconds(attempt, scheduleSeconds) === null ? 'exhausted' : 'retry';
}

/**
 * The delay before the attempt after `attempt` (1-based), or null when the schedule is spent. The
 * schedule lists the delay before each attempt: entry 0 before the first, entry n before attempt n+1.
 */
export function nextDelaySeconds(attempt: number, scheduleSeconds: readonly number[]): number | null {
  return scheduleSeconds[attempt] ?? null;
}

/** How far a scheduled delay may stray either way, so that retries of many events spread out. */
export const RETRY_JITTER = 0.1;

/**
 * A scheduled delay with a random jitter of ±RETRY_JITTER (ms precision, never below 0): a receiver
 * coming back after an outage is not hit by every pending retry in the same second. 0 stays 0 (the
 * first attempt is immediate). `random` is Math.random's contract: [0, 1).
 */
export function jitterSeconds(seconds: number, random: () => number = Math.random): number {
  if (seconds <= 0) return 0;
  const factor = 1 + (random() * 2 - 1) * RETRY_JITTER;
  return Math.max(0, Math.round(seconds * factor * 1000) / 1000);
}

/**
 * A `Retry-After` header (RFC 9110 §10.2.3) as seconds from `now`: delay-seconds or an HTTP-date (a
 * date already past is 0). Null when absent or unreadable.
 */
export function parseRetryAfter(header: string | null | undefined, now: Date): number | null {
  const value = header?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value);
  // An HTTP-date names its weekday and says GMT; Date.parse reads the three formats RFC 9110 allows.
  if (!/[A-Za-z]/.test(value)) return null;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/**
 * The delay before the attempt after `attempt`, or null when the schedule is spent: the schedule's
 * delay with its jitter, but never earlier than a 429 or 503 receiver asked in `Retry-After` — which is
 * capped at the schedule's longest step, so that a receiver cannot park a delivery for days.
 */
export function retryDelaySeconds(
  attempt: number,
  scheduleSeconds: readonly number[],
  response: { statusCode: number | null; retryAfterSeconds: number | null },
  random: () => number = Math.random,
): number | null {
  const scheduled = nextDelaySeconds(attempt, scheduleSeconds);
  if (scheduled === null) return null;
  const delay = jitterSeconds(scheduled, random);
  const asked = response.retryAfterSeconds;
  if ((response.statusCode !== 429 && response.statusCode !== 503) || asked === null) return delay;
  return Math.max(delay, Math.min(asked, Math.max(...scheduleSeconds)));
}

/** The body sent, exactly as signed: the Standard Webhooks recommended envelope. */
export function webhookBody(event: { id: string; type: string; occurredAt: Date; data: unknown }): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    timestamp: event.occurredAt.toISOString(),
    data: event.data,
  });
}
