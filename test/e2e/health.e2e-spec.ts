import { createTestApp, type TestApp } from '../test-app.js';

describe('health and basics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers liveness and readiness without credentials', async () => {
    await t.http().get('/health').expect(200, { status: 'ok' });
    const ready = await t.http().get('/health/ready').expect(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { database: 'ok', storage: 'ok' } });
  });

  it('gives every response a request id, and keeps a sane one sent by the client', async () => {
    const generated = await t.http().get('/health');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await t.http().get('/health').set('X-Request-Id', 'abc-123');
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await t.http().get('/health').set('X-Request-Id', 'bad id with spaces');
    expect(replaced.headers['x-request-id']).not.toBe('bad id with spaces');
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const spec = await t.http().get('/openapi.json').expect(200);
    expect(spec.body.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/invoice', '/invoice/{id}']));
    const ui = await t.http().get('/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger');
  });

  it('answers an unknown route with the error envelope, and malformed JSON with 400', async () => {
    const missing = await t.http().get('/nope').expect(404);
    expect(missing.body).toEqual({
      statusCode: 404,
      code: 'NOT_FOUND',
      message: expect.any(String),
      requestId: missing.headers['x-request-id'],
    });
    const bad = await t
      .http()
      .post('/api/v1/organizations')
      .set('Content-Type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(bad.body).toMatchObject({ statusCode: 400, code: 'BAD_REQUEST' });
    expect(JSON.stringify(bad.body)).not.toMatch(/at .*\.js|SyntaxError/);
  });
});
