import { checkWebhookUrl, WEBHOOK_URL_MAX_LENGTH } from './webhook-url.js';

describe('checkWebhookUrl', () => {
  it.each([
    'https://example.com/hooks',
    'http://example.com:8080/a?b=c',
    'https://[2001:db8::1]/x',
    'http://127.0.0.1:3000/',
  ])('accepts %s', (raw) => {
    expect(checkWebhookUrl(raw).ok).toBe(true);
  });

  it.each([
    ['not a URL', 'example.com/hooks', 'invalid'],
    ['an empty string', '', 'invalid'],
    ['ftp', 'ftp://example.com/', 'scheme'],
    ['file', 'file:///etc/passwd', 'scheme'],
    ['javascript', 'javascript:alert(1)', 'scheme'],
    ['a user and password', 'https://user:pass@example.com/', 'credentials'],
    ['a user alone', 'https://user@example.com/', 'credentials'],
    ['a fragment', 'https://example.com/#x', 'fragment'],
    ['too long', `https://example.com/${'a'.repeat(WEBHOOK_URL_MAX_LENGTH)}`, 'too_long'],
  ])('refuses %s', (_, raw, problem) => {
    expect(checkWebhookUrl(raw)).toEqual({ ok: false, problem });
  });
});
