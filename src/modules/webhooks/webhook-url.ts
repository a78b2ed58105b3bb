/**
 * Shape rules of an endpoint URL, before any DNS: only http(s), no user:password (it would travel in
 * clear in logs and our database), no fragment (never sent), bounded length. Whether the host is a
 * public address is checked separately, at creation and on every delivery.
 */
export const WEBHOOK_URL_MAX_LENGTH = 2048;

export type WebhookUrlProblem = 'invalid' | 'scheme' | 'credentials' | 'fragment' | 'too_long';

export function checkWebhookUrl(
  raw: string,
): { ok: true; url: URL } | { ok: false; problem: WebhookUrlProblem } {
  if (raw.length > WEBHOOK_URL_MAX_LENGTH) return { ok: false, problem: 'too_long' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problem: 'invalid' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, problem: 'scheme' };
  if (url.username !== '' || url.password !== '') return { ok: false, problem: 'credentials' };
  if (url.hash !== '') return { ok: false, problem: 'fragment' };
  if (url.hostname === '') return { ok: false, problem: 'invalid' };
  return { ok: true, url };
}
