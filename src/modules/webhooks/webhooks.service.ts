import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { writeWithin, type WithinWrite } from '../../common/idempotency/idempotency-claim.js';
import { encodeCursor, readCursor } from '../../common/pagination/cursor.js';
import { DomainEvents } from '../../events/domain-events.js';
import { AddressNotAllowedError, WebhookAddressGuard } from './webhook-address-guard.js';
import type { WebhookEndpoint } from './webhook-endpoint.entity.js';
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
    const last = rows.at(-1);
    return {
      rows,
      nextCursor:
        hasMore && last
          ? encodeCursor({ sort: ENDPOINT_SORT, value: last.createdAt.toISOString(), id: last.id })
          : null,
    };
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
