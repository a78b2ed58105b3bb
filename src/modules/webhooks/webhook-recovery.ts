/**
 * Recovery (POST /webhooks/{id}/recover): a new series for every event of an endpoint that was given up
 * in a window. Bounded so that one request is one short transaction: a window of at most
 * RECOVER_MAX_WINDOW_DAYS, at most RECOVER_MAX_EVENTS events (more: narrow the window, or call again once
 * these are delivered — recovered events are no longer given up, so each call takes the next ones).
 */
export const RECOVER_MAX_WINDOW_DAYS = 14;
export const RECOVER_MAX_EVENTS = 1000;

export type RecoverWindow =
  { ok: true; since: Date; until: Date } | { ok: false; problem: 'empty' | 'too_large' };

/** [since, until): until defaults to now; since before until, at most RECOVER_MAX_WINDOW_DAYS apart. */
export function recoverWindow(since: string, until: string | undefined, now: Date): RecoverWindow {
  const from = new Date(since);
  const to = until === undefined ? now : new Date(until);
  if (from.getTime() >= to.getTime()) return { ok: false, problem: 'empty' };
  if (to.getTime() - from.getTime() > RECOVER_MAX_WINDOW_DAYS * 86_400_000) {
    return { ok: false, problem: 'too_large' };
  }
  return { ok: true, since: from, until: to };
}
