import { randomUUID } from 'node:crypto';
import {
  allOperations,
  bearer,
  createAccount,
  createReceipt,
  expectError,
  importFixture,
  keyWithScopes,
  STATEMENTS,
} from '../support/bank.js';
import { DataSource } from 'typeorm';
import { DomainEvents } from '../../src/events/domain-events.js';
import { JobQueue } from '../../src/jobs/job-queue.js';
import {
  createOrganization,
  createTestApp,
  drainJobs,
  type TestApp,
  type TestOrganization,
} from '../test-app.js';

type Operation = Record<string, unknown> & { id: string; label: string; amount: string };

describe('affectations, justification, suggestions and auto-match', () => {
  let t: TestApp;
  let org: TestOrganization;
  let accountId: string;
  /** The OFX 1.x fixture's lines, by the start of their label. */
  let ops: Record<'fuel' | 'sale' | 'urssaf' | 'cheque', Operation>;
  const auth = () => bearer(org.key);

  const receipt = (id: number) => t.http().get(`/invoice/${id}`).set(auth()).expect(200);
  const operation = (id: string) => t.http().get(`/api/v1/bank-operations/${id}`).set(auth()).expect(200);
  const affect = (body: Record<string, unknown>, key = org.key) =>
    t.http().post('/api/v1/affectations').set(bearer(key)).send(body);
  const justification = async (id: string) => {
    const { body } = await operation(id);
    return [body.justification, body.justifiedAmount, body.missingAmount, body.justificationComment];
  };

  beforeAll(async () => {
    t = await createTestApp({ AUTH_FAILURE_LIMIT: '100000' });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    org = await createOrganization(t);
    accountId = (await createAccount(t, org)).id;
    await importFixture(t, org, accountId, STATEMENTS.ofx1).expect(201);
    const lines = (await allOperations(t, org)) as Operation[];
    const find = (prefix: string) => lines.find((o) => o.label.startsWith(prefix))!;
    ops = {
      fuel: find('CB TOTAL'),
      sale: find('VIR SEPA SAS BERNARD'),
      urssaf: find('PRLV SEPA URSSAF'),
      cheque: find('CHEQUE'),
    };
  });

  describe('affect and un-affect by hand', () => {
    it("sets the receipt's status, affectation_id and operation_date, justifies the line, and undoes it all", async () => {
      const r = await createReceipt(t, org, { operation_date: '2024-03-01 10:15:00' });
      expect(r).toMatchObject({ status: false, affectation_id: null, operation_date: '2024-03-01 10:15:00' });

      const created = await affect({ receiptId: r.id, bankOperationId: ops.fuel.id }).expect(201);
      expect(created.body).toEqual({
        id: expect.any(Number),
        receiptId: r.id,
        bankOperationId: ops.fuel.id,
        amount: '64.90',
        origin: 'manual',
        createdAt: expect.any(String),
      });
      expect((await receipt(r.id)).body).toMatchObject({
        status: true,
        affectation_id: created.body.id,
        operation_date: '2024-03-04 00:00:00',
      });
      expect(await justification(ops.fuel.id)).toEqual(['justified', '64.90', '0.00', null]);
      await t.http().get(`/api/v1/affectations/${created.body.id}`).set(auth()).expect(200, created.body);
      const listed = await t.http().get(`/invoice?status=1`).set(auth()).expect(200);
      expect(listed.body.data.map((x: { id: number }) => x.id)).toEqual([r.id]);

      await t.http().delete(`/api/v1/affectations/${created.body.id}`).set(auth()).expect(204);
      expect((await receipt(r.id)).body).toMatchObject({
        status: false,
        affectation_id: null,
        operation_date: '2024-03-01 10:15:00',
      });
      expect(await justification(ops.fuel.id)).toEqual(['missing', '0.00', '64.90', null]);
      await t.http().get(`/api/v1/affectations/${created.body.id}`).set(auth()).expect(404);
      expectError(
        await t.http().delete(`/api/v1/affectations/${created.body.id}`).set(auth()),
        404,
        'AFFECTATION_NOT_FOUND',
      );
    });

    it('justifies a line with several receipts, partially then wholly, never beyond what is left', async () => {
      const a = await createReceipt(t, org, {
        label: 'Cotisations',
        amount: '1000',
        amount_with_vat: '1000',
        reference: 'URS-1',
      });
      const b = await createReceipt(t, org, {
        label: 'Cotisations',
        amount: '600',
        amount_with_vat: '600',
        reference: 'URS-2',
      });
      const c = await createReceipt(t, org, {
        label: 'Divers',
        amount: '10',
        amount_with_vat: '10',
        reference: 'DIV-1',
      });

      await affect({ receiptId: a.id, bankOperationId: ops.urssaf.id }).expect(201);
      expect(await justification(ops.urssaf.id)).toEqual(['partial', '1000.00', '500.00', null]);

      const over = await affect({ receiptId: b.id, bankOperationId: ops.urssaf.id });
      expectError(over, 422, 'AMOUNT_EXCEEDS_REMAINING');
      expect(over.body.details).toEqual({ amount: '600.00', remaining: '500.00' });
      expectError(
        await affect({ receiptId: b.id, bankOperationId: ops.urssaf.id, amount: '600.01' }),
        422,
        'AMOUNT_EXCEEDS_RECEIPT',
      );
      const part = await affect({ receiptId: b.id, bankOperationId: ops.urssaf.id, amount: '500' }).expect(
        201,
      );
      expect(part.body.amount).toBe('500.00');
      expect(await justification(ops.urssaf.id)).toEqual(['justified', '1500.00', '0.00', null]);
      expectError(
        await affect({ receiptId: c.id, bankOperationId: ops.urssaf.id }),
        422,
        'AMOUNT_EXCEEDS_REMAINING',
      );
      expect((await receipt(c.id)).body).toMatchObject({ status: false, affectation_id: null });

      const list = await t
        .http()
        .get(`/api/v1/affectations?bankOperationId=${ops.urssaf.id}&limit=1`)
        .set(auth())
        .expect(200);
      expect(list.body.data).toEqual([expect.objectContaining({ receiptId: b.id })]);
      const next = await t
        .http()
        .get(`/api/v1/affectations?bankOperationId=${ops.urssaf.id}&limit=1&cursor=${list.body.next_cursor}`)
        .set(auth())
        .expect(200);
      expect(next.body).toEqual({
        data: [expect.objectContaining({ receiptId: a.id })],
        has_more: false,
        next_cursor: null,
      });
      const byReceipt = await t.http().get(`/api/v1/affectations?receiptId=${a.id}`).set(auth()).expect(200);
      expect(byReceipt.body.data).toHaveLength(1);

      await t.http().delete(`/api/v1/affectations/${part.body.id}`).set(auth()).expect(204);
      expect(await justification(ops.urssaf.id)).toEqual(['partial', '1000.00', '500.00', null]);
    });

    it('refuses a receipt already affected, with the affectation that holds it', async () => {
      const r = await createReceipt(t, org, { amount_with_vat: '10' });
      const first = await affect({ receiptId: r.id, bankOperationId: ops.fuel.id }).expect(201);
      const again = await affect({ receiptId: r.id, bankOperationId: ops.urssaf.id });
      expectError(again, 409, 'RECEIPT_ALREADY_AFFECTED');
      expect(again.body.details).toEqual({ affectationId: first.body.id });
      expect(await justification(ops.urssaf.id)).toEqual(['missing', '0.00', '1500.00', null]);
    });

    it("refuses another organization's receipt, operation and affectation with 404", async () => {
      const other = await createOrganization(t, 'Other');
      const otherAccount = await createAccount(t, other);
      await importFixture(t, other, otherAccount.id, STATEMENTS.ofx1).expect(201);
      const [otherOp] = await allOperations(t, other);
      const otherReceipt = await createReceipt(t, other);
      const mine = await createReceipt(t, org);

      expectError(
        await affect({ receiptId: otherReceipt.id, bankOperationId: ops.fuel.id }),
        404,
        'RECEIPT_NOT_FOUND',
      );
      expectError(
        await affect({ receiptId: mine.id, bankOperationId: otherOp.id }),
        404,
        'BANK_OPERATION_NOT_FOUND',
      );
      expectError(
        await affect({ receiptId: 2_000_000_000, bankOperationId: ops.fuel.id }),
        404,
        'RECEIPT_NOT_FOUND',
      );
      expectError(
        await affect({ receiptId: mine.id, bankOperationId: randomUUID() }),
        404,
        'BANK_OPERATION_NOT_FOUND',
      );
      const theirs = await affect(
        { receiptId: otherReceipt.id, bankOperationId: otherOp.id },
        other.key,
      ).expect(201);
      for (const method of ['get', 'delete'] as const) {
        expectError(
          await t.http()[method](`/api/v1/affectations/${theirs.body.id}`).set(auth()),
          404,
          'AFFECTATION_NOT_FOUND',
        );
      }
      expect((await t.http().get('/api/v1/affectations').set(auth()).expect(200)).body.data).toEqual([]);
      expect((await receipt(mine.id)).body.status).toBe(false);
      // Nothing of the other organization moved either.
      const theirReceipt = await t
        .http()
        .get(`/invoice/${otherReceipt.id}`)
        .set(bearer(other.key))
        .expect(200);
      expect(theirReceipt.body).toMatchObject({ status: true, affectation_id: theirs.body.id });
    });

    it('answers 4xx, never 5xx, for malformed bodies and ids', async () => {
      const r = await createReceipt(t, org);
      const bodies: unknown[] = [
        {},
        { receiptId: String(r.id), bankOperationId: ops.fuel.id },
        { receiptId: r.id, bankOperationId: 'nope' },
        { receiptId: -1, bankOperationId: ops.fuel.id },
        { receiptId: 1.5, bankOperationId: ops.fuel.id },
        { receiptId: 99999999999, bankOperationId: ops.fuel.id },
        { receiptId: r.id, bankOperationId: ops.fuel.id, amount: '0' },
        { receiptId: r.id, bankOperationId: ops.fuel.id, amount: '-5' },
        { receiptId: r.id, bankOperationId: ops.fuel.id, amount: '1.001' },
        { receiptId: r.id, bankOperationId: ops.fuel.id, amount: 'abc' },
        [1, 2],
      ];
      for (const body of bodies) {
        const res = await t
          .http()
          .post('/api/v1/affectations')
          .set(auth())
          .send(body as object);
        expect({ body, status: res.status, code: res.body.code }).toEqual({
          body,
          status: 422,
          code: 'VALIDATION_FAILED',
        });
      }
      const raw = await t
        .http()
        .post('/api/v1/affectations')
        .set(auth())
        .set('Content-Type', 'application/json')
        .send('{"receiptId":');
      expect(raw.status).toBe(400);
      for (const id of ['abc', '0', '-1', '1.5', '99999999999', '2147483648']) {
        expectError(
          await t.http().get(`/api/v1/affectations/${id}`).set(auth()),
          404,
          'AFFECTATION_NOT_FOUND',
        );
        expectError(
          await t.http().delete(`/api/v1/affectations/${id}`).set(auth()),
          404,
          'AFFECTATION_NOT_FOUND',
        );
      }
      for (const query of ['receiptId=abc', 'bankOperationId=1', 'limit=0', 'cursor=xyz']) {
        expect((await t.http().get(`/api/v1/affectations?${query}`).set(auth())).status).toBe(422);
      }
      expect((await receipt(r.id)).body.status).toBe(false);
    });

    it('needs bank:write to affect, bank:read to read', async () => {
      const r = await createReceipt(t, org);
      const reader = await keyWithScopes(t, org, ['bank:read']);
      const receiptsOnly = await keyWithScopes(t, org, ['receipts:read', 'receipts:write']);
      expectError(
        await affect({ receiptId: r.id, bankOperationId: ops.fuel.id }, reader),
        403,
        'INSUFFICIENT_SCOPE',
      );
      expectError(
        await affect({ receiptId: r.id, bankOperationId: ops.fuel.id }, receiptsOnly),
        403,
        'INSUFFICIENT_SCOPE',
      );
      await t.http().get('/api/v1/affectations').set(bearer(reader)).expect(200);
      await t
        .http()
        .get(`/api/v1/bank-operations/${ops.fuel.id}/suggestions`)
        .set(bearer(reader))
        .expect(200);
      expectError(
        await t
          .http()
          .put(`/api/v1/bank-operations/${ops.fuel.id}/justification`)
          .set(bearer(reader))
          .send({ state: 'not_needed', comment: 'x' }),
        403,
        'INSUFFICIENT_SCOPE',
      );
    });

    it('replays an affectation sent again with the same Idempotency-Key', async () => {
      const r = await createReceipt(t, org);
      const send = () =>
        t
          .http()
          .post('/api/v1/affectations')
          .set(auth())
          .set('Idempotency-Key', 'affect-1')
          .send({ receiptId: r.id, bankOperationId: ops.fuel.id });
      const first = await send().expect(201);
      const replay = await send().expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(first.body);
    });
  });

  describe('the receipt side (/invoice)', () => {
    it('refuses to delete an affected receipt (409 RECEIPT_AFFECTED), and deletes it once un-affected', async () => {
      const r = await createReceipt(t, org);
      const a = await affect({ receiptId: r.id, bankOperationId: ops.fuel.id }).expect(201);
      const refused = await t.http().delete(`/invoice/${r.id}`).set(auth());
      expectError(refused, 409, 'RECEIPT_AFFECTED');
      expect(refused.body.details).toEqual({ affectationId: a.body.id });
      await t.http().delete(`/api/v1/affectations/${a.body.id}`).set(auth()).expect(204);
      await t.http().delete(`/invoice/${r.id}`).set(auth()).expect(204);
    });

    it("keeps an affected receipt's operation date (the operation's) on PUT and PATCH; other fields change", async () => {
      const r = await createReceipt(t, org);
      await affect({ receiptId: r.id, bankOperationId: ops.fuel.id }).expect(201);
      const patched = await t
        .http()
        .patch(`/invoice/${r.id}`)
        .set(auth())
        .send({ type: 'frais', operation_date: '2020-01-01 12:00:00', comment: 'plein du 2 mars' })
        .expect(200);
      expect(patched.body).toMatchObject({
        operation_date: '2024-03-04 00:00:00',
        comment: 'plein du 2 mars',
        status: true,
      });
      const put = await t
        .http()
        .put(`/invoice/${r.id}`)
        .set(auth())
        .send({
          label: 'Carburant',
          type: 'frais',
          amount: '54.08',
          amount_with_vat: '64.90',
          operation_date: '2019-05-05',
        })
        .expect(200);
      expect(put.body).toMatchObject({
        label: 'Carburant',
        operation_date: '2024-03-04 00:00:00',
        status: true,
      });
    });

    it("refuses to change an affected receipt's TTC amount (422 on amount_with_vat), keeps the same one", async () => {
      const r = await createReceipt(t, org);
      await affect({ receiptId: r.id, bankOperationId: ops.fuel.id }).expect(201);
      const current = await t.http().get(`/invoice/${r.id}`).set(auth()).expect(200);
      const refused = await t
        .http()
        .patch(`/invoice/${r.id}`)
        .set(auth())
        .send({ type: 'frais', operation_date: '2024-03-04', amount_with_vat: '1.00' })
        .expect(422);
      expect(refused.body).toEqual({ amount_with_vat: expect.stringMatching(/affectée/) });
      await t
        .http()
        .patch(`/invoice/${r.id}`)
        .set(auth())
        .send({ type: 'frais', operation_date: '2024-03-04', amount_with_vat: current.body.amount_with_vat })
        .expect(200);
    });

    it('moves the receipts of a pending line to the date of the statement line that confirms it', async () => {
      const pending = await t
        .http()
        .post('/api/v1/bank-operations')
        .set(auth())
        .send({ bankAccountId: accountId, date: '2024-03-12', label: 'Chèque fournisseur', amount: '-42.00' })
        .expect(201);
      const r = await createReceipt(t, org, { amount_with_vat: '42', operation_date: '2024-03-10 08:00:00' });
      const a = await affect({ receiptId: r.id, bankOperationId: pending.body.id }).expect(201);
      expect((await receipt(r.id)).body.operation_date).toBe('2024-03-12 00:00:00');

      const ofx =
        'OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR' +
        '<BANKACCTFROM><BANKID>30004<BRANCHID>00123<ACCTID>00012345678</BANKACCTFROM><BANKTRANLIST>' +
        '<STMTTRN><TRNTYPE>CHECK<DTPOSTED>20240314<TRNAMT>-42.00<FITID>CHQ-0042<NAME>CHEQUE 7654321</STMTTRN>' +
        '</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>';
      const report = await t
        .http()
        .post(`/api/v1/bank-accounts/${accountId}/statements`)
        .set(auth())
        .attach('file', Buffer.from(ofx), 'march.ofx')
        .expect(201);
      expect(report.body).toMatchObject({ created: 0, confirmed: 1 });
      expect((await operation(pending.body.id)).body).toMatchObject({
        source: 'statement',
        date: '2024-03-14',
        justification: 'justified',
        justifiedAmount: '42.00',
      });
      // The receipt follows through an event (bank_operation.date_changed), handled by a job.
      await drainJobs(t);
      expect((await receipt(r.id)).body).toMatchObject({
        status: true,
        affectation_id: a.body.id,
        operation_date: '2024-03-14 00:00:00',
      });

      // The same event delivered again, and a stale one arriving last: the receipt stays on the
      // line's date as it is now.
      const events = t.app.get(DomainEvents);
      const dataSource = t.app.get(DataSource);
      const [recorded] = await dataSource.query<{ id: string }[]>(
        `SELECT id FROM events WHERE type = 'bank_operation.date_changed' AND payload->>'operationId' = $1`,
        [pending.body.id],
      );
      await dataSource.transaction(async (manager) => {
        await t.app
          .get(JobQueue)
          .enqueue(
            'events.affectations.follow-operation-date',
            { eventId: recorded.id },
            { transaction: manager },
          );
        await events.record(manager, {
          type: 'bank_operation.date_changed',
          organizationId: org.id,
          payload: { operationId: pending.body.id, previousDate: '2024-03-14', date: '2024-03-12' },
        });
      });
      await drainJobs(t);
      expect((await receipt(r.id)).body.operation_date).toBe('2024-03-14 00:00:00');
    });
  });

  describe('justification set by a person', () => {
    it('marks a line not_needed or receipt_lost with a comment, lists it by state, and clears it', async () => {
      const put = await t
        .http()
        .put(`/api/v1/bank-operations/${ops.sale.id}/justification`)
        .set(auth())
        .send({ state: 'not_needed', comment: '  Virement interne  ' })
        .expect(200);
      expect(put.body).toMatchObject({
        id: ops.sale.id,
        justification: 'not_needed',
        justificationComment: 'Virement interne',
        justifiedAmount: '0.00',
        missingAmount: '2400.00',
      });
      expect(await justification(ops.sale.id)).toEqual(['not_needed', '0.00', '2400.00', 'Virement interne']);
      expect((await allOperations(t, org, { justification: 'not_needed' })).map((o) => o.id)).toEqual([
        ops.sale.id,
      ]);

      await t
        .http()
        .put(`/api/v1/bank-operations/${ops.sale.id}/justification`)
        .set(auth())
        .send({ state: 'receipt_lost', comment: 'Facture perdue, attestation sur l’honneur' })
        .expect(200);
      expect(await justification(ops.sale.id)).toEqual([
        'receipt_lost',
        '0.00',
        '2400.00',
        'Facture perdue, attestation sur l’honneur',
      ]);
      const cleared = await t
        .http()
        .delete(`/api/v1/bank-operations/${ops.sale.id}/justification`)
        .set(auth())
        .expect(200);
      expect(cleared.body).toMatchObject({ justification: 'missing', justificationComment: null });
      // Clearing twice is harmless.
      await t.http().delete(`/api/v1/bank-operations/${ops.sale.id}/justification`).set(auth()).expect(200);
    });

    it('keeps the mark when receipts are affected, and follows them once it is cleared', async () => {
      await t
        .http()
        .put(`/api/v1/bank-operations/${ops.urssaf.id}/justification`)
        .set(auth())
        .send({ state: 'receipt_lost', comment: 'Avis de prélèvement égaré' })
        .expect(200);
      const r = await createReceipt(t, org, { amount_with_vat: '500' });
      await affect({ receiptId: r.id, bankOperationId: ops.urssaf.id }).expect(201);
      expect(await justification(ops.urssaf.id)).toEqual([
        'receipt_lost',
        '500.00',
        '1000.00',
        'Avis de prélèvement égaré',
      ]);
      await t.http().delete(`/api/v1/bank-operations/${ops.urssaf.id}/justification`).set(auth()).expect(200);
      expect(await justification(ops.urssaf.id)).toEqual(['partial', '500.00', '1000.00', null]);
    });

    it('refuses a bad state or comment, a wholly justified line, and other organizations', async () => {
      const url = `/api/v1/bank-operations/${ops.fuel.id}/justification`;
      for (const body of [
        { state: 'justified', comment: 'x' },
        { state: 'not_needed' },
        { state: 'not_needed', comment: '   ' },
        { state: 'not_needed', comment: 'x'.repeat(1001) },
        { comment: 'x' },
      ]) {
        expectError(await t.http().put(url).set(auth()).send(body), 422, 'VALIDATION_FAILED');
      }
      const r = await createReceipt(t, org);
      await affect({ receiptId: r.id, bankOperationId: ops.fuel.id }).expect(201);
      expectError(
        await t.http().put(url).set(auth()).send({ state: 'receipt_lost', comment: 'x' }),
        409,
        'BANK_OPERATION_ALREADY_JUSTIFIED',
      );
      const other = await createOrganization(t, 'Other');
      for (const id of [ops.cheque.id, 'abc']) {
        expectError(
          await t
            .http()
            .put(`/api/v1/bank-operations/${id}/justification`)
            .set(bearer(other.key))
            .send({ state: 'not_needed', comment: 'x' }),
          404,
          'BANK_OPERATION_NOT_FOUND',
        );
        expectError(
          await t.http().delete(`/api/v1/bank-operations/${id}/justification`).set(bearer(other.key)),
          404,
          'BANK_OPERATION_NOT_FOUND',
        );
      }
      expect(await justification(ops.cheque.id)).toEqual(['missing', '0.00', '320.00', null]);
    });
  });

  describe('suggestions', () => {
    it('ranks candidate receipts with a score and its reasons', async () => {
      const best = await createReceipt(t, org);
      const wrongType = await createReceipt(t, org, {
        type: 'vente',
        reference: 'V-1',
        label: 'Vente comptoir',
      });
      const farAway = await createReceipt(t, org, {
        operation_date: '2023-09-01 10:00:00',
        reference: 'OLD-1',
        label: 'Ancien plein',
      });
      const nearOther = await createReceipt(t, org, {
        amount: '8',
        amount_with_vat: '9.60',
        operation_date: '2024-03-04 10:00:00',
        reference: 'CAFE-9',
        label: 'Café',
      });
      const affected = await createReceipt(t, org, { reference: 'AFF-1' });
      await affect({ receiptId: affected.id, bankOperationId: ops.cheque.id, amount: '1' }).expect(201);
      const other = await createOrganization(t, 'Other');
      await createReceipt(t, other);

      const res = await t
        .http()
        .get(`/api/v1/bank-operations/${ops.fuel.id}/suggestions`)
        .set(auth())
        .expect(200);
      expect(res.body.bankOperation).toMatchObject({
        id: ops.fuel.id,
        amount: '-64.90',
        missingAmount: '64.90',
      });
      expect(res.body.data.map((s: { receiptId: number }) => s.receiptId)).toEqual([
        best.id,
        farAway.id,
        nearOther.id,
        wrongType.id,
      ]);
      expect(res.body.data[0]).toEqual({
        receiptId: best.id,
        score: 85,
        fits: true,
        reasons: [
          { code: 'AMOUNT_EQUALS_OPERATION', points: 50, detail: 'TTC 64.90 = operation 64.90' },
          { code: 'DIRECTION_MATCHES', points: 15, detail: 'debit and frais' },
          { code: 'DATE_DISTANCE', points: 15, detail: '2 days apart' },
          { code: 'LABEL_WORDS', points: 5, detail: 'label words in the bank label: totalenergies' },
        ],
        receipt: {
          id: best.id,
          label: 'Carburant TotalEnergies',
          reference: 'TE-55812',
          type: 'frais',
          amountWithVat: '64.90',
          operationDate: '2024-03-02T08:30:00.000Z',
        },
      });
      expect(res.body.data[3].reasons).toContainEqual({
        code: 'DIRECTION_MISMATCH',
        points: -40,
        detail: 'debit but vente',
      });
      const limited = await t
        .http()
        .get(`/api/v1/bank-operations/${ops.fuel.id}/suggestions?limit=1`)
        .set(auth())
        .expect(200);
      expect(limited.body.data).toHaveLength(1);
    });

    it('finds a receipt by the reference in the bank label, whatever its amount and date', async () => {
      const invoice = await createReceipt(t, org, {
        type: 'vente',
        label: 'Prestation de conseil',
        amount: '2000',
        amount_with_vat: '2400',
        reference: 'F-2024-017',
        operation_date: '2023-12-01 00:00:00',
      });
      const res = await t
        .http()
        .get(`/api/v1/bank-operations/${ops.sale.id}/suggestions`)
        .set(auth())
        .expect(200);
      // 50 amount + 15 direction − 10 (95 days apart) + 30 reference
      expect(res.body.data[0]).toMatchObject({ receiptId: invoice.id, score: 85 });
      expect(res.body.data[0].reasons.map((r: { code: string }) => r.code)).toEqual([
        'AMOUNT_EQUALS_OPERATION',
        'DIRECTION_MATCHES',
        'DATE_DISTANCE',
        'REFERENCE_IN_LABEL',
      ]);
      const partial = await createReceipt(t, org, {
        type: 'vente',
        amount_with_vat: '1200',
        reference: 'f-2024-017',
        operation_date: '2022-01-01',
      });
      const again = await t
        .http()
        .get(`/api/v1/bank-operations/${ops.sale.id}/suggestions`)
        .set(auth())
        .expect(200);
      expect(again.body.data.map((s: { receiptId: number }) => s.receiptId)).toContain(partial.id);
    });

    it("answers 404 for another organization's operation, 422 for a bad limit", async () => {
      const other = await createOrganization(t, 'Other');
      for (const id of [ops.fuel.id, 'x', randomUUID()]) {
        expectError(
          await t.http().get(`/api/v1/bank-operations/${id}/suggestions`).set(bearer(other.key)),
          404,
          'BANK_OPERATION_NOT_FOUND',
        );
      }
      for (const limit of ['0', '51', 'abc']) {
        expectError(
          await t.http().get(`/api/v1/bank-operations/${ops.fuel.id}/suggestions?limit=${limit}`).set(auth()),
          422,
          'VALIDATION_FAILED',
        );
      }
    });
  });

  describe('POST /api/v1/affectations/auto-match', () => {
    it('affects only the unique confident pairs and reports what it did and what it left', async () => {
      const fuel = await createReceipt(t, org);
      const sale = await createReceipt(t, org, {
        type: 'vente',
        label: 'Prestation Bernard',
        amount: '2000',
        amount_with_vat: '2400',
        reference: 'F-2024-017',
        operation_date: '2024-03-01',
      });
      const urssafA = await createReceipt(t, org, {
        label: 'URSSAF',
        amount: '1500',
        amount_with_vat: '1500',
        reference: 'U-1',
        operation_date: '2024-03-10',
      });
      const urssafB = await createReceipt(t, org, {
        label: 'URSSAF',
        amount: '1500',
        amount_with_vat: '1500',
        reference: 'U-2',
        operation_date: '2024-03-12',
      });
      const cheque = await createReceipt(t, org, {
        label: 'Fournitures',
        amount: '320',
        amount_with_vat: '320',
        reference: 'C-1',
        operation_date: '2024-01-01',
      });

      const dry = await t
        .http()
        .post('/api/v1/affectations/auto-match')
        .set(auth())
        .send({ dryRun: true })
        .expect(200);
      expect(dry.body).toMatchObject({ examined: 4, threshold: 80, dryRun: true });
      expect(dry.body.affected).toEqual([
        { affectationId: null, bankOperationId: ops.fuel.id, receiptId: fuel.id, amount: '64.90', score: 85 },
        {
          affectationId: null,
          bankOperationId: ops.sale.id,
          receiptId: sale.id,
          amount: '2400.00',
          score: 100,
        },
      ]);
      expect((await receipt(fuel.id)).body.status).toBe(false);

      const run = await t.http().post('/api/v1/affectations/auto-match').set(auth()).send({}).expect(200);
      expect(run.body.affected).toEqual([
        expect.objectContaining({
          bankOperationId: ops.fuel.id,
          receiptId: fuel.id,
          affectationId: expect.any(Number),
        }),
        expect.objectContaining({
          bankOperationId: ops.sale.id,
          receiptId: sale.id,
          affectationId: expect.any(Number),
        }),
      ]);
      expect(run.body.left).toEqual([
        { bankOperationId: ops.urssaf.id, reason: 'AMBIGUOUS', candidates: expect.any(Array) },
        { bankOperationId: ops.cheque.id, reason: 'BELOW_THRESHOLD', candidates: expect.any(Array) },
      ]);
      // The best three candidates, to help the person who decides: both URSSAF receipts score 85.
      expect(run.body.left[0].candidates.slice(0, 2)).toEqual([
        { receiptId: urssafA.id, score: 85 },
        { receiptId: urssafB.id, score: 85 },
      ]);
      expect(run.body.left[1].candidates[0]).toEqual({ receiptId: cheque.id, score: 55 });
      expect((await receipt(fuel.id)).body).toMatchObject({
        status: true,
        affectation_id: run.body.affected[0].affectationId,
        operation_date: '2024-03-04 00:00:00',
      });
      expect((await receipt(sale.id)).body).toMatchObject({
        status: true,
        operation_date: '2024-03-05 00:00:00',
      });
      expect(await justification(ops.fuel.id)).toEqual(['justified', '64.90', '0.00', null]);
      expect(await justification(ops.sale.id)).toEqual(['justified', '2400.00', '0.00', null]);
      const made = await t
        .http()
        .get(`/api/v1/affectations/${run.body.affected[0].affectationId}`)
        .set(auth())
        .expect(200);
      expect(made.body.origin).toBe('auto_match');

      const lower = await t
        .http()
        .post('/api/v1/affectations/auto-match')
        .set(auth())
        .send({ threshold: 50 })
        .expect(200);
      expect(lower.body.examined).toBe(2);
      expect(lower.body.affected).toEqual([
        expect.objectContaining({ bankOperationId: ops.cheque.id, receiptId: cheque.id, score: 55 }),
      ]);
      expect(lower.body.left).toEqual([
        expect.objectContaining({ bankOperationId: ops.urssaf.id, reason: 'AMBIGUOUS' }),
      ]);
    });

    it('leaves two lines that both want the same single receipt', async () => {
      const make = (date: string) =>
        t
          .http()
          .post('/api/v1/bank-operations')
          .set(auth())
          .send({ bankAccountId: accountId, date, label: 'CB BOULANGERIE', amount: '-12.40' })
          .expect(201);
      const first = await make('2024-04-01');
      const second = await make('2024-04-02');
      const bread = await createReceipt(t, org, {
        label: 'Boulangerie',
        amount_with_vat: '12.40',
        reference: 'B-1',
        operation_date: '2024-04-01',
      });
      const res = await t
        .http()
        .post('/api/v1/affectations/auto-match')
        .set(auth())
        .send({ dateFrom: '2024-04-01', dateTo: '2024-04-30', bankAccountId: accountId })
        .expect(200);
      expect(res.body.examined).toBe(2);
      expect(res.body.affected).toEqual([]);
      expect(
        res.body.left.map((l: { bankOperationId: string; reason: string }) => [l.bankOperationId, l.reason]),
      ).toEqual([
        [first.body.id, 'RECEIPT_CONTESTED'],
        [second.body.id, 'RECEIPT_CONTESTED'],
      ]);
      expect((await receipt(bread.id)).body.status).toBe(false);
    });

    it('skips lines a person marked, refuses bad options, and touches no other organization', async () => {
      await createReceipt(t, org);
      await t
        .http()
        .put(`/api/v1/bank-operations/${ops.fuel.id}/justification`)
        .set(auth())
        .send({ state: 'not_needed', comment: 'carte perso' })
        .expect(200);
      const other = await createOrganization(t, 'Other');
      const res = await t
        .http()
        .post('/api/v1/affectations/auto-match')
        .set(bearer(other.key))
        .send({})
        .expect(200);
      expect(res.body).toEqual({ examined: 0, threshold: 80, dryRun: false, affected: [], left: [] });
      const mine = await t.http().post('/api/v1/affectations/auto-match').set(auth()).send({}).expect(200);
      expect(mine.body.examined).toBe(3);
      expect(mine.body.affected).toEqual([]);
      for (const body of [
        { threshold: 49 },
        { threshold: 101 },
        { limit: 0 },
        { dryRun: 'yes' },
        { dateFrom: '2024-02-30' },
      ]) {
        expectError(
          await t.http().post('/api/v1/affectations/auto-match').set(auth()).send(body),
          422,
          'VALIDATION_FAILED',
        );
      }
    });
  });
});
