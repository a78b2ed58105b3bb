/**
 * The event types an endpoint may subscribe to. Payment events are recorded by the payment-requests
 * module; `webhook.test` only by POST /webhooks/{id}/test. Listed here (not derived from the events
 * registry) so that a subscription is validated even before a module records its first event.
 */
export const PAYMENT_EVENT_TYPES = [
  'payment_request.created',
  'payment_request.updated',
  'payment_request.paid',
  'payment_request.unpaid',
  'payment_request.cancelled',
  'charge.created',
  'charge.deleted',
  'charge.updated',
  'charge.settled',
  'charge.voided',
  // Recorded by the checkout module: seed 003's invoice object, on each change (payment seen, confirmed,
  // status). Also what a store's callback receives, as the bare object.
  'checkout.invoice.updated',
] as const;

export const WEBHOOK_TEST_EVENT = 'webhook.test';

export const WEBHOOK_EVENT_TYPES = [...PAYMENT_EVENT_TYPES, WEBHOOK_TEST_EVENT] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
