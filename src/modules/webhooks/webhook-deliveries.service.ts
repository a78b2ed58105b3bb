import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { LOGGER } from '../../common/logging/logger.js';
import { readCursor, nextCreatedAtCursor } from '../../common/pagination/cursor.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { DomainEvents, type DomainEvent } from '../../events/domain-events.js';
import { JobQueue } from '../../jobs/job-queue.js';
import { AddressNotAllowedError, WebhookAddressGuard } from './webhook-address-guard.js';
import { WebhookDelivery, type WebhookDeliveryStatus } from './webhook-delivery.entity.js';
import {
  jitterSeconds,
  judgeAttempt,
  parseRetryAfter,
  retryDelaySeconds,
  webhookBody,
} from './webhook-delivery-rules.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';
import { PAYMENT_EVENT_TYPES, WEBHOOK_TEST_EVENT } from './webhook-event-types.js';
import { sendWebhook, type SendOutcome } from './webhook-sender.js';
import { signWebhook } from './webhook-signer.js';
import { checkWebhookUrl } from './webhook-url.js';
import { RECOVER_MAX_EVENTS, RECOVER_MAX_WINDOW_DAYS, recoverWindow } from './webhook-recovery.js';
import {
  webhookDeliveryNotFound,
  webhookDisabled,
  webhookNotFound,
  webhookRecoverTooManyEvents,
  webhookRecoverWindowInvalid,
} from './webhooks.errors.js';

export const DELIVER_JOB = 'webhooks.deliver';

declare module '../../jobs/job-queue.js' {
  interface JobPayloads {
    /** One attempt: the pending webhook_deliveries row it fills in. */
    [DELIVER_JOB]: { deliveryId: string };
  }
}

const DELIVERY_SORT = '-created_at';

/** Who receives an event of a type among managed endpoints: those of `managedBy` owned by ownerOf(event). */
interface ManagedRoute {
  managedBy: string;
  ownerOf: (event: DomainEvent) => string | null;
}

/**
 * Deliveries: a subscriber turns each event into one first attempt per endpoint that receives it, and
 * each attempt is a job (one job per attempt, scheduled by WEBHOOK_RETRY_SCHEDULE, rather than pg-boss
 * retries of one job, so that every attempt is a row of the log with its own outcome and next time).
 */
@Injectable()
export class WebhookDeliveriesService implements OnModuleInit {
  private readonly managedRoutes = new Map<string, ManagedRoute>();

  constructor(
    private readonly events: DomainEvents,
    private readonly jobs: JobQueue,
    private readonly guard: WebhookAddressGuard,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.events.subscribe({
      name: 'webhooks.fan-out',
      // The payment types are declared by the payment-requests module; until it records them, the
      // subscription simply gets none.
      types: [...PAYMENT_EVENT_TYPES, WEBHOOK_TEST_EVENT],
      handle: (event) => this.fanOut(event),
      // One short transaction: a fan-out its instance died running is taken up again within a minute
      // (the 15 min default would hold the event's deliveries that long), and soon after a failure.
      timeoutSeconds: 30,
      retry: { delaysSeconds: [2, 30, 300] },
      // Every payment event goes through it, those of organizations without endpoints too: it bounds
      // deliveries/s (at 4, bench:payments saw it ~25/s behind the events, deliveries idle).
      concurrency: 10,
    });
    this.jobs.define(DELIVER_JOB, {
      handle: ({ deliveryId }) => this.attempt(deliveryId),
      // The schedule is ours (a row per attempt); pg-boss only re-runs an attempt lost to a crash (after
      // its timeout: the request's own, and a margin for the two short transactions around it) or one
      // whose outcome could not be recorded.
      retry: { delaysSeconds: [2, 30, 300] },
      timeoutSeconds: this.config.webhooks.timeoutSeconds + 15,
      concurrency: 10,
    });
  }

  /**
   * Events of `type` also go to the managed endpoints of `managedBy` whose owner is ownerOf(event) (a
   * checkout store's callback gets its own invoices' events only). Before the app starts (onModuleInit).
   */
  routeToManaged(type: string, route: ManagedRoute): void {
    if (this.managedRoutes.has(type)) throw new Error(`managed route of ${type} defined twice`);
    this.managedRoutes.set(type, route);
  }

  /**
   * Lists an endpoint's attempts, newest first, those in `status` only when given (served by
   * IDX_webhook_deliveries_endpoint_status_created, in the same keyset order: a cursor is the same).
   */
  async list(
    organizationId: string,
    endpointId: string,
    page: { limit: number; cursor?: string; status?: WebhookDeliveryStatus },
  ): Promise<{ rows: WebhookDelivery[]; nextCursor: string | null }> {
    await this.endpointOf(organizationId, endpointId);
    return this.listOf(organizationId, endpointId, page);
  }

