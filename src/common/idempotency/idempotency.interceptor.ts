import { createHash, randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { from, lastValueFrom, of, type Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { DomainError } from '../errors/domain-error.js';
import { IdempotencyClaim } from './idempotency-claim.js';
import { IdempotencyKey } from './idempotency-key.entity.js';

export const IDEMPOTENCY_TTL_HOURS = 24;
const IDEMPOTENCY_REDACTS = 'idempotency:redacts';

/** Dotted paths of response fields never to keep (e.g. `apiKey.key`): a replay shows them as null. */
export const IdempotencyRedacts = (...paths: string[]) => SetMetadata(IDEMPOTENCY_REDACTS, paths);
const KEY = /^[\x21-\x7e]{1,255}$/;

declare module 'express' {
  interface Request {
    /** What the body parser alone does not see, e.g. the sha256 of an uploaded file. */
    idempotencyFingerprint?: string;
  }
}

/**
 * `Idempotency-Key` on POSTs that create, with Stripe's semantics: the same key with the same request
 * replays the first (successful) response; with a different request it is refused with 422; while the
 * first is still running, 409. Keys are kept 24 h per organization. A failed first attempt frees the key.
 * Fields named by `@IdempotencyRedacts` (secrets shown once) are stored, and so replayed, as null.
 *
 * Crashes: the running request holds the key on a lease it renews (IDEMPOTENCY_LEASE_SECONDS); a request
 * that died stops renewing, and once the lease has run out a retry takes the key over (atomically: of two
 * racing retries one runs, the other gets 409). Services store the response in the transaction of their
 * write (`storeWithWrite`), so a request that died after its commit has its response kept and replayed,
 * never made twice.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly leaseSeconds: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.leaseSeconds = config.idempotency.leaseSeconds;
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const key = req.header('idempotency-key');
    if (key === undefined) return next.handle();
    if (!KEY.test(key)) {
      throw new DomainError(
        'bad_request',
        'INVALID_IDEMPOTENCY_KEY',
        'Idempotency-Key must be 1 to 255 visible ASCII characters',
      );
    }
    const owner = req.principal?.organizationId ?? `platform:${req.principal?.subject ?? ''}`;
    const requestHash = fingerprint(req);
    const token = randomUUID();

    const id = await this.claim(owner, key, requestHash, token);
    if (id === null) {
      const first = await this.dataSource.getRepository(IdempotencyKey).findOneBy({ owner, key });
      if (!first) return this.intercept(context, next);
      if (first.requestHash !== requestHash) {
        throw new DomainError(
          'unprocessable',
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was already used with a different request',
        );
      }
      if (first.statusCode === null) {
        // When a retry may take the key over if the first request died (it renews the lease while alive).
        const leaseLeftMs = (first.leaseExpiresAt?.getTime() ?? 0) - Date.now();
        res.setHeader('Retry-After', String(Math.max(1, Math.ceil(leaseLeftMs / 1000))));
        throw new DomainError(
          'conflict',
          'IDEMPOTENCY_REQUEST_IN_PROGRESS',
          'The first request with this key is still running',
        );
      }
      res.status(first.statusCode);
      res.setHeader('Idempotent-Replayed', 'true');
      return of(first.responseBody);
    }

    const handler = context.getHandler();
    const redacts = this.reflector.get<string[] | undefined>(IDEMPOTENCY_REDACTS, handler) ?? [];
    const successStatus = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, handler) ?? 201;
    const claim = new IdempotencyClaim(this.dataSource, id, token, this.leaseSeconds, successStatus, (body) =>
      redact(body ?? null, redacts),
    );
    req.idempotency = claim;
    return from(
      (async () => {
        // Renewed well before it runs out, so that only a request that stopped running loses its key.
        const renewal = setInterval(
          () => void claim.renew().catch(() => undefined),
          Math.max(200, (this.leaseSeconds * 1000) / 3),
        );
        renewal.unref();
        try {
          const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
          await claim.storeAfter(res.statusCode, body);
          return body;
        } catch (e) {
          await claim.release();
          throw e;
        } finally {
          clearInterval(renewal);
        }
      })(),
    );
  }

  /**
   * Takes the key for this request and returns its row id, or null when another holds it. The key is
   * free when new, past its 24 hours, or left in progress by a request whose lease ran out with the same
   * request (a row from before leases has none: its request is long gone). The row lock of ON CONFLICT
   * DO UPDATE makes the takeover atomic: a second retry re-checks the condition on the new lease.
   */
  private async claim(
    owner: string,
    key: string,
    requestHash: string,
    token: string,
  ): Promise<string | null> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO idempotency_keys (owner, key, request_hash, lease_token, lease_expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
       ON CONFLICT (owner, key) DO UPDATE
       SET request_hash = EXCLUDED.request_hash, lease_token = EXCLUDED.lease_token,
           lease_expires_at = EXCLUDED.lease_expires_at, status_code = NULL, response_body = NULL,
           created_at = now()
       WHERE idempotency_keys.created_at < now() - make_interval(hours => $6)
          OR (idempotency_keys.status_code IS NULL
              AND idempotency_keys.request_hash = EXCLUDED.request_hash
              AND coalesce(idempotency_keys.lease_expires_at, '-infinity') < now())
       RETURNING id`,
      [owner, key, requestHash, token, this.leaseSeconds, IDEMPOTENCY_TTL_HOURS],
    );
    return rows.length === 1 ? rows[0].id : null;
  }
}

function fingerprint(req: Request): string {
  return createHash('sha256')
    .update(`${req.method} ${req.path}\n${stableStringify(req.body)}\n${req.idempotencyFingerprint ?? ''}`)
    .digest('hex');
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function redact(body: unknown, paths: string[]): object | null {
  if (typeof body !== 'object' || body === null) return null;
  if (paths.length === 0) return body;
  const copy = structuredClone(body) as Record<string, unknown>;
  for (const path of paths) {
    const parts = path.split('.');
    let node: unknown = copy;
    for (const part of parts.slice(0, -1)) {
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
    }
    if (typeof node === 'object' && node !== null) (node as Record<string, unknown>)[parts.at(-1)!] = null;
  }
  return copy;
}
