import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { writeWithin, type WithinWrite } from '../../common/idempotency/idempotency-claim.js';
import { readCursor, nextCreatedAtCursor } from '../../common/pagination/cursor.js';
import { DomainEvents } from '../../events/domain-events.js';
import { AddressNotAllowedError, WebhookAddressGuard } from './webhook-address-guard.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';
import { WEBHOOK_TEST_EVENT } from './webhook-event-types.js';
import { generateWebhookSecret } from './webhook-signer.js';
import { checkWebhookUrl } from './webhook-url.js';
import {
  webhookNotFound,
  webhookUrlInvalid,
  webhookUrlNotPublic,
  webhookUrlUnresolvable,
} from './webhooks.errors.js';
import { WebhooksRepository } from './webhooks.repository.js';

declare module '../../events/domain-events.js' {
  interface EventPayloads {
    /** Asked for by POST /webhooks/{id}/test: delivered to that endpoint only. */
    [WEBHOOK_TEST_EVENT]: { webhookId: string };
  }
}

const ENDPOINT_SORT = 'created_at';

/** An endpoint another module keeps in step with one of its records (a checkout store's callback). */
export interface ManagedEndpointSpec {
  organizationId: string;
  managedBy: string;
  ownerId: string;
  /** Null: the owner has no URL now; the endpoint (and its log) stays, disabled. */
  url: string | null;
  secret: string;
  events: string[];
  bodyFormat: WebhookEndpoint['bodyFormat'];
  description: string;
  /**
   * The owner has just set its URL (a store's PATCH): an endpoint a 410 Gone disabled is enabled again.
   * Otherwise a disabled endpoint stays so until its URL changes.
   */
  reenable?: boolean;
}

export interface WebhookInput {
  url: string;
  events?: string[];
  description?: string | null;
  enabled?: boolean;
}

