import { DomainError } from '../../common/errors/domain-error.js';
import type { WebhookUrlProblem } from './webhook-url.js';

export const webhookNotFound = () =>
  new DomainError('not_found', 'WEBHOOK_NOT_FOUND', 'Webhook endpoint not found');

export const webhookDeliveryNotFound = () =>
  new DomainError('not_found', 'WEBHOOK_DELIVERY_NOT_FOUND', 'Webhook delivery not found');

const URL_PROBLEMS: Record<WebhookUrlProblem, string> = {
  invalid: 'is not an absolute URL',
  scheme: 'must use http or https',
  credentials: 'must not contain a user name or password',
  fragment: 'must not contain a fragment (#…)',
  too_long: 'is too long',
};

export const webhookUrlInvalid = (problem: WebhookUrlProblem) =>
  new DomainError('unprocessable', 'WEBHOOK_URL_INVALID', `The webhook URL ${URL_PROBLEMS[problem]}`, {
    problem,
  });

export const webhookUrlNotPublic = (host: string, address: string) =>
  new DomainError(
    'unprocessable',
    'WEBHOOK_URL_NOT_PUBLIC',
    'The webhook URL must reach a public address (private, loopback, link-local and other internal ranges are refused)',
    { host, address },
  );

export const webhookUrlUnresolvable = (host: string) =>
  new DomainError('unprocessable', 'WEBHOOK_URL_UNRESOLVABLE', 'The webhook URL host cannot be resolved', {
    host,
  });

export const webhookRecoverWindowInvalid = (problem: 'empty' | 'too_large', maxDays: number) =>
  new DomainError(
    'unprocessable',
    'WEBHOOK_RECOVER_WINDOW_INVALID',
    problem === 'empty'
      ? '`since` must be before `until` (now when absent)'
      : `The recovery window is at most ${maxDays} days: narrow it, or recover in several calls`,
    { problem, maxDays },
  );

export const webhookRecoverTooManyEvents = (max: number) =>
  new DomainError(
    'unprocessable',
    'WEBHOOK_RECOVER_TOO_MANY_EVENTS',
    `More than ${max} events to recover in this window: narrow it (nothing was started)`,
    { max },
  );

export const webhookDisabled = () =>
  new DomainError(
    'conflict',
    'WEBHOOK_DISABLED',
    'The webhook endpoint is disabled: enable it (PATCH enabled: true) before recovering its events',
  );
