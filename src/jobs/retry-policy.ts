/**
 * How a job that failed is tried again. Either pg-boss's own (a limit, a delay, optionally doubled at
 * each retry with jitter), or an explicit list of delays such as a webhook's `5,300,1800,…`: one retry
 * per entry, each after that many seconds.
 */
export type RetryPolicy =
  { limit: number; delaySeconds?: number; backoff?: boolean } | { delaysSeconds: readonly number[] };

/** Twice more, after 30 s then 5 min: a transient fault (a restart, a lock timeout) passes meanwhile. */
export const DEFAULT_RETRY: RetryPolicy = { delaysSeconds: [30, 300] };

/** What pg-boss keeps on the queue (and copies onto each job, cron-sent ones included). */
export interface QueueRetryOptions {
  retryLimit: number;
  retryDelay: number;
  retryBackoff: boolean;
}

export function queueRetryOptions(policy: RetryPolicy): QueueRetryOptions {
  if ('delaysSeconds' in policy) {
    const delays = policy.delaysSeconds;
    if (delays.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new Error(`retry delays must be whole seconds >= 0, got ${delays.join(',')}`);
    }
    return { retryLimit: delays.length, retryDelay: delays[0] ?? 0, retryBackoff: false };
  }
  if (!Number.isInteger(policy.limit) || policy.limit < 0) throw new Error(`retry limit ${policy.limit}`);
  const delay = policy.delaySeconds ?? 0;
  if (!Number.isInteger(delay) || delay < 0) throw new Error(`retry delay ${delay}`);
  return { retryLimit: policy.limit, retryDelay: delay, retryBackoff: policy.backoff ?? false };
}

/**
 * The delay before the retry that follows the failure of the run numbered `retryCount` (0 for the
 * first run), when the policy lists its delays; null when pg-boss computes it (or no retry is left).
 */
export function explicitDelayAfter(policy: RetryPolicy, retryCount: number): number | null {
  if (!('delaysSeconds' in policy)) return null;
  return policy.delaysSeconds[retryCount] ?? null;
}
