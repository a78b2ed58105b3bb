import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository, type EntityManager } from 'typeorm';
import { SCOPES, type Scope } from '../../common/auth/scopes.js';
import { writeWithin, type WithinWrite } from '../../common/idempotency/idempotency-claim.js';
import { preparedQuery } from '../../database/prepared-query.js';
import { ApiKey } from './api-key.entity.js';
import { displayPrefix, generateApiKey, hashApiKey } from './api-key-secret.js';
import { apiKeyNotFound, scopeEscalation } from './auth.errors.js';

export interface IssuedKey {
  apiKey: ApiKey;
  /** The key in clear: returned once, never stored. */
  secret: string;
}

/** Writing `last_used_at` at most this often keeps authentication read-only on the hot path. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** What authentication needs of a key. */
export type UsableKey = Pick<ApiKey, 'id' | 'organizationId' | 'scopes' | 'platformAdmin'>;

@Injectable()
export class ApiKeysService {
  constructor(@InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>) {}

  /**
   * The live (neither revoked nor expired) key with this secret, or null. Marks it used. In SQL: every
   * authenticated request asks it, and TypeORM's findOne cost more than the lookup itself.
   */
  async findUsable(secret: string): Promise<UsableKey | null> {
    const rows: {
      id: string;
      organization_id: string | null;
      scopes: string[];
      platform_admin: boolean;
      stale: boolean;
    }[] = await preparedQuery(
      this.keys.manager.connection,
      `SELECT id, organization_id, scopes, platform_admin,
              (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2)) AS stale
         FROM api_keys
        WHERE secret_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [hashApiKey(secret), LAST_USED_RESOLUTION_MS / 1000],
    );
    const row = rows[0];
    if (!row) return null;
    if (row.stale) {
      await this.keys.manager.query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [row.id]);
    }
    return {
      id: row.id,
      organizationId: row.organization_id,
      scopes: row.scopes,
      platformAdmin: row.platform_admin,
    };
  }

  /**
   * Whether a live key shows this prefix: a failed credential claiming a real key's prefix is counted
   * against that key (and its caller's address), not against everyone at the address. No index: asked
   * only after a failed authentication, on a table of a few rows per organization.
   */
  async prefixInUse(prefix: string): Promise<boolean> {
    const rows: { found: boolean }[] = await this.keys.manager.query(
      `SELECT EXISTS (
         SELECT 1 FROM api_keys
          WHERE prefix = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
       ) AS found`,
      [prefix],
    );
    return rows[0]?.found === true;
  }

  async issue(
    input: { organizationId: string; name: string; scopes: Scope[]; expiresAt?: Date | null },
    manager?: EntityManager,
  ): Promise<IssuedKey> {
    const repo = manager ? manager.getRepository(ApiKey) : this.keys;
    const secret = generateApiKey();
    const apiKey = await repo.save(
      repo.create({
        organizationId: input.organizationId,
        name: input.name,
        prefix: displayPrefix(secret),
        secretHash: hashApiKey(secret),
        scopes: [...new Set(input.scopes)],
        platformAdmin: false,
        expiresAt: input.expiresAt ?? null,
        lastUsedAt: null,
        revokedAt: null,
      }),
    );
    return { apiKey, secret };
  }

  /**
   * A new key of the caller's organization, with no scope the caller lacks. `withinWrite` runs in the
   * INSERT's transaction (an Idempotency-Key's response is stored there).
   */
  async issueFor(
    callerScopes: ReadonlySet<Scope>,
    input: { organizationId: string; name: string; scopes: Scope[]; expiresAt?: Date | null },
    withinWrite?: WithinWrite<IssuedKey>,
  ): Promise<IssuedKey> {
    const escalated = input.scopes.filter((s) => !callerScopes.has(s));
    if (escalated.length > 0) throw scopeEscalation(escalated);
    return writeWithin(this.keys.manager.connection, withinWrite, (manager) => this.issue(input, manager));
  }

  listForOrganization(organizationId: string): Promise<ApiKey[]> {
    return this.keys.find({
      where: { organizationId, revokedAt: IsNull() },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: 1000,
    });
  }

  async revoke(organizationId: string, id: string): Promise<void> {
    const result = await this.keys.update(
      { id, organizationId, revokedAt: IsNull() },
      { revokedAt: new Date() },
    );
    if (!result.affected) throw apiKeyNotFound();
  }

  /**
   * Makes sure a platform-admin key with exactly this secret exists and is live (ADMIN_API_KEY).
   * Idempotent, and safe when replicas boot together.
   */
  async ensurePlatformAdminKey(secret: string): Promise<void> {
    await this.keys.query(
      `INSERT INTO api_keys (name, prefix, secret_hash, scopes, platform_admin, organization_id)
       VALUES ('ADMIN_API_KEY', $1, $2, $3, true, NULL)
       ON CONFLICT (secret_hash) DO UPDATE
         SET platform_admin = true, organization_id = NULL, revoked_at = NULL, expires_at = NULL,
             scopes = EXCLUDED.scopes`,
      [displayPrefix(secret), hashApiKey(secret), ['admin']],
    );
  }

  /**
   * On the very first boot without ADMIN_API_KEY, creates a platform-admin key and returns its secret so
   * that it can be printed once. Returns null when one already exists.
   */
  async createFirstPlatformAdminKey(): Promise<string | null> {
    return this.keys.manager.transaction(async (manager) => {
      // Serialises replicas booting together on an empty database.
      await manager.query('SELECT pg_advisory_xact_lock(7702003)');
      const existing = await manager.getRepository(ApiKey).count({ where: { platformAdmin: true } });
      if (existing > 0) return null;
      const secret = generateApiKey();
      await manager.getRepository(ApiKey).insert({
        name: 'generated at first boot',
        prefix: displayPrefix(secret),
        secretHash: hashApiKey(secret),
        scopes: ['admin'],
        platformAdmin: true,
        organizationId: null,
      });
      return secret;
    });
  }
}

export const ORGANIZATION_SCOPES: Scope[] = [...SCOPES];
