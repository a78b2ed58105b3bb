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

/** The body sent, exactly as signed: the Standard Webhooks recommended envelope. */
export function webhookBody(event: { id: string; type: string; occurredAt: Date; data: unknown }): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    timestamp: event.occurredAt.toISOString(),
    data: event.data,
  });
}
