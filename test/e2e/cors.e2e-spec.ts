import { createTestApp, type TestApp } from '../test-app.js';

describe('CORS for the bookkeeping front end', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ CORS_ORIGINS: 'https://compta.example.fr' });
  });
  afterAll(() => t.close());

  it('answers a preflight from a listed origin, with a cached result and no credentials', async () => {
    const res = await t
      .http()
      .options('/invoice')
      .set('Origin', 'https://compta.example.fr')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type,idempotency-key');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://compta.example.fr');
    expect(res.headers['access-control-max-age']).toBe('600');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('gives nothing to another origin', async () => {
    const res = await t
      .http()
      .options('/invoice')
      .set('Origin', 'https://evil.example.com')
      .set('Access-Control-Request-Method', 'POST');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('exposes the request id to the front end', async () => {
    const res = await t.http().get('/health').set('Origin', 'https://compta.example.fr');
    expect(res.headers['access-control-expose-headers']).toContain('X-Request-Id');
  });
});
