import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'supertest';
import type { TestApp, TestOrganization } from '../test-app.js';

/** Real-format statement files: test/fixtures/statements. */
export const STATEMENTS = {
  frenchCsv: 'fr-bank.csv',
  englishCsv: 'en-bank.csv',
  ofx1: 'bank-v1.ofx',
  ofx2: 'bank-v2.ofx',
  camt053: 'bank.camt053.xml',
} as const;

/** The IBAN the OFX and camt.053 fixtures are for (the OFX ACCTID is part of it). */
export const FIXTURE_IBAN = 'FR7630004001230001234567843';

export function statement(name: string): Buffer {
  return readFileSync(join(import.meta.dirname, '..', 'fixtures', 'statements', name));
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/** The error envelope of the /api/v1 surfaces, with this exact status and code. */
export function expectError(res: Response, statusCode: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status: statusCode, code });
  expect(res.body).toMatchObject({
    statusCode,
    code,
    message: expect.any(String),
    requestId: expect.any(String),
  });
}

export async function createAccount(
  t: TestApp,
  org: TestOrganization,
  body: Record<string, unknown> = { name: 'Compte courant', iban: FIXTURE_IBAN },
): Promise<{ id: string; iban: string | null; currency: string }> {
  const res = await t.http().post('/api/v1/bank-accounts').set(bearer(org.key)).send(body).expect(201);
  return res.body;
}

export function importStatement(
  t: TestApp,
  org: TestOrganization,
  accountId: string,
  file: { content: Buffer; name: string },
  fields: Record<string, string> = {},
) {
  const req = t.http().post(`/api/v1/bank-accounts/${accountId}/statements`).set(bearer(org.key));
  for (const [k, v] of Object.entries(fields)) req.field(k, v);
  return req.attach('file', file.content, { filename: file.name, contentType: 'application/octet-stream' });
}

export function importFixture(t: TestApp, org: TestOrganization, accountId: string, name: string) {
  return importStatement(t, org, accountId, { content: statement(name), name });
}

/** Every bank operation of the organization (or of one account), following the cursor. */
export async function allOperations(
  t: TestApp,
  org: TestOrganization,
  query: Record<string, string> = {},
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const res: Response = await t
      .http()
      .get('/api/v1/bank-operations')
      .query({ ...query, limit: '100', ...(cursor ? { cursor } : {}) })
      .set(bearer(org.key))
      .expect(200);
    rows.push(...(res.body.data as Record<string, unknown>[]));
    cursor = res.body.next_cursor as string | null;
  } while (cursor);
  return rows;
}

/** A key of the organization with only these scopes. */
export async function keyWithScopes(t: TestApp, org: TestOrganization, scopes: string[]): Promise<string> {
  const res = await t
    .http()
    .post('/api/v1/api-keys')
    .set(bearer(org.key))
    .send({ name: scopes.join(' '), scopes })
    .expect(201);
  return res.body.key;
}

/** A seed 002 receipt through /invoice; returns its JSON. */
export async function createReceipt(
  t: TestApp,
  org: TestOrganization,
  fields: Partial<Record<string, string>> = {},
): Promise<Record<string, unknown> & { id: number }> {
  const res = await t
    .http()
    .post('/invoice')
    .set(bearer(org.key))
    .send({
      label: 'Carburant TotalEnergies',
      type: 'frais',
      amount: '54.08',
      amount_with_vat: '64.90',
      vat: '20',
      reference: 'TE-55812',
      operation_date: '2024-03-02 09:30:00',
      created_at: '2024-03-02 09:30:00',
      ...fields,
    })
    .expect(201);
  return res.body;
}
