import { createTestApp, type TestApp } from '../test-app.js';

type Operation = {
  tags?: string[];
  security?: unknown[];
  parameters?: { in: string; name: string }[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
};
type Schema = { properties: Record<string, { type?: string; example?: unknown; format?: string }> };

/** The OpenAPI document as a client generator or a Swagger UI reader gets it from the running app. */
describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: {
    tags?: { name: string; description?: string }[];
    paths: Record<string, Record<string, Operation>>;
    components: {
      schemas: Record<string, Schema>;
      securitySchemes: Record<string, { description?: string }>;
    };
  };
  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, op })),
    );

  beforeAll(async () => {
    // One unauthenticated call per operation: more than the default limit of failures per address.
    t = await createTestApp({ AUTH_FAILURE_LIMIT: '1000' });
    doc = (await t.http().get('/openapi.json').expect(200)).body;
  });
  afterAll(() => t.close());

  it('describes every tag that an operation uses', () => {
    const described = new Map((doc.tags ?? []).map((tag) => [tag.name, tag.description ?? '']));
    const used = new Set(operations().flatMap(({ op }) => op.tags ?? []));
    expect(used.size).toBeGreaterThan(5);
    for (const tag of used)
      expect({ tag, description: described.get(tag) }).toEqual({
        tag,
        description: expect.stringMatching(/\w{3}/),
      });
  });

  it('documents 401, 403 and 429 on every operation that needs credentials, and answers 401 there without any', async () => {
    const secured = operations().filter(({ op }) => op.security && op.security.length > 0);
    expect(secured.length).toBeGreaterThan(30);
    for (const { path, method, op } of secured) {
      expect({ path, method, codes: Object.keys(op.responses) }).toEqual({
        path,
        method,
        codes: expect.arrayContaining(['401', '403', '429']),
      });
      const url = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000001');
      const res = await t.http()[method as 'get'](url);
      expect({ path, method, status: res.status }).toEqual({ path, method, status: 401 });
    }
  });

  it('documents 422 on every operation that takes a body or query parameters (seed 000: 200 only)', () => {
    for (const { path, method, op } of operations()) {
      if ((op as { 'x-errors-as-200'?: boolean })['x-errors-as-200'] === true) {
        // Seed 000: every answer, errors included, is HTTP 200 in the seed's shape.
        expect({ path, method, statuses: Object.keys(op.responses) }).toEqual({
          path,
          method,
          statuses: ['200'],
        });
        continue;
      }
      const takesInput = op.requestBody !== undefined || (op.parameters ?? []).some((p) => p.in === 'query');
      if (takesInput)
        expect({ path, method, has422: '422' in op.responses }).toEqual({ path, method, has422: true });
    }
  });

  it('tells Swagger UI users to paste the API key alone', () => {
    expect(doc.components.securitySchemes['api-key'].description).toMatch(/paste the key alone/i);
  });

  it("POST /invoice's form: amounts and comment are strings, and nothing optional is prefilled for the server to apply", () => {
    const { properties } = doc.components.schemas.ReceiptMultipartDto;
    for (const field of ['amount', 'amount_with_vat', 'vat', 'vat_value', 'comment']) {
      expect({ field, type: properties[field].type }).toEqual({ field, type: 'string' });
    }
    for (const field of ['receipt_upload_id', 'created_at', 'comment']) {
      // Swagger UI fills a field with its example, or a sample made from its type and format ("string",
      // a fixed uuid) when it has none; an empty example leaves the field empty, and empty is not sent.
      expect({ field, example: properties[field].example, format: properties[field].format }).toEqual({
        field,
        example: '',
        format: undefined,
      });
    }
  });
});