  /** The same for a managed endpoint (its module has checked who asks). */
  listManaged(
    endpoint: WebhookEndpoint,
    page: { limit: number; cursor?: string },
  ): Promise<{ rows: WebhookDelivery[]; nextCursor: string | null }> {
    return this.listOf(endpoint.organizationId, endpoint.id, page);
  }

  private async listOf(
    organizationId: string,
    endpointId: string,
    page: { limit: number; cursor?: string; status?: WebhookDeliveryStatus },
  ): Promise<{ rows: WebhookDelivery[]; nextCursor: string | null }> {
    const qb = this.dataSource
      .getRepository(WebhookDelivery)
      .createQueryBuilder('d')
      .where('d.organization_id = :organizationId AND d.endpoint_id = :endpointId', {
        organizationId,
        endpointId,
      });
    if (page.status) qb.andWhere('d.status = :status', { status: page.status });
    if (page.cursor) {
      const position = readCursor(page.cursor, { sort: DELIVERY_SORT, value: 'iso-ms', id: 'uuid' });
      qb.andWhere('(d.created_at, d.id) < (:createdAt, :id)', { createdAt: position.value, id: position.id });
    }
    const found = await qb
      .orderBy('d.created_at', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .limit(page.limit + 1)
      .getMany();
    const rows = found.slice(0, page.limit);
    return { rows, nextCursor: nextCreatedAtCursor(DELIVERY_SORT, rows, found.length > page.limit) };
  }

  /** A new series for the event of `deliveryId`: same webhook-id and body, a fresh timestamp and signature. */
  async redeliver(organizationId: string, endpointId: string, deliveryId: string): Promise<WebhookDelivery> {
    await this.endpointOf(organizationId, endpointId);
    return this.redeliverOf(organizationId, endpointId, deliveryId);
  }

  /** The same for a managed endpoint (its module has checked who asks). */
  redeliverManaged(endpoint: WebhookEndpoint, deliveryId: string): Promise<WebhookDelivery> {
    return this.redeliverOf(endpoint.organizationId, endpoint.id, deliveryId);
  }

  private async redeliverOf(
    organizationId: string,
    endpointId: string,
    deliveryId: string,
  ): Promise<WebhookDelivery> {
    const original = await this.dataSource
      .getRepository(WebhookDelivery)
      .findOne({ where: { id: deliveryId, organizationId, endpointId } });
    if (!original) throw webhookDeliveryNotFound();
    return this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(WebhookDelivery);
      const delivery = await repo.save(
        repo.create({
          organizationId,
          endpointId,
          eventId: original.eventId,
          eventType: original.eventType,
          body: original.body,
          attempt: 1,
          redeliveryOf: original.id,
          status: 'pending',
          scheduledAt: new Date(),
        }),
      );
      await this.jobs.enqueue(DELIVER_JOB, { deliveryId: delivery.id }, { transaction: manager });
      return delivery;
    });
  }

  /**
   * A new series (as redeliver starts) for every event of the endpoint that was given up — no attempt
   * succeeded, none is pending: every scheduled attempt of every series failed — and whose first attempt
   * was made in [since, until). Each series redelivers the event's last attempt. One transaction under
   * the endpoint's row lock: two recoveries at once run one after the other, and the second finds the
   * first's series pending (so it starts nothing for them), as does any recovery while they run.
   */
  async recover(
    organizationId: string,
    endpointId: string,
    window: { since: string; until?: string },
  ): Promise<number> {
    await this.endpointOf(organizationId, endpointId);
    const checked = recoverWindow(window.since, window.until, new Date());
    if (!checked.ok) throw webhookRecoverWindowInvalid(checked.problem, RECOVER_MAX_WINDOW_DAYS);
    const { since, until } = checked;
    return this.dataSource.transaction(async (manager) => {
      const locked: { enabled: boolean }[] = await manager.query(
        'SELECT enabled FROM webhook_endpoints WHERE organization_id = $1 AND id = $2 FOR UPDATE',
        [organizationId, endpointId],
      );
      if (locked.length === 0) throw webhookNotFound(); // deleted meanwhile
      if (!locked[0].enabled) throw webhookDisabled();
      // Every attempt of an event is made after its first: the events whose first attempt is in the
      // window are among the groups of the attempts made since `since`. One range scan of the endpoint's
      // (created_at) index and an aggregate: a plan that stays linear whatever the table's statistics
      // say (an anti-join planned on stale ones ran 1001 events in minutes).
      const lastAttempts: { id: string }[] = await manager.query(
        `SELECT (array_agg(d.id ORDER BY d.created_at DESC, d.id DESC))[1] AS id
           FROM webhook_deliveries d
          WHERE d.organization_id = $1 AND d.endpoint_id = $2 AND d.created_at >= $3
          GROUP BY d.event_id
         HAVING bool_and(d.status = 'failed')
            AND bool_or(d.attempt = 1 AND d.redelivery_of IS NULL AND d.created_at < $4)
          ORDER BY min(d.created_at)
          LIMIT $5`,
        [organizationId, endpointId, since, until, RECOVER_MAX_EVENTS + 1],
      );
      if (lastAttempts.length > RECOVER_MAX_EVENTS) throw webhookRecoverTooManyEvents(RECOVER_MAX_EVENTS);
      if (lastAttempts.length === 0) return 0;
      const started: { id: string }[] = await manager.query(
        `INSERT INTO webhook_deliveries
           (organization_id, endpoint_id, event_id, event_type, body, attempt, redelivery_of, status, scheduled_at)
         SELECT organization_id, endpoint_id, event_id, event_type, body, 1, id, 'pending', now()
           FROM webhook_deliveries WHERE endpoint_id = $1 AND id = ANY($2::uuid[])
         RETURNING id`,
        [endpointId, lastAttempts.map((a) => a.id)],
      );
      for (const { id } of started) {
        await this.jobs.enqueue(DELIVER_JOB, { deliveryId: id }, { transaction: manager });
      }
      this.logger.info({ webhookId: endpointId, recovering: started.length }, 'webhook events recovered');
      return started.length;
    });
  }

  private async endpointOf(organizationId: string, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.dataSource
      .getRepository(WebhookEndpoint)
      .findOne({ where: { organizationId, id, managedBy: IsNull() } });
    if (!endpoint) throw webhookNotFound();
    return endpoint;
  }

  /** One first attempt per receiving endpoint; at most one per (endpoint, event) however often it runs. */
  private async fanOut(event: DomainEvent): Promise<void> {
    // Most events have no endpoint to reach: no transaction for them (BEGIN and COMMIT are round trips).
    const endpoints = await this.receivers(this.dataSource.manager, event);
    if (endpoints.length === 0) return;
    await this.dataSource.transaction(async (manager) => {
      const envelope = webhookBody({
        id: event.id,
        type: event.type,
        occurredAt: event.occurredAt,
        data:
          event.type === WEBHOOK_TEST_EVENT
            ? { webhookId: event.payload.webhookId, test: true }
            : event.payload,
      });
      const firstDelay = jitterSeconds(this.config.webhooks.retryScheduleSeconds[0] ?? 0);
      for (const endpoint of endpoints) {
        // A managed endpoint may take the payload alone (a store's callback: seed 003's object).
        const body = endpoint.bodyFormat === 'payload' ? JSON.stringify(event.payload) : envelope;
        const inserted: { id: string }[] = await manager.query(
          `INSERT INTO webhook_deliveries
             (organization_id, endpoint_id, event_id, event_type, body, attempt, status, scheduled_at)
           VALUES ($1, $2, $3, $4, $5, 1, 'pending', now() + make_interval(secs => $6))
           ON CONFLICT (endpoint_id, event_id) WHERE attempt = 1 AND redelivery_of IS NULL DO NOTHING
           RETURNING id`,
          [event.organizationId, endpoint.id, event.id, event.type, body, firstDelay],
        );
        if (inserted.length === 0) continue; // this event already reached this endpoint's log
        await this.jobs.enqueue(
          DELIVER_JOB,
          { deliveryId: inserted[0].id },
          { transaction: manager, delaySeconds: firstDelay },
        );
      }
    });
  }

  private receivers(manager: EntityManager, event: DomainEvent): Promise<WebhookEndpoint[]> {
    const repo = manager.getRepository(WebhookEndpoint);
    if (event.type === WEBHOOK_TEST_EVENT) {
      // Asked for by name: sent even to a disabled endpoint or one not subscribed to the type.
      return repo.find({ where: { organizationId: event.organizationId, id: event.payload.webhookId } });
    }
    const route = this.managedRoutes.get(event.type);
    const owner = route?.ownerOf(event) ?? null;
    const qb = repo
      .createQueryBuilder('w')
      .where('w.organization_id = :organizationId', { organizationId: event.organizationId })
      .andWhere('w.enabled')
      .andWhere("(w.events = '{}' OR :type = ANY(w.events))", { type: event.type });
    if (route && owner) {
      qb.andWhere('(w.managed_by IS NULL OR (w.managed_by = :managedBy AND w.owner_id = :owner))', {
        managedBy: route.managedBy,
        owner,
      });
    } else {
      qb.andWhere('w.managed_by IS NULL');
    }
    return qb.getMany();
  }

  /** Runs one attempt and records it; a failure with attempts left schedules the next. */
  private async attempt(deliveryId: string): Promise<void> {
    // With its endpoint, in one round trip (each counts: deliveries/s is bound by them).
    const delivery = await this.dataSource
      .getRepository(WebhookDelivery)
      .findOne({ where: { id: deliveryId }, relations: { endpoint: true } });
    // Gone with its endpoint, or already recorded by a run a crash interrupted after it wrote.
    if (!delivery || delivery.status !== 'pending') return;
    const endpoint = delivery.endpoint;
    if (!endpoint) return;

    const attemptedAt = new Date();
    let outcome: SendOutcome;
    if (!endpoint.enabled && delivery.eventType !== WEBHOOK_TEST_EVENT && delivery.redeliveryOf === null) {
      outcome = { statusCode: null, responseBody: null, error: 'endpoint disabled', durationMs: 0 };
    } else {
      outcome = await this.send(endpoint, delivery, attemptedAt);
    }

    const schedule = this.config.webhooks.retryScheduleSeconds;
    const verdict =
      outcome.error === 'endpoint disabled'
        ? 'exhausted'
        : judgeAttempt(outcome.statusCode, delivery.attempt, schedule);
    // The schedule's next step, jittered, and never earlier than a 429/503 receiver's Retry-After.
    const delay =
      verdict === 'retry'
        ? retryDelaySeconds(delivery.attempt, schedule, {
            statusCode: outcome.statusCode,
            retryAfterSeconds: parseRetryAfter(outcome.retryAfter, new Date()),
          })
        : null;
    const nextAttemptAt = delay === null ? null : new Date(Date.now() + delay * 1000);

    const record = {
      status: verdict === 'succeeded' ? ('succeeded' as const) : ('failed' as const),
      responseStatus: outcome.statusCode,
      responseBody: outcome.responseBody,
      error: outcome.error,
      durationMs: outcome.durationMs,
      attemptedAt,
      nextAttemptAt,
    };
    if (verdict === 'succeeded' || verdict === 'exhausted') {
      // Nothing follows: one statement, no transaction around it (BEGIN and COMMIT are round trips too).
      await this.dataSource
        .getRepository(WebhookDelivery)
        .update({ id: delivery.id, status: 'pending' }, record);
      return;
    }
    await this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(WebhookDelivery);
      const recorded = await repo.update({ id: delivery.id, status: 'pending' }, record);
      if ((recorded.affected ?? 0) === 0) return; // another run recorded it meanwhile
      if (verdict === 'gone') {
        await manager.getRepository(WebhookEndpoint).update({ id: endpoint.id }, { enabled: false });
        this.logger.warn({ webhookId: endpoint.id }, 'webhook endpoint answered 410 Gone: disabled');
      }
      if (nextAttemptAt && delay !== null) {
        const next = await repo.save(
          repo.create({
            organizationId: delivery.organizationId,
            endpointId: delivery.endpointId,
            eventId: delivery.eventId,
            eventType: delivery.eventType,
            body: delivery.body,
            attempt: delivery.attempt + 1,
            redeliveryOf: delivery.redeliveryOf,
            status: 'pending',
            scheduledAt: nextAttemptAt,
          }),
        );
        await this.jobs.enqueue(
          DELIVER_JOB,
          { deliveryId: next.id },
          { transaction: manager, delaySeconds: delay },
        );
      }
    });
  }

  private async send(
    endpoint: WebhookEndpoint,
    delivery: WebhookDelivery,
    attemptedAt: Date,
  ): Promise<SendOutcome> {
    const checked = checkWebhookUrl(endpoint.url);
    if (!checked.ok) {
      return {
        statusCode: null,
        responseBody: null,
        error: `invalid URL (${checked.problem})`,
        durationMs: 0,
      };
    }
    // Node connects to an IP literal without calling `lookup`: checked here. A host name is checked
    // by the agent's lookup, on the very address it connects to (its refusal is the attempt's error).
    const host = checked.url.hostname;
    if (isIP(host.startsWith('[') ? host.slice(1, -1) : host) !== 0) {
      try {
        await this.guard.resolve(host);
      } catch (e) {
        const error = e instanceof AddressNotAllowedError ? e.message : String(e);
        return { statusCode: null, responseBody: null, error, durationMs: 0 };
      }
    }
    const timestamp = Math.floor(attemptedAt.getTime() / 1000);
    const body = Buffer.from(delivery.body, 'utf8');
    return sendWebhook({
      url: checked.url,
      body,
      timeoutMs: this.config.webhooks.timeoutSeconds * 1000,
      lookup: this.guard.lookup,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'pieces-api-webhooks/1',
        'webhook-id': delivery.eventId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(endpoint.secret, { id: delivery.eventId, timestamp, body }),
      },
    });
  }
}
