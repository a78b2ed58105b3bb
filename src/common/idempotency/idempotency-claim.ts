import type { Request } from 'express';
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../errors/domain-error.js';

declare module 'express' {
  interface Request {
    /** The Idempotency-Key this request holds (idempotency.interceptor.ts), when it sent one. */
    idempotency?: IdempotencyClaim;
  }
}

/**
 * What a service calls inside the transaction of its write, with what it created: the key's response
 * is then committed with the write, or not at all.
 */
export type WithinWrite<T> = (manager: EntityManager, created: T) => Promise<void>;

/**
 * A request's hold on its Idempotency-Key: a lease it renews while it runs, and the one way to store the
 * key's response. Every statement is conditioned on the lease token, so a request whose lease was taken
 * over (it stalled past the lease, a retry came) can neither store a response nor commit a write that
 * stores one: of two holders, exactly one wins.
 */
export class IdempotencyClaim {
  private stored = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly id: string,
    private readonly token: string,
    private readonly leaseSeconds: number,
    /** The route's success status (201 for a POST unless @HttpCode says otherwise). */
    private readonly statusCode: number,
    private readonly redact: (body: unknown) => object | null,
  ) {}

  /**
   * Stores `body` as the key's response in `manager`'s transaction. Throws when the key was taken over,
   * which rolls the caller's write back: the request that took it over makes the write instead.
   */
  async storeWithin(manager: EntityManager, body: unknown): Promise<void> {
    const updated = await this.update(manager, this.statusCode, body);
    if (!updated) {
      throw new DomainError(
        'conflict',
        'IDEMPOTENCY_REQUEST_IN_PROGRESS',
        'Another request with this Idempotency-Key took it over; retry to get its response',
      );
    }
    this.stored = true;
  }

  /** After the handler: stores its response unless it was stored with the write. */
  async storeAfter(statusCode: number, body: unknown): Promise<void> {
    if (this.stored) return;
    await this.update(this.dataSource.manager, statusCode, body);
  }

  /**
   * After a failure: frees the key for a corrected request. A response committed with the write (the
   * failure came after the commit) is kept, since the write happened.
   */
  async release(): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE id = $1 AND lease_token = $2 AND status_code IS NULL`,
      [this.id, this.token],
    );
  }

  /** Pushes the lease's end back while the request still runs. */
  async renew(): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET lease_expires_at = now() + make_interval(secs => $3)
       WHERE id = $1 AND lease_token = $2 AND status_code IS NULL`,
      [this.id, this.token, this.leaseSeconds],
    );
  }

  private async update(manager: EntityManager, statusCode: number, body: unknown): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [, affected] = await manager.query<[unknown, number]>(
      `UPDATE idempotency_keys
       SET status_code = $3, response_body = $4, lease_token = NULL, lease_expires_at = NULL
       WHERE id = $1 AND lease_token = $2 AND status_code IS NULL`,
      [this.id, this.token, statusCode, jsonb(this.redact(body))],
    );
    return affected === 1;
  }
}

function jsonb(value: object | null): string | null {
  return value === null ? null : JSON.stringify(value);
}

/**
 * For a service's `withinWrite`: the response `render` makes of what was created, stored in the write's
 * own transaction. Undefined when the request sent no Idempotency-Key (the write then needs none).
 */
export function storeWithWrite<T>(req: Request, render: (created: T) => unknown): WithinWrite<T> | undefined {
  const claim = req.idempotency;
  return claim ? (manager, created) => claim.storeWithin(manager, render(created)) : undefined;
}

/**
 * `write`, then `withinWrite` with what it created, in one transaction. Without `withinWrite` (no
 * Idempotency-Key), `write` alone on the data source's manager, in autocommit as before.
 */
export function writeWithin<T>(
  dataSource: DataSource,
  withinWrite: WithinWrite<T> | undefined,
  write: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  if (!withinWrite) return write(dataSource.manager);
  return dataSource.transaction(async (manager) => {
    const created = await write(manager);
    await withinWrite(manager, created);
    return created;
  });
}