@Injectable()
export class WebhooksService {
  constructor(
    private readonly repository: WebhooksRepository,
    private readonly guard: WebhookAddressGuard,
    private readonly events: DomainEvents,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * `withinWrite` runs in the INSERT's transaction: an Idempotency-Key's response is committed with the
   * endpoint, or neither is.
   */
  async create(
    organizationId: string,
    input: WebhookInput,
    withinWrite?: WithinWrite<WebhookEndpoint>,
  ): Promise<WebhookEndpoint> {
    await this.checkUrl(input.url);
    return writeWithin(this.dataSource, withinWrite, (manager) =>
      this.repository.insert(
        {
          organizationId,
          url: input.url,
          events: unique(input.events ?? []),
          description: input.description || null,
          enabled: input.enabled ?? true,
          secret: generateWebhookSecret(),
        },
        manager,
      ),
    );
  }

  async get(organizationId: string, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.repository.findOneForOrganization(organizationId, id);
    if (!endpoint) throw webhookNotFound();
    return endpoint;
  }

  async update(organizationId: string, id: string, input: Partial<WebhookInput>): Promise<WebhookEndpoint> {
    await this.get(organizationId, id); // 404 before judging the URL
    if (input.url !== undefined) await this.checkUrl(input.url);
    const updated = await this.repository.update(organizationId, id, {
      ...(input.url !== undefined && { url: input.url }),
      ...(input.events !== undefined && { events: unique(input.events) }),
      ...(input.description !== undefined && { description: input.description || null }),
      ...(input.enabled !== undefined && { enabled: input.enabled }),
    });
    if (!updated) throw webhookNotFound();
    return updated;
  }

  async delete(organizationId: string, id: string): Promise<void> {
    if (!(await this.repository.delete(organizationId, id))) throw webhookNotFound();
  }

  /** A new secret at once; the old one stops signing (receivers switch when they get the new one). */
  async rotateSecret(organizationId: string, id: string): Promise<WebhookEndpoint> {
    await this.get(organizationId, id);
    const updated = await this.repository.update(organizationId, id, { secret: generateWebhookSecret() });
    if (!updated) throw webhookNotFound();
    return updated;
  }

  /** Records a `webhook.test` event for this endpoint; returns its id (the webhook-id it arrives with). */
  async sendTest(organizationId: string, id: string): Promise<string> {
    await this.get(organizationId, id);
    return this.dataSource.transaction((manager) =>
      this.events.record(manager, { type: WEBHOOK_TEST_EVENT, organizationId, payload: { webhookId: id } }),
    );
  }

  async list(
    organizationId: string,
    page: { limit: number; cursor?: string },
  ): Promise<{ rows: WebhookEndpoint[]; nextCursor: string | null }> {
    let after: { createdAt: string; id: string } | undefined;
    if (page.cursor) {
      const position = readCursor(page.cursor, { sort: ENDPOINT_SORT, value: 'iso-ms', id: 'uuid' });
      after = { createdAt: position.value, id: position.id };
    }
    const { rows, hasMore } = await this.repository.findPageForOrganization(organizationId, {
      limit: page.limit,
      after,
    });
    return { rows, nextCursor: nextCreatedAtCursor(ENDPOINT_SORT, rows, hasMore) };
  }

  /**
   * Creates or updates the managed endpoint of `spec.ownerId`, in the caller's transaction: its URL,
   * secret and subscription follow the owner's. Returns it, or null when there is none and no URL.
   */
  async syncManaged(manager: EntityManager, spec: ManagedEndpointSpec): Promise<WebhookEndpoint | null> {
    const repo = manager.getRepository(WebhookEndpoint);
    const where = { organizationId: spec.organizationId, managedBy: spec.managedBy, ownerId: spec.ownerId };
    const existing = await repo.findOne({ where, lock: { mode: 'pessimistic_write' } });
    if (!existing) {
      if (spec.url === null) return null;
      const inserted: { id: string }[] = await manager.query(
        `INSERT INTO webhook_endpoints
           (organization_id, managed_by, owner_id, url, secret, events, body_format, description, enabled)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true)
         ON CONFLICT (managed_by, owner_id) WHERE managed_by IS NOT NULL DO NOTHING
         RETURNING id`,
        [
          spec.organizationId,
          spec.managedBy,
          spec.ownerId,
          spec.url,
          spec.secret,
          spec.events,
          spec.bodyFormat,
          spec.description,
        ],
      );
      if (inserted.length > 0) return repo.findOneByOrFail({ id: inserted[0].id });
      return this.syncManaged(manager, spec); // made meanwhile by another transaction: update it
    }
    // Disabled by a 410 Gone: it stays so until the owner sets its URL again.
    const url = spec.url ?? existing.url;
    const changes = {
      url,
      enabled: spec.url !== null && (existing.enabled || url !== existing.url || spec.reenable === true),
      secret: spec.secret,
      events: spec.events,
      bodyFormat: spec.bodyFormat,
      description: spec.description,
    };
    const same =
      changes.url === existing.url &&
      changes.enabled === existing.enabled &&
      changes.secret === existing.secret &&
      changes.bodyFormat === existing.bodyFormat &&
      changes.description === existing.description &&
      changes.events.join(',') === existing.events.join(',');
    if (same) return existing;
    await repo.update({ id: existing.id }, changes);
    return repo.findOneByOrFail({ id: existing.id });
  }

  /** The managed endpoint of an owner, or null. */
  findManaged(organizationId: string, managedBy: string, ownerId: string): Promise<WebhookEndpoint | null> {
    return this.dataSource
      .getRepository(WebhookEndpoint)
      .findOne({ where: { organizationId, managedBy, ownerId } });
  }

  /**
   * The URL's shape, then every address its host resolves to (checked again at each delivery). Also
   * judges other modules' callback URLs (checkout stores), which are delivered the same way.
   */
  async checkUrl(raw: string): Promise<void> {
    const checked = checkWebhookUrl(raw);
    if (!checked.ok) throw webhookUrlInvalid(checked.problem);
    try {
      await this.guard.resolve(checked.url.hostname);
    } catch (e) {
      if (e instanceof AddressNotAllowedError) throw webhookUrlNotPublic(e.host, e.address);
      throw webhookUrlUnresolvable(checked.url.hostname);
    }
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
