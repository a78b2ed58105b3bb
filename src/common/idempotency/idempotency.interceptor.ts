import { createHash } from 'node:crypto';
import {
  Injectable,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { from, lastValueFrom, of, type Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { DomainError } from '../errors/domain-error.js';
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
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reflector: Reflector,
  ) {}

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
    const repo = this.dataSource.getRepository(IdempotencyKey);

    const claimed = await this.claim(owner, key, requestHash);
    if (!claimed) {
      const first = await repo.findOneBy({ owner, key });
      if (!first) return this.intercept(context, next);
      if (first.requestHash !== requestHash) {
        throw new DomainError(
          'unprocessable',
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was already used with a different request',
        );
      }
      if (first.statusCode === null) {
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

    return from(
      (async () => {
        try {
          const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
          const redacted = this.reflector.get<string[] | undefined>(
            IDEMPOTENCY_REDACTS,
            context.getHandler(),
          );
          await repo.update(
            { owner, key },
            { statusCode: res.statusCode, responseBody: redact(body ?? null, redacted ?? []) },
          );
          return body;
        } catch (e) {
          await repo.delete({ owner, key });
          throw e;
        }
      })(),
    );
  }

  /** Inserts the key as "in progress"; false when it is already taken (an expired one is freed first). */
  private async claim(owner: string, key: string, requestHash: string): Promise<boolean> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE owner = $1 AND key = $2 AND created_at < now() - make_interval(hours => $3)`,
      [owner, key, IDEMPOTENCY_TTL_HOURS],
    );
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO idempotency_keys (owner, key, request_hash) VALUES ($1, $2, $3)
       ON CONFLICT (owner, key) DO NOTHING RETURNING id`,
      [owner, key, requestHash],
    );
    return inserted.length === 1;
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
