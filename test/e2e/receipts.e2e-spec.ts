import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { JPEG, PDF, PNG, TEXT, EXE, pngOfSize } from '../fixtures/files.js';
import { createOrganization, createTestApp, type TestApp, type TestOrganization } from '../test-app.js';
import { SEED_002_EXAMPLE as SEED_EXAMPLE } from '../fixtures/receipts.js';

const MiB = 1_048_576;

describe('/invoice (seed 002)', () => {
  let t: TestApp;
  let org: TestOrganization;
  const auth = () => ({ Authorization: `Bearer ${org.key}` });
  const filesOnDisk = () => {
    try {
      return readdirSync(join(t.config.dataDir, 'files', 'invoices'));
    } catch {
      return [];
    }
  };

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    org = await createOrganization(t);
  });

  function postMultipart(
    fields: Record<string, string>,
    file?: { content: Buffer; name: string; type: string },
  ) {
    const req = t.http().post('/invoice').set(auth());
    for (const [k, v] of Object.entries(fields)) req.field(k, v);
    if (file) req.attach('receipt', file.content, { filename: file.name, contentType: file.type });
    return req;
  }

  describe('POST /invoice', () => {
    it("creates the seed's example from JSON and answers the seed's shape", async () => {
      const res = await t.http().post('/invoice').set(auth()).send(SEED_EXAMPLE).expect(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        name: '20210628_Achat de matiere premieree_1200.50',
        label: 'Achat de matiere premieree',
        type: 'frais',
        amount: '12',
        amount_with_vat: '1200.50',
        vat: '12',
        vat_value: '0',
        reference: '5EFDRE63x',
        comment: 'Ceci est un joli commentaire',
        operation_date: '2021-06-18 20:21:00',
        created_at: '2021-06-28 11:24:53',
        status: false,
        affectation_id: null,
        receipt_path: null,
        receipt_url: null,
      });
    });

    it('creates from multipart with a PNG, stored under a generated name and served safely', async () => {
      const res = await postMultipart(SEED_EXAMPLE, {
        content: PNG,
        name: 'Capture d’écran de 2021-04-05 18-55-45.png',
        type: 'image/png',
      }).expect(201);
      expect(res.body.receipt_path).toMatch(
        /^\/storage\/invoices\/Capture-d-ecran-de-2021-04-05-18-55-45-[0-9a-f]{16}\.png$/,
      );
      expect(res.body.amount).toBe('12');

      const signed = new URL(res.body.receipt_url);
      expect(signed.pathname).toBe(res.body.receipt_path);
      const viaSignature = await t.http().get(`${signed.pathname}${signed.search}`).buffer(true).expect(200);
      expect(Buffer.compare(viaSignature.body as Buffer, PNG)).toBe(0);
      expect(viaSignature.headers).toMatchObject({
        'content-type': 'image/png',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
      });
      expect(viaSignature.headers['content-disposition']).toBe(
        `inline; filename="Capture d_ecran de 2021-04-05 18-55-45.png"; filename*=UTF-8''Capture%20d%E2%80%99%C3%A9cran%20de%202021-04-05%2018-55-45.png`,
      );

      await t.http().get(res.body.receipt_path).set(auth()).expect(200);
      await t.http().get(res.body.receipt_path).expect(401);
      // Another first hex digit, whatever the first one was.
      const tampered = `${signed.pathname}${signed.search.replace(/signature=(.)/, (_, c: string) => `signature=${c === '0' ? '1' : '0'}`)}`;
      await t.http().get(tampered).expect(403);
      const other = await createOrganization(t, 'Other');
      await t.http().get(res.body.receipt_path).set('Authorization', `Bearer ${other.key}`).expect(404);
    });

    it('accepts PDF and JPEG by content, and a file of exactly 1 MiB', async () => {
      await postMultipart(SEED_EXAMPLE, {
        content: PDF,
        name: 'facture.pdf',
        type: 'application/pdf',
      }).expect(201);
      await postMultipart(SEED_EXAMPLE, {
        content: PDF,
        name: 'facture.pdf',
        type: 'application/x-pdf',
      }).expect(201);
      const jpg = await postMultipart(SEED_EXAMPLE, {
        content: JPEG,
        name: 'photo.jpeg',
        type: 'image/jpg',
      }).expect(201);
      expect(jpg.body.receipt_path).toMatch(/\.jpg$/);
      await postMultipart(SEED_EXAMPLE, {
        content: pngOfSize(MiB),
        name: 'big.png',
        type: 'image/png',
      }).expect(201);
    });

    it('refuses 1 MiB + 1 byte with a French 422 on receipt, together with the other failing fields', async () => {
      const before = filesOnDisk().length;
      const res = await postMultipart(
        { ...SEED_EXAMPLE, amount: '-5' },
        { content: pngOfSize(MiB + 1), name: 'big.png', type: 'image/png' },
      ).expect(422);
      expect(res.body).toEqual({
        amount: 'Le montant doit être un nombre positif',
        receipt: 'Le fichier ne doit pas dépasser 1 Mo',
      });
      expect(filesOnDisk().length).toBe(before);
    });

    it('refuses a file far over the limit without reading it all', async () => {
      const res = await postMultipart(SEED_EXAMPLE, {
        content: Buffer.alloc(20 * MiB, 1),
        name: 'huge.png',
        type: 'image/png',
      }).expect(422);
      expect(res.body).toEqual({ receipt: 'Le fichier ne doit pas dépasser 1 Mo' });
    });

    it.each([
      ['a text file named .png', TEXT, 'notes.png', 'image/png'],
      ['an executable declared as PDF', EXE, 'facture.pdf', 'application/pdf'],
      ['a PNG declared with a type the seed refuses', PNG, 'x.gif', 'image/gif'],
      ['an empty file', Buffer.alloc(0), 'empty.pdf', 'application/pdf'],
    ])('refuses %s', async (_what, content, name, type) => {
      const before = filesOnDisk().length;
      const res = await postMultipart(SEED_EXAMPLE, { content, name, type }).expect(422);
      expect(Object.keys(res.body)).toEqual(['receipt']);
      expect(res.body.receipt).toMatch(/^Le fichier/);
      expect(filesOnDisk().length).toBe(before);
    });

    it('refuses a second file and a file in another field', async () => {
      const two = await t
        .http()
        .post('/invoice')
        .set(auth())
        .field(SEED_EXAMPLE)
        .attach('receipt', PNG, 'a.png')
        .attach('receipt', PNG, 'b.png')
        .expect(422);
      expect(two.body).toEqual({ receipt: expect.stringMatching(/seul fichier/) });
      const other = await t
        .http()
        .post('/invoice')
        .set(auth())
        .field(SEED_EXAMPLE)
        .attach('file', PNG, 'a.png')
        .expect(422);
      expect(other.body).toEqual({ file: expect.stringMatching(/seul fichier/) });
    });

    it('reports every failing field at once, in French', async () => {
      const res = await t.http().post('/invoice').set(auth()).send({}).expect(422);
      expect(res.body).toEqual({
        label: 'Le libellé est obligatoire',
        type: 'Le type est obligatoire',
        amount: 'Le montant est obligatoire',
        amount_with_vat: 'Le montant TTC est obligatoire',
        reference: 'La référence est obligatoire',
        operation_date: "La date d'opération est obligatoire",
      });
      const bad = await t
        .http()
        .post('/invoice')
        .set(auth())
        .send({
          label: 'x'.repeat(256),
          type: 'achat',
          amount: 'douze',
          amount_with_vat: 0,
          vat: '120',
          vat_value: '-1',
          reference: 'ab',
          comment: { nested: true },
          operation_date: '2021-02-30 10:00:00',
          created_at: 'hier',
        })
        .expect(422);
      expect(Object.keys(bad.body).sort()).toEqual(
        [
          'label',
          'type',
          'amount',
          'amount_with_vat',
          'vat',
          'vat_value',
          'reference',
          'comment',
          'operation_date',
          'created_at',
        ].sort(),
      );
      for (const message of Object.values(bad.body)) expect(message).toEqual(expect.any(String));
    });

    it('keeps amounts exact: float artefacts are refused, 12 integer digits kept to the cent', async () => {
      const float = await t
        .http()
        .post('/invoice')
        .set(auth())
        .send({ ...SEED_EXAMPLE, amount: 0.1 + 0.2 })
        .expect(422);
      expect(float.body).toEqual({ amount: 'Le montant doit avoir au plus 2 décimales' });
      const big = await t
        .http()
        .post('/invoice')
        .set(auth())
        .send({
          ...SEED_EXAMPLE,
          amount: '999999999999.99',
          amount_with_vat: 999999999999.99,
          vat_value: '0.30',
        })
        .expect(201);
      expect(big.body).toMatchObject({
        amount: '999999999999.99',
        amount_with_vat: '999999999999.99',
        vat_value: '0.30',
      });
      const got = await t.http().get(`/invoice/${big.body.id}`).set(auth()).expect(200);
      expect(got.body.amount).toBe('999999999999.99');
      const tooBig = await t
        .http()
        .post('/invoice')
        .set(auth())
        .send({ ...SEED_EXAMPLE, amount: '1000000000000' })
        .expect(422);
      expect(tooBig.body.amount).toMatch(/ne doit pas dépasser/);
    });

    it('ignores read-only fields sent by the client', async () => {
      const res = await t
        .http()
        .post('/invoice')
        .set(auth())
        .send({
          ...SEED_EXAMPLE,
          id: 999999,
          name: 'forged',
          status: true,
          affectation_id: 7,
          receipt_path: '/etc/passwd',
        })
        .expect(201);
      expect(res.body).toMatchObject({ status: false, affectation_id: null, receipt_path: null });
      expect(res.body.id).not.toBe(999999);
      expect(res.body.name).toBe('20210628_Achat de matiere premieree_1200.50');
    });

    it('replays a create sent twice with the same Idempotency-Key', async () => {
      const first = await t
        .http()
        .post('/invoice')
        .set(auth())
        .set('Idempotency-Key', 'k-1')
        .send(SEED_EXAMPLE)
        .expect(201);
      const again = await t
        .http()
        .post('/invoice')
        .set(auth())
        .set('Idempotency-Key', 'k-1')
        .send(SEED_EXAMPLE)
        .expect(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      const list = await t.http().get('/invoice').set(auth()).expect(200);
      expect(list.body.data).toHaveLength(1);
      const different = await t
        .http()
        .post('/invoice')
        .set(auth())
        .set('Idempotency-Key', 'k-1')
        .send({ ...SEED_EXAMPLE, amount: '13' })
        .expect(422);
      expect(different.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });
  });

  describe('GET /invoice', () => {
    async function seed(count: number, make: (i: number) => Record<string, unknown>) {
      for (let i = 0; i < count; i++) {
        await t
          .http()
          .post('/invoice')
          .set(auth())
          .send({ ...SEED_EXAMPLE, ...make(i) })
          .expect(201);
      }
    }

    it('pages with a cursor through every receipt exactly once', async () => {
      await seed(7, (i) => ({ reference: `REF-${i}` }));
      const seen: number[] = [];
      let cursor: string | null = null;
      type PageBody = { data: { id: number }[]; has_more: boolean; next_cursor: string | null };
      let pages = 0;
      do {
        const res = await t
          .http()
          .get('/invoice')
          .query({ limit: 3, ...(cursor ? { cursor } : {}) })
          .set(auth())
          .expect(200);
        const body = res.body as PageBody;
        seen.push(...body.data.map((r) => r.id));
        expect(body.has_more).toBe(body.next_cursor !== null);
        cursor = body.next_cursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(7);
      expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    });

    it('filters by type, status, amount range, date range and text, and sorts', async () => {
      await seed(6, (i) => ({
        type: i % 2 === 0 ? 'frais' : 'vente',
        amount: `${(i + 1) * 10}.50`,
        amount_with_vat: `${(i + 1) * 12}.60`,
        operation_date: `2021-0${i + 1}-15 12:00:00`,
        label: i === 4 ? 'Facture électricité EDF' : `Achat ${i}`,
      }));
      const q = (query: Record<string, string>) =>
        t.http().get('/invoice').query(query).set(auth()).expect(200);

      expect((await q({ type: 'vente' })).body.data).toHaveLength(3);
      expect((await q({ status: '0' })).body.data).toHaveLength(6);
      expect((await q({ status: 'true' })).body.data).toHaveLength(0);
      const amounts = (await q({ amount_min: '20', amount_max: '40.50', sort: 'amount' })).body.data.map(
        (r: { amount: string }) => r.amount,
      );
      expect(amounts).toEqual(['20.50', '30.50', '40.50']);
      const byDate = (
        await q({
          operation_date_from: '2021-02-01',
          operation_date_to: '2021-04-30 23:59:59',
          sort: '-operation_date',
        })
      ).body.data.map((r: { operation_date: string }) => r.operation_date);
      expect(byDate).toEqual(['2021-04-15 12:00:00', '2021-03-15 12:00:00', '2021-02-15 12:00:00']);
      const text = (await q({ q: 'électricité' })).body.data;
      expect(text.map((r: { label: string }) => r.label)).toEqual(['Facture électricité EDF']);
      expect((await q({ q: '100%_' })).body.data).toHaveLength(0);
    });

    it('pages through a sort on a non-unique column without losing rows', async () => {
      await seed(5, () => ({ amount: '10' }));
      const first = await t
        .http()
        .get('/invoice')
        .query({ sort: 'amount', limit: 2 })
        .set(auth())
        .expect(200);
      const rest = await t
        .http()
        .get('/invoice')
        .query({ sort: 'amount', limit: 10, cursor: first.body.next_cursor })
        .set(auth())
        .expect(200);
      const ids = [...first.body.data, ...rest.body.data].map((r: { id: number }) => r.id);
      expect(new Set(ids).size).toBe(5);
    });

    it('refuses bad parameters with the flat French map', async () => {
      const res = await t
        .http()
        .get('/invoice')
        .query({
          limit: 500,
          sort: 'label',
          type: 'x',
          status: 'maybe',
          amount_min: 'abc',
          operation_date_from: 'hier',
          cursor: '!!',
          q: 'EDF\u0000',
        })
        .set(auth())
        .expect(422);
      expect(Object.keys(res.body).sort()).toEqual(
        ['amount_min', 'cursor', 'limit', 'operation_date_from', 'q', 'sort', 'status', 'type'].sort(),
      );
      const wrongSort = await t.http().get('/invoice').query({ limit: 1 }).set(auth());
      await seed(2, () => ({}));
      const page = await t.http().get('/invoice').query({ limit: 1 }).set(auth()).expect(200);
      await t
        .http()
        .get('/invoice')
        .query({ sort: 'amount', cursor: page.body.next_cursor })
        .set(auth())
        .expect(422);
      expect(wrongSort.status).toBe(200);
    });

    it('lists each receipt exactly as GET /invoice/:id shows it, dates in Paris time either side of DST', async () => {
      const dates = [
        '2021-01-15 08:00:00',
        '2021-03-28 03:30:00',
        '2021-10-31 02:30:00',
        '2021-07-01 00:00:00',
      ];
      await seed(dates.length, (i) => ({ operation_date: dates[i], comment: i === 0 ? null : `c${i}` }));
      const list = await t.http().get('/invoice').set(auth()).expect(200);
      expect(list.body.data.map((r: { operation_date: string }) => r.operation_date).sort()).toEqual(
        [...dates].sort(),
      );
      for (const listed of list.body.data as { id: number }[]) {
        const one = await t.http().get(`/invoice/${listed.id}`).set(auth()).expect(200);
        const strip = (r: Record<string, unknown>) => ({ ...r, receipt_url: undefined });
        expect(strip(listed)).toEqual(strip(one.body));
      }
    });

    it.each(['-operation_date', 'operation_date', '-created_at', 'amount_with_vat', '-amount'])(
      'pages sorted by %s through every receipt exactly once, ties included',
      async (sort) => {
        await seed(7, (i) => ({
          operation_date: `2021-06-0${1 + (i % 3)} 10:00:00`,
          amount: `${10 + (i % 2)}`,
          amount_with_vat: `${12 + (i % 2)}`,
        }));
        const seen: { id: number; key: string }[] = [];
        let cursor: string | null = null;
        do {
          const res = await t
            .http()
            .get('/invoice')
            .query({ sort, limit: 2, ...(cursor ? { cursor } : {}) })
            .set(auth())
            .expect(200);
          const field = sort.replace('-', '');
          seen.push(
            ...res.body.data.map((r: Record<string, string>) => ({ id: Number(r.id), key: r[field] })),
          );
          cursor = res.body.next_cursor as string | null;
        } while (cursor);
        expect(new Set(seen.map((r) => r.id)).size).toBe(7);
        expect(seen).toHaveLength(7);
        const keys = seen.map((r) => r.key);
        const numeric = sort.includes('amount');
        const ordered = [...keys].sort((a, b) => (numeric ? Number(a) - Number(b) : a.localeCompare(b)));
        expect(keys).toEqual(sort.startsWith('-') ? ordered.reverse() : ordered);
      },
    );

    it("never shows another organization's receipts", async () => {
      await seed(2, () => ({}));
      const other = await createOrganization(t, 'Other');
      const res = await t.http().get('/invoice').set('Authorization', `Bearer ${other.key}`).expect(200);
      expect(res.body).toEqual({ data: [], has_more: false, next_cursor: null });
    });
  });

  describe('GET, PUT, PATCH, DELETE /invoice/:id', () => {
    it('answers 404 for a missing, malformed or foreign id', async () => {
      const mine = await t.http().post('/invoice').set(auth()).send(SEED_EXAMPLE).expect(201);
      const other = await createOrganization(t, 'Other');
      const foreign = { Authorization: `Bearer ${other.key}` };
      for (const path of ['/invoice/999999999', '/invoice/abc', '/invoice/-1', '/invoice/99999999999']) {
        const res = await t.http().get(path).set(auth()).expect(404);
        expect(res.body.code).toBe('RECEIPT_NOT_FOUND');
      }
      await t.http().get(`/invoice/${mine.body.id}`).set(foreign).expect(404);
      await t.http().put(`/invoice/${mine.body.id}`).set(foreign).send(SEED_EXAMPLE).expect(404);
      await t.http().patch(`/invoice/${mine.body.id}`).set(foreign).send({}).expect(404);
      await t.http().delete(`/invoice/${mine.body.id}`).set(foreign).expect(404);
      await t.http().get(`/invoice/${mine.body.id}`).set(auth()).expect(200);
    });

    it('PUT replaces every field (reference optional) and recomputes the name', async () => {
      const created = await t.http().post('/invoice').set(auth()).send(SEED_EXAMPLE).expect(201);
      const missing = await t
        .http()
        .put(`/invoice/${created.body.id}`)
        .set(auth())
        .send({ type: 'vente' })
        .expect(422);
      expect(Object.keys(missing.body).sort()).toEqual([
        'amount',
        'amount_with_vat',
        'label',
        'operation_date',
      ]);
      const { reference: _ref, ...withoutReference } = SEED_EXAMPLE;
      const res = await t
        .http()
        .put(`/invoice/${created.body.id}`)
        .set(auth())
        .send({ ...withoutReference, label: 'Vente de pain', type: 'vente', amount_with_vat: '99.90' })
        .expect(200);
      expect(res.body).toMatchObject({
        id: created.body.id,
        label: 'Vente de pain',
        type: 'vente',
        reference: '5EFDRE63x',
        name: '20210628_Vente de pain_99.90',
      });
    });

    it('PATCH requires type and operation_date, as the seed says, and changes only what is sent', async () => {
      const created = await t.http().post('/invoice').set(auth()).send(SEED_EXAMPLE).expect(201);
      const res = await t
        .http()
        .patch(`/invoice/${created.body.id}`)
        .set(auth())
        .send({ label: 'Nouveau' })
        .expect(422);
      expect(res.body).toEqual({
        type: 'Le type est obligatoire',
        operation_date: "La date d'opération est obligatoire",
      });
      const ok = await t
        .http()
        .patch(`/invoice/${created.body.id}`)
        .set(auth())
        .send({ type: 'frais', operation_date: '2021-07-01', comment: null })
        .expect(200);
      expect(ok.body).toMatchObject({
        label: 'Achat de matiere premieree',
        amount_with_vat: '1200.50',
        operation_date: '2021-07-01 00:00:00',
        comment: null,
      });
    });

    it('a new file replaces the old one, whose file is deleted', async () => {
      const created = await postMultipart(SEED_EXAMPLE, {
        content: PNG,
        name: 'a.png',
        type: 'image/png',
      }).expect(201);
      const oldFile = created.body.receipt_path.split('/').pop();
      expect(filesOnDisk()).toContain(oldFile);
      const updated = await t
        .http()
        .patch(`/invoice/${created.body.id}`)
        .set(auth())
        .field({ type: 'frais', operation_date: '2021-06-18 20:21:00' })
        .attach('receipt', PDF, { filename: 'b.pdf', contentType: 'application/pdf' })
        .expect(200);
      expect(updated.body.receipt_path).toMatch(/\/b-[0-9a-f]{16}\.pdf$/);
      expect(filesOnDisk()).not.toContain(oldFile);
      expect(filesOnDisk()).toContain(updated.body.receipt_path.split('/').pop());
    });

    it('DELETE removes the receipt and its file', async () => {
      const created = await postMultipart(SEED_EXAMPLE, {
        content: PDF,
        name: 'f.pdf',
        type: 'application/pdf',
      }).expect(201);
      const file = created.body.receipt_path.split('/').pop();
      expect(filesOnDisk()).toContain(file);
      await t.http().delete(`/invoice/${created.body.id}`).set(auth()).expect(204);
      expect(filesOnDisk()).not.toContain(file);
      await t.http().get(`/invoice/${created.body.id}`).set(auth()).expect(404);
      await t.http().get(created.body.receipt_path).set(auth()).expect(404);
      await t.http().delete(`/invoice/${created.body.id}`).set(auth()).expect(404);
    });
  });

  describe('scopes', () => {
    it('a read-only key can list but not create', async () => {
      const key = await t
        .http()
        .post('/api/v1/api-keys')
        .set(auth())
        .send({ name: 'reader', scopes: ['receipts:read'] })
        .expect(201);
      const reader = { Authorization: `Token ${key.body.key}` };
      await t.http().get('/invoice').set(reader).expect(200);
      const res = await t.http().post('/invoice').set(reader).send(SEED_EXAMPLE).expect(403);
      expect(res.body).toMatchObject({
        code: 'INSUFFICIENT_SCOPE',
        details: { missing: ['receipts:write'] },
      });
    });
  });
});
