/**
 * Counts failed authentications per bucket (an address, or an address and the key a credential claims
 * to be) in a fixed window; past `max`, the bucket's failures answer 429. It never refuses a valid
 * credential: the guard verifies first and only counts what failed.
 *
 * Kept in each replica's memory on purpose, although DESIGN keeps shared state out of process memory:
 * nothing correct depends on it (a valid key passes on every replica), so N replicas only let a guesser
 * fail N × max times per window instead of max, still bounded; a restart forgetting the counts is
 * harmless; and counting in PostgreSQL would turn every failed attempt into a write an attacker can
 * cause at will.
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private static readonly MAX_TRACKED = 100_000;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `client` may try again, or 0 when it is not blocked. */
  retryAfterSeconds(client: string): number {
    const window = this.windows.get(client);
    if (!window) return 0;
    const now = this.now();
    if (window.resetAt <= now) {
      this.windows.delete(client);
      return 0;
    }
    return window.count >= this.max ? Math.ceil((window.resetAt - now) / 1000) : 0;
  }

  recordFailure(client: string): void {
    const now = this.now();
    const window = this.windows.get(client);
    if (window && window.resetAt > now) {
      window.count += 1;
      return;
    }
    if (this.windows.size >= AuthFailureLimiter.MAX_TRACKED) this.prune(now);
    this.windows.set(client, { count: 1, resetAt: now + this.windowMs });
  }

  private prune(now: number): void {
    for (const [client, window] of this.windows) {
      if (window.resetAt <= now) this.windows.delete(client);
    }
    // Still full of live entries: forget the oldest rather than grow without bound.
    while (this.windows.size >= AuthFailureLimiter.MAX_TRACKED) {
      const oldest = this.windows.keys().next().value;
      if (oldest === undefined) break;
      this.windows.delete(oldest);
    }
  }
}
