import type { WebhookDeliveryDto, WebhookDto, WebhookWithSecretDto } from './dto/webhook.dto.js';
import type { WebhookDelivery } from './webhook-delivery.entity.js';
import type { WebhookEndpoint } from './webhook-endpoint.entity.js';

/** Never the secret: it is shown once, by presentWebhookWithSecret. */
export function presentWebhook(endpoint: WebhookEndpoint): WebhookDto {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    description: endpoint.description,
    enabled: endpoint.enabled,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}

export function presentWebhookWithSecret(endpoint: WebhookEndpoint): WebhookWithSecretDto {
  return { ...presentWebhook(endpoint), secret: endpoint.secret };
}

export function presentDelivery(d: WebhookDelivery): WebhookDeliveryDto {
  return {
    id: d.id,
    eventId: d.eventId,
    eventType: d.eventType,
    attempt: d.attempt,
    redeliveryOf: d.redeliveryOf,
    status: d.status,
    responseStatus: d.responseStatus,
    responseBody: d.responseBody,
    error: d.error,
    durationMs: d.durationMs,
    scheduledAt: d.scheduledAt.toISOString(),
    attemptedAt: d.attemptedAt?.toISOString() ?? null,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  };
}
