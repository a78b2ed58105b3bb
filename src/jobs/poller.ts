import type { DataSource } from 'typeorm';

/**
 * What the pollers (the chain watcher, the Lightning watcher) share: one run at a time across replicas,
 * and a bounded fan-out of their lookups.
 */

/**
 * Runs `work` unless another replica holds `key` (then `{ ran: false }` at once). The lock is a
 * transaction-level advisory lock on a connection of its own, held while `work` runs (its writes go
 * through other connections): it ends with that transaction, whatever happens — a crash, a lost
 * connection — and can never be left behind on a pooled connection.
 */
export async function runExclusively<T>(
  dataSource: DataSource,
  key: bigint,
  work: () => Promise<T>,
): Promise<{ ran: true; result: T } | { ran: false }> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [
        key.toString(),
      ])) as { locked: boolean }[];
      if (!locked) return { ran: false };
      return { ran: true, result: await work() };
    } finally {
      await runner.commitTransaction();
    }
  } finally {
    await runner.release();
  }
}

/** Runs `work` over `items`, at most `limit` at once. */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
