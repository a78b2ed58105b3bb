import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DomainError } from '../../src/common/errors/domain-error.js';
import {
  outputReference,
  outputsPaying,
  vanishedOutputs,
} from '../../src/modules/checkout/chain/chain-outputs.js';
import { EsploraClient } from '../../src/modules/checkout/chain/esplora-client.js';
import { evaluateCheckout, isSettledPayment } from '../../src/modules/checkout/chain/invoice-evaluation.js';
import {
  bitcoinChargeAmount,
  satsDue,
  satsToBtc,
} from '../../src/modules/checkout/chain/settlement-amounts.js';
import {
  PaymentRequestsService,
  type ExternalChargeInput,
} from '../../src/modules/payment-requests/payment-requests.service.js';
import { FakeEsplora } from '../support/fake-esplora.js';
import { createOrganization, createTestApp, type TestApp, type TestOrganization } from '../test-app.js';

/**
 * Charges recorded by a payment method (issue 11: the chain watcher, Lightning): pending, settled,
 * voided. There is no public route that records them; the test calls the service as the watcher will,
 * and reads the result through the HTTP views (seed 004's and the canonical resource).
 */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const txid = () => randomBytes(32).toString('hex');

describe('charges recorded by a payment method (pending, settled, voided)', () => {
  let t: TestApp;
  let db: DataSource;
  let service: PaymentRequestsService;
  let org: TestOrganization;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    service = t.app.get(PaymentRequestsService);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    org = await createOrganization(t);
  });

  async function request(amount = '100.00', currency = 'EUR') {
    const res = await t
      .http()
      .post('/api/v1/payment-requests')
      .set(bearer(org.key))
      .send({ amount, currency })
      .expect(201);
    return res.body.id as string;
  }
  const invoice = async (id: string) =>
    (await t.http().get(`/api/v1/invoices/${id}`).set(bearer(org.key)).expect(200)).body;
  const canonical = async (id: string) =>
    (await t.http().get(`/api/v1/payment-requests/${id}`).set(bearer(org.key)).expect(200)).body;
  const events = async (): Promise<{ type: string; payload: Record<string, unknown> }[]> =>
    db.query(`SELECT type, payload FROM events WHERE organization_id = $1 ORDER BY occurred_at, type`, [
      org.id,
    ]);
  const eventTypes = async () => (await events()).map((e) => e.type);
  const bitcoin = (reference: string, over: Partial<ExternalChargeInput> = {}): ExternalChargeInput => ({
    chargeType: 'bitcoin',
    reference,
    amount: '100.00',
    settled: false,
    confirmations: 0,
    originalAmount: '0.00456923',
    originalCurrency: 'BTC',
    ...over,
  });

  describe('POST /api/v1/invoices/{id}/charges', () => {
    it.each(['bitcoin', 'lightning'])(
      'refuses chargeType %s with 422 naming chargeType: only its payment method records one',
      async (chargeType) => {
        const id = await request();
        const res = await t
          .http()
          .post(`/api/v1/invoices/${id}/charges`)
          .set(bearer(org.key))
          .send({ amount: 100, chargeType, reference: `${txid()}:0` })
          .expect(422);
        expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED' });
        expect(res.body.details).toEqual([
          {
            field: 'chargeType',
            messages: [
              expect.stringContaining(`chargeType ${chargeType} is recorded only by its payment method`),
            ],
          },
        ]);
        expect((await invoice(id)).charges).toEqual([]);
      },
    );
  });

  it('a pending charge does not pay: seed 004 stays 10 without it, the canonical resource shows it pending', async () => {
    const id = await request('100.00');
    const reference = `${txid()}:1`;
    const result = await service.recordExternalCharge(org.id, id, bitcoin(reference));
    expect(result.changed).toBe(true);

    expect(await invoice(id)).toMatchObject({ status: 10, charges: [], paidTime: null });
    const pr = await canonical(id);
    expect(pr).toMatchObject({
      status: 'unpaid',
      amountPaid: '0.00',
      amountDue: '100.00',
      amountPending: '100.00',
      paidAt: null,
    });
    expect(pr.charges).toEqual([
      {
        id: result.charge.id,
        paymentRequestId: id,
        amount: '100.00',
        currency: 'EUR',
        reference,
        note: null,
        chargeType: 'bitcoin',
        createdAt: expect.stringMatching(ISO_UTC),
        state: 'pending',
        settledAt: null,
        voidedAt: null,
        confirmations: 0,
        originalAmount: '0.00456923',
        originalCurrency: 'BTC',
      },
    ]);
    expect(await eventTypes()).toEqual(['payment_request.created', 'charge.created']);
    const created = (await events())[1].payload;
    expect(created).toMatchObject({ id: result.charge.id, state: 'pending', confirmations: 0 });
    // Money is on its way: the terms no longer change.
    await t
      .http()
      .patch(`/api/v1/payment-requests/${id}`)
      .set(bearer(org.key))
      .send({ amount: '50.00' })
      .expect(409);
  });

  it('confirmations, then settling, pay: seed 004 goes to 20 with the charge, paidTime its settlement', async () => {
    const id = await request('100.00');
    const key = { chargeType: 'bitcoin' as const, reference: `${txid()}:0` };
    await service.recordExternalCharge(org.id, id, bitcoin(key.reference));

    const same = await service.updateExternalCharge(org.id, id, key, { confirmations: 0 });
    expect(same.changed).toBe(false);
    const one = await service.updateExternalCharge(org.id, id, key, { confirmations: 1 });
    expect(one.changed).toBe(true);
    expect(await invoice(id)).toMatchObject({ status: 10, charges: [] });
    expect((await canonical(id)).charges[0]).toMatchObject({ state: 'pending', confirmations: 1 });

    const settled = await service.updateExternalCharge(org.id, id, key, { confirmations: 2, settle: true });
    expect(settled.changed).toBe(true);
    const pr = await canonical(id);
    expect(pr).toMatchObject({
      status: 'paid',
      amountPaid: '100.00',
      amountDue: '0.00',
      amountPending: '0.00',
    });
    expect(pr.charges[0]).toMatchObject({
      state: 'settled',
      confirmations: 2,
      settledAt: expect.stringMatching(ISO_UTC),
    });
    expect(pr.paidAt).toBe(pr.charges[0].settledAt);
    const seed = await invoice(id);
    expect(seed).toMatchObject({ status: 20, paidTime: pr.charges[0].settledAt });
    expect(seed.charges).toEqual([
      {
        id: settled.charge.id,
        amount: '100.00',
        reference: key.reference,
        note: null,
        chargeType: 'bitcoin',
        creationTime: pr.charges[0].createdAt,
      },
    ]);
    // Settling again writes nothing.
    expect((await service.updateExternalCharge(org.id, id, key, { settle: true })).changed).toBe(false);
    expect(await eventTypes()).toEqual([
      'payment_request.created',
      'charge.created',
      'charge.updated',
      // One transaction: ordered by type.
      'charge.settled',
      'payment_request.paid',
    ]);
    const paid = (await events()).find((e) => e.type === 'payment_request.paid')!.payload;
    expect(paid).toMatchObject({ id, status: 'paid', amountPaid: '100.00' });
  });

  it('records a charge settled at once (enough confirmations when first seen)', async () => {
    const id = await request('40.00');
    await service.recordExternalCharge(
      org.id,
      id,
      bitcoin(`${txid()}:0`, { amount: '40', settled: true, confirmations: 3 }),
    );
    expect(await invoice(id)).toMatchObject({
      status: 20,
      charges: [expect.objectContaining({ amount: '40.00' })],
    });
    expect(await eventTypes()).toEqual(['payment_request.created', 'charge.created', 'payment_request.paid']);
  });

  it('voiding unpays: seed 004 back to 10 without it; the canonical resource keeps it as voided', async () => {
    const id = await request('100.00');
    const key = { chargeType: 'bitcoin' as const, reference: `${txid()}:0` };
    await service.recordExternalCharge(org.id, id, bitcoin(key.reference, { settled: true }));
    await t
      .http()
      .post(`/api/v1/invoices/${id}/charges`)
      .set(bearer(org.key))
      .send({ amount: 10, chargeType: 'cash' })
      .expect(201);
    expect(await invoice(id)).toMatchObject({ status: 20 });

    const voided = await service.voidExternalCharge(org.id, id, key);
    expect(voided.changed).toBe(true);
    const seed = await invoice(id);
    expect(seed).toMatchObject({ status: 10, paidTime: null });
    expect(seed.charges.map((c: { chargeType: string }) => c.chargeType)).toEqual(['cash']);
    const pr = await canonical(id);
    expect(pr).toMatchObject({
      status: 'partially_paid',
      amountPaid: '10.00',
      amountPending: '0.00',
      paidAt: null,
    });
    expect(pr.charges.map((c: { state: string }) => c.state)).toEqual(['voided', 'settled']);
    expect(pr.charges[0]).toMatchObject({
      voidedAt: expect.stringMatching(ISO_UTC),
      settledAt: expect.stringMatching(ISO_UTC),
    });

    // Again: nothing written, the voided charge returned.
    const again = await service.voidExternalCharge(org.id, id, key);
    expect(again).toMatchObject({ changed: false, charge: { id: voided.charge.id } });
    const types = await eventTypes();
    expect(types.filter((t) => t === 'charge.voided')).toHaveLength(1);
    expect(types.slice(-2)).toEqual(['charge.voided', 'payment_request.unpaid']);

    // A record of money: it cannot be deleted, nor the request that has it.
    const del = await t
      .http()
      .delete(`/api/v1/invoices/${id}/charges/${voided.charge.id}`)
      .set(bearer(org.key));
    expect({ status: del.status, code: del.body.code }).toEqual({
      status: 409,
      code: 'CHARGE_NOT_DELETABLE',
    });
    const delInvoice = await t.http().delete(`/api/v1/invoices/${id}`).set(bearer(org.key)).expect(409);
    expect(delInvoice.body.code).toBe('INVOICE_HAS_CHARGES');

    // The same transaction broadcast again is a new charge beside the voided one.
    const back = await service.recordExternalCharge(org.id, id, bitcoin(key.reference));
    expect(back.changed).toBe(true);
    expect(back.charge.id).not.toBe(voided.charge.id);
    expect((await canonical(id)).charges.map((c: { state: string }) => c.state)).toEqual([
      'voided',
      'settled',
      'pending',
    ]);
  });

  it('refuses to delete a bitcoin charge through seed 004 (409 CHARGE_NOT_DELETABLE)', async () => {
    const id = await request('100.00');
    const { charge } = await service.recordExternalCharge(
      org.id,
      id,
      bitcoin(`${txid()}:3`, { settled: true }),
    );
    const res = await t
      .http()
      .delete(`/api/v1/invoices/${id}/charges/${charge.id}`)
      .set(bearer(org.key))
      .expect(409);
    expect(res.body.code).toBe('CHARGE_NOT_DELETABLE');
    expect(await invoice(id)).toMatchObject({ status: 20 });
  });

  it('is idempotent by reference: 20 racing calls record one charge and one event', async () => {
    const id = await request('100.00');
    const reference = `${txid()}:0`;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => service.recordExternalCharge(org.id, id, bitcoin(reference))),
    );
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.charge.id)).size).toBe(1);
    const [{ count }] = await db.query(
      `SELECT count(*)::int AS count FROM charges WHERE payment_request_id = $1`,
      [id],
    );
    expect(count).toBe(1);
    expect(await eventTypes()).toEqual(['payment_request.created', 'charge.created']);
    expect((await canonical(id)).amountPending).toBe('100.00');
  });

  it('the unique index refuses a second standing charge of one reference written around the service', async () => {
    const id = await request('100.00');
    const reference = `${txid()}:0`;
    await service.recordExternalCharge(org.id, id, bitcoin(reference));
    await expect(
      db.query(
        `INSERT INTO charges (organization_id, payment_request_id, amount, reference, charge_type, created_at)
         VALUES ($1, $2, 1, $3, 'bitcoin', now())`,
        [org.id, id, reference],
      ),
    ).rejects.toThrow(/UQ_charges_external_reference/);
  });

  it('computes the amount under the row lock from the charges already there', async () => {
    const id = await request('100.00');
    await service.recordExternalCharge(org.id, id, bitcoin(`${txid()}:0`, { amount: '60.00' }));
    const seen: number[] = [];
    const { charge } = await service.recordExternalCharge(
      org.id,
      id,
      bitcoin(`${txid()}:0`, {
        amount: ({ charges }) => {
          seen.push(charges.length);
          return String(100 - charges.reduce((sum, c) => sum + Number(c.amount), 0));
        },
      }),
    );
    expect(seen).toEqual([1]);
    expect(charge.amount).toBe('40.00');
    expect((await canonical(id)).amountPending).toBe('100.00');
  });

  it('takes a charge worth 0.00 beside the satoshis received, and refuses 0 without them', async () => {
    const id = await request('100.00');
    await service.recordExternalCharge(
      org.id,
      id,
      bitcoin(`${txid()}:0`, { amount: '0', originalAmount: '0.00000546', settled: true }),
    );
    expect(await canonical(id)).toMatchObject({ status: 'unpaid', amountPaid: '0.00' });
    await expect(
      service.recordExternalCharge(
        org.id,
        id,
        bitcoin(`${txid()}:0`, { amount: '0', originalAmount: null, originalCurrency: null }),
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      service.recordExternalCharge(org.id, id, bitcoin(`${txid()}:0`, { amount: '1.001' })),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(service.recordExternalCharge(org.id, id, bitcoin(''))).rejects.toThrow(RangeError);
    await expect(
      service.recordExternalCharge(org.id, id, bitcoin(`${txid()}:0`, { confirmations: -1 })),
    ).rejects.toThrow(RangeError);
  });

  it('writes the charge and its events in the caller transaction: all of them or none', async () => {
    const id = await request('100.00');
    const reference = `${txid()}:0`;
    await expect(
      db.transaction(async (manager) => {
        await service.recordExternalCharge(org.id, id, bitcoin(reference, { settled: true }), { manager });
        throw new Error('the caller fails after the charge');
      }),
    ).rejects.toThrow('the caller fails after the charge');
    expect(await eventTypes()).toEqual(['payment_request.created']);
    expect((await canonical(id)).charges).toEqual([]);

    await db.transaction(async (manager) => {
      await service.recordExternalCharge(org.id, id, bitcoin(reference, { settled: true }), { manager });
      // Within the same transaction, the same reference is found.
      const again = await service.recordExternalCharge(org.id, id, bitcoin(reference), { manager });
      expect(again.changed).toBe(false);
    });
    expect(await eventTypes()).toEqual(['payment_request.created', 'charge.created', 'payment_request.paid']);
    expect(await invoice(id)).toMatchObject({ status: 20 });

    // A manager outside any transaction is refused: the row lock would not hold.
    await expect(
      service.recordExternalCharge(org.id, id, bitcoin(`${txid()}:0`), { manager: db.manager }),
    ).rejects.toThrow(/must be in a transaction/);
  });

  it("answers PAYMENT_REQUEST_NOT_FOUND for another organization's request, CHARGE_NOT_FOUND for an unknown reference", async () => {
    const id = await request('100.00');
    const other = await createOrganization(t, 'Other SARL');
    const refused = await service
      .recordExternalCharge(other.id, id, bitcoin(`${txid()}:0`))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: 'PAYMENT_REQUEST_NOT_FOUND' });
    const key = { chargeType: 'bitcoin' as const, reference: `${txid()}:0` };
    await expect(service.updateExternalCharge(org.id, id, key, { settle: true })).rejects.toMatchObject({
      code: 'CHARGE_NOT_FOUND',
    });
    await expect(service.voidExternalCharge(org.id, id, key)).rejects.toMatchObject({
      code: 'CHARGE_NOT_FOUND',
    });
    expect((await canonical(id)).charges).toEqual([]);
  });

  it('fits the chain pieces together: two halves seen on a fake Esplora pay exactly 1001.54 EUR, a replaced one is voided', async () => {
    // What the watcher job will do, by hand: seed 003's example amount and rate.
    const esplora = await FakeEsplora.start();
    try {
      const chain = new EsploraClient({ baseUrl: esplora.url });
      const address = 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu';
      const id = await request('1001.54');
      const dueSats = satsDue('1001.54', 'EUR', '0.000045692133693556');
      const half = dueSats / 3n;
      const replaced = esplora.pay(address, half, { rbf: true });
      const observe = async () => {
        const history = await chain.addressTxs(address);
        const outputs = outputsPaying(address, history.txs, await chain.tipHeight());
        for (const output of outputs) {
          const settled = isSettledPayment(output, 1);
          const key = { chargeType: 'bitcoin' as const, reference: outputReference(output) };
          const recorded = await service.recordExternalCharge(org.id, id, {
            ...key,
            amount: bitcoinChargeAmount(dueSats, output.sats),
            settled,
            confirmations: output.confirmations,
            originalAmount: satsToBtc(output.sats),
            originalCurrency: 'BTC',
          });
          if (!recorded.changed)
            await service.updateExternalCharge(org.id, id, key, {
              confirmations: output.confirmations,
              settle: settled,
            });
        }
        const seen = (await canonical(id)).charges
          .filter((c: { state: string }) => c.state !== 'voided')
          .map((c: { reference: string; confirmations: number }) => {
            const [txid, vout] = c.reference.split(':');
            return { txid, vout: Number(vout), confirmations: c.confirmations };
          });
        for (const gone of vanishedOutputs(seen, outputs, history.mempoolComplete))
          await service.voidExternalCharge(org.id, id, {
            chargeType: 'bitcoin',
            reference: outputReference(gone),
          });
        return outputs;
      };

      await observe();
      expect(await canonical(id)).toMatchObject({ status: 'unpaid', amountPending: '333.84' });
      // Replaced by fee, paying elsewhere: voided.
      esplora.replace(replaced.txid, [{ address: 'bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g', sats: half }]);
      await observe();
      expect(await canonical(id)).toMatchObject({ status: 'unpaid', amountPending: '0.00' });

      esplora.pay(address, dueSats / 2n);
      esplora.pay(address, dueSats - dueSats / 2n);
      await observe();
      expect(await canonical(id)).toMatchObject({ amountPaid: '0.00', amountPending: '1001.54' });
      esplora.mine();
      const outputs = await observe();
      const pr = await canonical(id);
      expect(pr).toMatchObject({
        status: 'paid',
        amountPaid: '1001.54',
        amountDue: '0.00',
        amountPending: '0.00',
      });
      expect(pr.charges.map((c: { amount: string; state: string }) => [c.amount, c.state])).toEqual([
        ['333.84', 'voided'],
        ['500.77', 'settled'],
        ['500.77', 'settled'],
      ]);
      expect(await invoice(id)).toMatchObject({ status: 20, total: '1001.54' });
      const evaluation = evaluateCheckout(
        {
          dueSats,
          tolerancePercent: 0,
          confirmations: 1,
          expiresAt: new Date(Date.now() + 60_000),
          monitoringUntil: new Date(Date.now() + 120_000),
        },
        outputs.map((o) => ({ ...o, seenAt: new Date() })),
        new Date(),
      );
      expect(evaluation).toMatchObject({ seedStatus: 'PAID', state: 'settled', amountDueSats: 0n });
    } finally {
      await esplora.stop();
    }
  });
});
