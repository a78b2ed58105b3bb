import { randomUUID } from 'node:crypto';
import { PNG } from '../fixtures/files.js';
import {
  allOperations,
  bearer,
  createAccount,
  expectError,
  FIXTURE_IBAN,
  importFixture,
  importStatement,
  keyWithScopes,
  statement,
  STATEMENTS,
} from '../support/bank.js';
import { createOrganization, createTestApp, type TestApp, type TestOrganization } from '../test-app.js';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('bank accounts, bank operations and statement import', () => {
  let t: TestApp;
  let org: TestOrganization;
  const auth = () => bearer(org.key);

  beforeAll(async () => {
    t = await createTestApp({ AUTH_FAILURE_LIMIT: '100000' });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    org = await createOrganization(t);
  });

  describe('/api/v1/bank-accounts', () => {
    it('creates an account with a normalised IBAN and EUR by default, then gets and lists it', async () => {
      const res = await t
        .http()
        .post('/api/v1/bank-accounts')
        .set(auth())
        .send({ name: '  Compte courant BNP ', iban: 'fr76 3000 4001 2300 0123 4567 843' })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        name: 'Compte courant BNP',
        iban: FIXTURE_IBAN,
        currency: 'EUR',
        createdAt: expect.stringMatching(ISO_UTC),
      });
      await t.http().get(`/api/v1/bank-accounts/${res.body.id}`).set(auth()).expect(200, res.body);
      const list = await t.http().get('/api/v1/bank-accounts').set(auth()).expect(200);
      expect(list.body).toEqual({ data: [res.body], has_more: false, next_cursor: null });
    });

    it('pages the accounts with a cursor', async () => {
      for (const name of ['A', 'B', 'C']) await createAccount(t, org, { name });
      const all = (await t.http().get('/api/v1/bank-accounts').set(auth()).expect(200)).body.data;
      expect(all.map((a: { name: string }) => a.name).sort()).toEqual(['A', 'B', 'C']);
      const first = await t.http().get('/api/v1/bank-accounts?limit=2').set(auth()).expect(200);
      expect(first.body.data).toEqual(all.slice(0, 2));
      expect(first.body.has_more).toBe(true);
      const second = await t
        .http()
        .get(`/api/v1/bank-accounts?limit=2&cursor=${first.body.next_cursor}`)
        .set(auth())
        .expect(200);
      expect(second.body).toEqual({ data: all.slice(2), has_more: false, next_cursor: null });
      expectError(await t.http().get('/api/v1/bank-accounts?cursor=abc').set(auth()), 422, 'INVALID_CURSOR');
      expectError(
        await t.http().get('/api/v1/bank-accounts?limit=101').set(auth()),
        422,
        'VALIDATION_FAILED',
      );
    });

    it('refuses a bad IBAN, a bad currency, a missing name, and an IBAN the organization already has', async () => {
      const bad = await t
        .http()
        .post('/api/v1/bank-accounts')
        .set(auth())
        .send({ name: '', iban: 'FR7630004001230001234567844', currency: 'EURO' });
      expectError(bad, 422, 'VALIDATION_FAILED');
      expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'currency',
        'iban',
        'name',
      ]);
      await createAccount(t, org);
      expectError(
        await t.http().post('/api/v1/bank-accounts').set(auth()).send({ name: 'Bis', iban: FIXTURE_IBAN }),
        409,
        'BANK_ACCOUNT_IBAN_TAKEN',
      );
      // Another organization may hold the same IBAN (two companies, one bookkeeper's test data).
      const other = await createOrganization(t, 'Other');
      await createAccount(t, other);
    });

    it("answers 404 for another organization's account and for malformed ids", async () => {
      const account = await createAccount(t, org);
      const other = await createOrganization(t, 'Other');
      for (const id of [account.id, randomUUID(), 'not-a-uuid', '1']) {
        expectError(
          await t.http().get(`/api/v1/bank-accounts/${id}`).set(bearer(other.key)),
          404,
          'BANK_ACCOUNT_NOT_FOUND',
        );
      }
      expect(
        (await t.http().get('/api/v1/bank-accounts').set(bearer(other.key)).expect(200)).body.data,
      ).toEqual([]);
    });

    it('needs bank:read to read and bank:write to write', async () => {
      const reader = await keyWithScopes(t, org, ['bank:read']);
      const writer = await keyWithScopes(t, org, ['receipts:write']);
      expectError(
        await t.http().post('/api/v1/bank-accounts').set(bearer(reader)).send({ name: 'X' }),
        403,
        'INSUFFICIENT_SCOPE',
      );
      await t.http().get('/api/v1/bank-accounts').set(bearer(reader)).expect(200);
      expectError(await t.http().get('/api/v1/bank-accounts').set(bearer(writer)), 403, 'INSUFFICIENT_SCOPE');
      await t.http().get('/api/v1/bank-accounts').expect(401);
    });
  });

  describe('POST /api/v1/bank-accounts/{id}/statements', () => {
    it('imports a French CSV (Windows-1252, ";", "1 234,56", DD/MM/YYYY) once, and nothing the second time', async () => {
      const account = await createAccount(t, org);
      const first = await importFixture(t, org, account.id, STATEMENTS.frenchCsv).expect(201);
      // "Solde au 31/01/2024" above the lines is their closing balance; no opening, so nothing to check.
      const balanceCheck = { opening: null, closing: '12345.67', computed: null, ok: null };
      expect(first.body).toEqual({
        format: 'csv',
        created: 7,
        confirmed: 0,
        skipped: 0,
        rejected: 0,
        rejections: [],
        createdIds: expect.arrayContaining([expect.stringMatching(UUID)]),
        confirmedIds: [],
        balanceCheck,
        warnings: [],
      });
      const again = await importFixture(t, org, account.id, STATEMENTS.frenchCsv).expect(201);
      expect(again.body).toEqual({
        format: 'csv',
        created: 0,
        confirmed: 0,
        skipped: 7,
        rejected: 0,
        rejections: [],
        createdIds: [],
        confirmedIds: [],
        balanceCheck,
        warnings: [],
      });

      const operations = await allOperations(t, org);
      expect(operations).toHaveLength(7);
      expect([...first.body.createdIds].sort()).toEqual(operations.map((o) => o.id).sort());
      const byLabel = (label: string) => operations.filter((o) => o.label === label);
      // Two real identical card payments on one day stay two lines.
      expect(byLabel('CB AMAZON EU SARL 06/01')).toHaveLength(2);
      expect(byLabel('VIR SEPA RECU /DE SARL MARTIN /MOTIF FAC-2024-001')[0]).toMatchObject({
        amount: '1234.56',
        date: '2024-01-05',
        source: 'statement',
      });
      expect(byLabel('FRAIS TENUE DE COMPTE')[0]).toEqual({
        id: expect.stringMatching(UUID),
        bankAccountId: account.id,
        source: 'statement',
        date: '2024-01-15',
        valueDate: '2024-01-16',
        label: 'FRAIS TENUE DE COMPTE',
        amount: '-8.50',
        externalId: expect.stringMatching(/^csv:sha256:[0-9a-f]{64}$/),
        justification: 'missing',
        justifiedAmount: '0.00',
        missingAmount: '8.50',
        justificationComment: null,
        confirmedAt: null,
        createdAt: expect.stringMatching(ISO_UTC),
        updatedAt: expect.stringMatching(ISO_UTC),
      });
    });

    it('imports an English CSV (",", "1,234.56", YYYY-MM-DD) twice', async () => {
      const account = await createAccount(t, org, { name: 'Business account', currency: 'EUR' });
      expect((await importFixture(t, org, account.id, STATEMENTS.englishCsv).expect(201)).body).toMatchObject(
        {
          created: 4,
          skipped: 0,
          rejected: 0,
          // The Balance column: 10,250.00 after the first line of 1,250.00, 11,994.44 after the last.
          balanceCheck: { opening: '9000.00', closing: '11994.44', computed: '11994.44', ok: true },
          warnings: [],
        },
      );
      expect((await importFixture(t, org, account.id, STATEMENTS.englishCsv).expect(201)).body).toMatchObject(
        {
          created: 0,
          skipped: 4,
        },
      );
      const amounts = (await allOperations(t, org)).map((o) => o.amount).sort();
      expect(amounts).toEqual(['-1234.56', '-21.00', '1250.00', '3000.00']);
    });

    it('imports OFX 1.x (SGML) and 2.x (XML) twice, de-duplicated by FITID', async () => {
      const account = await createAccount(t, org);
      expect((await importFixture(t, org, account.id, STATEMENTS.ofx1).expect(201)).body).toEqual({
        format: 'ofx',
        created: 4,
        confirmed: 0,
        skipped: 0,
        rejected: 0,
        rejections: [],
        createdIds: [expect.any(String), expect.any(String), expect.any(String), expect.any(String)],
        confirmedIds: [],
        // OFX states the closing (LEDGERBAL) balance only: nothing to check it against.
        balanceCheck: { opening: null, closing: '8515.10', computed: null, ok: null },
        warnings: [],
      });
      expect((await importFixture(t, org, account.id, STATEMENTS.ofx1).expect(201)).body).toMatchObject({
        created: 0,
        skipped: 4,
      });
      expect((await importFixture(t, org, account.id, STATEMENTS.ofx2).expect(201)).body).toMatchObject({
        created: 2,
        skipped: 0,
      });
      expect((await importFixture(t, org, account.id, STATEMENTS.ofx2).expect(201)).body).toMatchObject({
        created: 0,
        skipped: 2,
      });
      const operations = await allOperations(t, org);
      expect(operations).toHaveLength(6);
      expect(operations.find((o) => o.externalId === 'ofx:4B4E1A2C0002')).toMatchObject({
        date: '2024-03-05',
        amount: '2400.00',
        label: 'VIR SEPA SAS BERNARD REGLEMENT FACTURE F-2024-017',
      });
    });

    it('imports a camt.053 twice: booked entries only, the pending one rejected with why', async () => {
      const account = await createAccount(t, org);
      const rejection = { line: 78, code: 'NOT_BOOKED', message: 'entry status PDNG is not BOOK' };
      // 8515.10 + 1440.00 − 312.48 − 18.00; the pending entry is not in the booked balance.
      const balanceCheck = { opening: '8515.10', closing: '9624.62', computed: '9624.62', ok: true };
      const first = await importFixture(t, org, account.id, STATEMENTS.camt053).expect(201);
      expect(first.body).toEqual({
        format: 'camt053',
        created: 3,
        confirmed: 0,
        skipped: 0,
        rejected: 1,
        rejections: [rejection],
        createdIds: [expect.any(String), expect.any(String), expect.any(String)],
        confirmedIds: [],
        balanceCheck,
        warnings: [],
      });
      expect((await importFixture(t, org, account.id, STATEMENTS.camt053).expect(201)).body).toEqual({
        format: 'camt053',
        created: 0,
        confirmed: 0,
        skipped: 3,
        rejected: 1,
        rejections: [rejection],
        createdIds: [],
        confirmedIds: [],
        balanceCheck,
        warnings: [],
      });
      expect((await allOperations(t, org)).map((o) => [o.date, o.amount, o.externalId])).toEqual([
        ['2024-05-31', '-18.00', 'camt053:BNP20240531FR000789'],
        ['2024-05-13', '-312.48', 'camt053:BNP20240513DB000456'],
        ['2024-05-06', '1440.00', 'camt053:BNP20240506CR000123'],
      ]);
    });

    it('confirms a pending line with the statement line that matches it instead of duplicating it', async () => {
      const account = await createAccount(t, org);
      const pending = await t
        .http()
        .post('/api/v1/bank-operations')
        .set(auth())
        .send({ bankAccountId: account.id, date: '2024-03-02', label: 'Plein essence', amount: '-64.9' })
        .expect(201);
      expect(pending.body).toMatchObject({
        source: 'pending',
        amount: '-64.90',
        externalId: null,
        confirmedAt: null,
      });
      // Same amount but too far in time: stays pending.
      const far = await t
        .http()
        .post('/api/v1/bank-operations')
        .set(auth())
        .send({ bankAccountId: account.id, date: '2024-03-25', label: 'URSSAF', amount: '-1500.00' })
        .expect(201);

      const report = await importFixture(t, org, account.id, STATEMENTS.ofx1).expect(201);
      expect(report.body).toMatchObject({
        created: 3,
        confirmed: 1,
        skipped: 0,
        confirmedIds: [pending.body.id],
      });
      const ids = (await allOperations(t, org)).map((o) => o.id);
      expect(report.body.createdIds).toHaveLength(3);
      expect(ids.sort()).toEqual([...report.body.createdIds, pending.body.id, far.body.id].sort());
      const confirmed = await t
        .http()
        .get(`/api/v1/bank-operations/${pending.body.id}`)
        .set(auth())
        .expect(200);
      expect(confirmed.body).toMatchObject({
        id: pending.body.id,
        source: 'statement',
        date: '2024-03-04',
        label: 'CB TOTALENERGIES 02/03 CARTE 4974XXXXXXXX1234',
        externalId: 'ofx:4B4E1A2C0001',
        confirmedAt: expect.stringMatching(ISO_UTC),
      });
      await t
        .http()
        .get(`/api/v1/bank-operations/${far.body.id}`)
        .set(auth())
        .expect(200)
        .expect((res) => expect(res.body.source).toBe('pending'));
      expect(await allOperations(t, org)).toHaveLength(5);
      expect((await importFixture(t, org, account.id, STATEMENTS.ofx1).expect(201)).body).toMatchObject({
        created: 0,
        confirmed: 0,
        skipped: 4,
      });
    });

    it('reports the lines it rejects, with their line and why, and imports the rest', async () => {
      const account = await createAccount(t, org);
      const csv = [
        'Date;Libellé;Montant',
        '31/02/2024;DATE IMPOSSIBLE;-10,00',
        '01/03/2024;MONTANT ILLISIBLE;douze',
        '02/03/2024;BONNE LIGNE;-12,30',
        'Solde au 02/03/2024;;1 000,00',
        '04/03/2024;TROP DE CHAMPS;-1;00',
      ].join('\r\n');
      const res = await importStatement(t, org, account.id, {
        content: Buffer.from(csv),
        name: 'x.csv',
      }).expect(201);
      expect(res.body).toEqual({
        format: 'csv',
        created: 1,
        confirmed: 0,
        skipped: 0,
        rejected: 3,
        rejections: [
          { line: 2, code: 'INVALID_DATE', message: '"31/02/2024" is not a DD/MM/YYYY date' },
          { line: 3, code: 'INVALID_AMOUNT', message: '"douze" is not an amount' },
          {
            line: 6,
            code: 'FIELD_COUNT',
            message: '4 fields where the header has 3 (a delimiter inside an unquoted value?)',
          },
        ],
        createdIds: [expect.stringMatching(UUID)],
        confirmedIds: [],
        // The "Solde au" line is the closing balance, not a rejected line.
        balanceCheck: { opening: null, closing: '1000.00', computed: null, ok: null },
        warnings: [],
      });
    });

    it('follows the CSV options: delimiter, decimal separator, date format and columns', async () => {
      const account = await createAccount(t, org);
      const csv = 'Buchung|Text|Soll|Haben\n02.01.24|KAFFEE|3,50|\n03.01.24|ERSTATTUNG||1.234,00\n';
      const fields = {
        delimiter: 'pipe',
        decimalSeparator: ',',
        dateFormat: 'dd/mm/yyyy',
        dateColumn: 'Buchung',
        labelColumn: 'text',
        debitColumn: 'Soll',
        creditColumn: '4',
      };
      const res = await importStatement(
        t,
        org,
        account.id,
        { content: Buffer.from(csv), name: 'de.csv' },
        fields,
      );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ created: 2, rejected: 0 });
      expect((await allOperations(t, org)).map((o) => [o.date, o.label, o.amount])).toEqual([
        ['2024-01-03', 'ERSTATTUNG', '1234.00'],
        ['2024-01-02', 'KAFFEE', '-3.50'],
      ]);
      const missing = await importStatement(
        t,
        org,
        account.id,
        { content: Buffer.from(csv), name: 'de.csv' },
        {
          amountColumn: 'Betrag',
        },
      );
      expectError(missing, 422, 'STATEMENT_UNREADABLE');
      expect(missing.body.details.firstRows[0]).toEqual(['Buchung', 'Text', 'Soll', 'Haben']);
    });

    it('refuses a statement for another account (by IBAN or OFX account number)', async () => {
      const account = await createAccount(t, org, { name: 'Autre', iban: 'FR7610278060000002012340159' });
      const camt = await importFixture(t, org, account.id, STATEMENTS.camt053);
      expectError(camt, 422, 'STATEMENT_ACCOUNT_MISMATCH');
      expect(camt.body.details).toEqual({ found: [FIXTURE_IBAN] });
      expectError(
        await importFixture(t, org, account.id, STATEMENTS.ofx1),
        422,
        'STATEMENT_ACCOUNT_MISMATCH',
      );
      // An account with no IBAN on record takes a statement for one account.
      const unknown = await createAccount(t, org, { name: 'Sans IBAN' });
      await importFixture(t, org, unknown.id, STATEMENTS.camt053).expect(201);
      expect(await allOperations(t, org, { bankAccountId: account.id })).toEqual([]);
    });

    it('rejects the lines in another currency than the account', async () => {
      const account = await createAccount(t, org, { name: 'USD', iban: FIXTURE_IBAN, currency: 'usd' });
      expect(account.currency).toBe('USD');
      const res = await importFixture(t, org, account.id, STATEMENTS.ofx2).expect(201);
      expect(res.body).toMatchObject({ created: 0, rejected: 2 });
      expect(res.body.rejections[0]).toMatchObject({ code: 'OTHER_CURRENCY' });
    });

    it('replays an import sent again with the same Idempotency-Key', async () => {
      const account = await createAccount(t, org);
      const send = () =>
        importStatement(t, org, account.id, { content: statement(STATEMENTS.ofx2), name: 'a.ofx' }).set(
          'Idempotency-Key',
          'import-1',
        );
      const first = await send().expect(201);
      const replay = await send().expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(first.body);
      expect(first.body.created).toBe(2);
    });

    it('answers clear 4xx errors for every malformed upload', async () => {
      const account = await createAccount(t, org);
      const url = `/api/v1/bank-accounts/${account.id}/statements`;
      expectError(await t.http().post(url).set(auth()).send({ file: 'x' }), 415, 'MULTIPART_REQUIRED');
      expectError(
        await t.http().post(url).set(auth()).field('format', 'csv'),
        422,
        'STATEMENT_FILE_REQUIRED',
      );
      expectError(
        await t.http().post(url).set(auth()).attach('statement', Buffer.from('a;b'), 'a.csv'),
        400,
        'MALFORMED_MULTIPART',
      );
      const upload = (content: Buffer, fields: Record<string, string> = {}) =>
        importStatement(t, org, account.id, { content, name: 'f' }, fields);
      expectError(await upload(Buffer.alloc(0)), 422, 'STATEMENT_FILE_EMPTY');
      const tooLarge = await upload(Buffer.alloc(5 * 1_048_576 + 1, 0x41));
      expectError(tooLarge, 413, 'STATEMENT_TOO_LARGE');
      expectError(await upload(PNG), 415, 'STATEMENT_FORMAT_UNKNOWN');
      expectError(
        await upload(Buffer.from('<?xml version="1.0"?><Invoice/>')),
        415,
        'STATEMENT_FORMAT_UNKNOWN',
      );
      expectError(await upload(Buffer.from('just one sentence')), 415, 'STATEMENT_FORMAT_UNKNOWN');
      expectError(await upload(Buffer.from('<Document><BkToCstmrStmt><Stmt>')), 422, 'STATEMENT_UNREADABLE');
      expectError(await upload(Buffer.from('OFXHEADER:100\n\nno body')), 422, 'STATEMENT_UNREADABLE');
      expectError(await upload(statement(STATEMENTS.ofx1), { format: 'csv' }), 422, 'STATEMENT_UNREADABLE');
      expectError(await upload(Buffer.from('a;b'), { format: 'xls' }), 422, 'VALIDATION_FAILED');
      expectError(await upload(Buffer.from('a;b'), { delimiter: 'x' }), 422, 'VALIDATION_FAILED');
      expectError(await upload(Buffer.from('a;b'), { dateFormat: 'DD-MM' }), 422, 'VALIDATION_FAILED');
    });

    it("answers 404 for another organization's account and a malformed id, and needs bank:write", async () => {
      const account = await createAccount(t, org);
      const other = await createOrganization(t, 'Other');
      for (const id of [account.id, 'nope']) {
        const res = await t
          .http()
          .post(`/api/v1/bank-accounts/${id}/statements`)
          .set(bearer(other.key))
          .attach('file', statement(STATEMENTS.ofx1), 'a.ofx');
        expectError(res, 404, 'BANK_ACCOUNT_NOT_FOUND');
      }
      const reader = await keyWithScopes(t, org, ['bank:read']);
      const res = await t
        .http()
        .post(`/api/v1/bank-accounts/${account.id}/statements`)
        .set(bearer(reader))
        .attach('file', statement(STATEMENTS.ofx1), 'a.ofx');
      expectError(res, 403, 'INSUFFICIENT_SCOPE');
      expect(await allOperations(t, org)).toEqual([]);
    });

    it('never answers 5xx for random bytes in any format', async () => {
      const account = await createAccount(t, org);
      const garbage = [
        Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x01, 0x02]),
        Buffer.from('<OFX><STMTRS><BANKTRANLIST><STMTTRN><TRNAMT>1e999<DTPOSTED>99999999</STMTTRN>'),
        Buffer.from('Date;Montant\n"unterminated;1\n'),
        Buffer.from('Date,Amount\n2024-01-01,' + '9'.repeat(40) + '\n'),
        Buffer.from(
          '<?xml version="1.0"?><Document><BkToCstmrStmt><Stmt><Ntry><Amt>x</Amt></Ntry></Stmt></BkToCstmrStmt></Document>',
        ),
        Buffer.from('\uFEFF;;;\n;;;\n'),
      ];
      for (const content of garbage) {
        for (const format of ['', 'csv', 'ofx', 'camt053']) {
          const res = await importStatement(
            t,
            org,
            account.id,
            { content, name: 'g' },
            format ? { format } : {},
          );
          expect(res.status).toBeGreaterThanOrEqual(200);
          expect(res.status).toBeLessThan(500);
        }
      }
    });
  });

  describe('/api/v1/bank-operations', () => {
    it('creates a pending line, refusing what is not a line', async () => {
      const account = await createAccount(t, org);
      const created = await t
        .http()
        .post('/api/v1/bank-operations')
        .set(auth())
        .send({
          bankAccountId: account.id,
          date: '2024-03-02',
          valueDate: '2024-03-03',
          label: ' CB ',
          amount: 12,
        })
        .expect(201);
      expect(created.body).toMatchObject({
        source: 'pending',
        date: '2024-03-02',
        valueDate: '2024-03-03',
        label: 'CB',
        amount: '12.00',
        justification: 'missing',
        justifiedAmount: '0.00',
        missingAmount: '12.00',
      });
      const bad = await t
        .http()
        .post('/api/v1/bank-operations')
        .set(auth())
        .send({ bankAccountId: 'x', date: '2024-02-30', label: '', amount: '0' });
      expectError(bad, 422, 'VALIDATION_FAILED');
      expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'amount',
        'bankAccountId',
        'date',
        'label',
      ]);
      for (const amount of ['1.234', 'abc', '-', '1e3', null]) {
        expectError(
          await t
            .http()
            .post('/api/v1/bank-operations')
            .set(auth())
            .send({ bankAccountId: account.id, date: '2024-03-02', label: 'X', amount }),
          422,
          'VALIDATION_FAILED',
        );
      }
      const other = await createOrganization(t, 'Other');
      expectError(
        await t
          .http()
          .post('/api/v1/bank-operations')
          .set(bearer(other.key))
          .send({ bankAccountId: account.id, date: '2024-03-02', label: 'X', amount: '-1' }),
        404,
        'BANK_ACCOUNT_NOT_FOUND',
      );
    });

    it('lists with every filter, each on its own and together', async () => {
      const account = await createAccount(t, org);
      const second = await createAccount(t, org, { name: 'Livret' });
      await importFixture(t, org, account.id, STATEMENTS.ofx1).expect(201);
      await importFixture(t, org, second.id, STATEMENTS.englishCsv).expect(201);
      await t
        .http()
        .post('/api/v1/bank-operations')
        .set(auth())
        .send({ bankAccountId: account.id, date: '2024-03-20', label: 'EN COURS carte', amount: '-15.00' })
        .expect(201);
      const labels = async (query: Record<string, string>) =>
        (await allOperations(t, org, query)).map((o) => o.label);

      expect(await labels({})).toHaveLength(9);
      expect(await labels({ bankAccountId: second.id })).toHaveLength(4);
      expect(await labels({ dateFrom: '2024-03-05', dateTo: '2024-03-11' })).toEqual([
        'PRLV SEPA URSSAF COTISATIONS FEVRIER',
        'VIR SEPA SAS BERNARD REGLEMENT FACTURE F-2024-017',
      ]);
      expect(await labels({ amountMin: '-100', amountMax: '-15' })).toEqual([
        'EN COURS carte',
        'CB TOTALENERGIES 02/03 CARTE 4974XXXXXXXX1234',
        'GITHUB INC',
      ]);
      expect(await labels({ q: 'urssaf' })).toEqual(['PRLV SEPA URSSAF COTISATIONS FEVRIER']);
      expect(await labels({ q: '100%_' })).toEqual([]);
      expect(await labels({ source: 'pending' })).toEqual(['EN COURS carte']);
      expect(await labels({ justification: 'missing' })).toHaveLength(9);
      expect(await labels({ justification: 'justified' })).toEqual([]);
      expect(
        await labels({
          bankAccountId: account.id,
          source: 'statement',
          amountMax: '0',
          q: 'sepa',
          dateTo: '2024-03-31',
        }),
      ).toEqual(['PRLV SEPA URSSAF COTISATIONS FEVRIER']);
    });

    it('pages newest first with a cursor, without repeating or losing a line', async () => {
      const account = await createAccount(t, org);
      await importFixture(t, org, account.id, STATEMENTS.frenchCsv).expect(201);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: {
          body: { data: { id: string; date: string }[]; next_cursor: string | null; has_more: boolean };
        } = await t
          .http()
          .get('/api/v1/bank-operations')
          .query({ limit: '2', ...(cursor ? { cursor } : {}) })
          .set(auth())
          .expect(200);
        seen.push(...res.body.data.map((o) => o.id));
        expect(res.body.has_more).toBe(res.body.next_cursor !== null);
        cursor = res.body.next_cursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(4);
      expect(new Set(seen).size).toBe(7);
      const dates = (await allOperations(t, org)).map((o) => o.date as string);
      expect(dates).toEqual([...dates].sort().reverse());
    });

    it('refuses bad filters and cursors with 422', async () => {
      const bad = [
        'limit=0',
        'limit=abc',
        'dateFrom=2024-13-01',
        'amountMin=1.234',
        'source=other',
        'justification=done',
        'bankAccountId=123',
        'cursor=bm9wZQ',
        `q=${'x'.repeat(101)}`,
        'limit=1&limit=2',
      ];
      for (const query of bad) {
        const res = await t.http().get(`/api/v1/bank-operations?${query}`).set(auth());
        expect({ query, status: res.status }).toEqual({ query, status: 422 });
      }
      const accounts = await t.http().get('/api/v1/bank-accounts?limit=1').set(auth()).expect(200);
      expect(accounts.body.next_cursor).toBeNull();
    });

    it("answers 404 for another organization's line and malformed ids; deletes pending lines only", async () => {
      const account = await createAccount(t, org);
      await importFixture(t, org, account.id, STATEMENTS.ofx2).expect(201);
      const [statementLine] = await allOperations(t, org);
      const pending = await t
        .http()
        .post('/api/v1/bank-operations')
        .set(auth())
        .send({ bankAccountId: account.id, date: '2024-03-02', label: 'X', amount: '-1' })
        .expect(201);
      const other = await createOrganization(t, 'Other');
      for (const id of [statementLine.id as string, pending.body.id as string, 'abc', randomUUID()]) {
        expectError(
          await t.http().get(`/api/v1/bank-operations/${id}`).set(bearer(other.key)),
          404,
          'BANK_OPERATION_NOT_FOUND',
        );
        expectError(
          await t.http().delete(`/api/v1/bank-operations/${id}`).set(bearer(other.key)),
          404,
          'BANK_OPERATION_NOT_FOUND',
        );
      }
      expectError(
        await t
          .http()
          .delete(`/api/v1/bank-operations/${statementLine.id as string}`)
          .set(auth()),
        409,
        'BANK_OPERATION_NOT_PENDING',
      );
      await t.http().delete(`/api/v1/bank-operations/${pending.body.id}`).set(auth()).expect(204);
      await t.http().get(`/api/v1/bank-operations/${pending.body.id}`).set(auth()).expect(404);
    });
  });

  describe('a statement import is never silently wrong', () => {
    const text = (name: string) => statement(name).toString('utf8');
    const upload = (accountId: string, content: string, name: string) =>
      importStatement(t, org, accountId, { content: Buffer.from(content), name });

    it('refuses a truncated or malformed OFX whole, writes nothing, and the full file then imports once', async () => {
      const account = await createAccount(t, org);
      const v1 = text(STATEMENTS.ofx1);
      const v2 = text(STATEMENTS.ofx2);
      const broken = [
        v1.slice(0, v1.indexOf('<TRNAMT>2400.00') + 12), // cut inside a transaction
        v1.slice(0, v1.indexOf('<FITID>4B4E1A2C0003') + 11), // cut inside a FITID
        v1.slice(0, v1.indexOf('<STMTTRN>')), // cut before any transaction
        v1.replace('</STMTTRN>', ''), // a transaction never closed
        v2.slice(0, v2.indexOf('<FITID>20240409') + 15),
        v2.slice(0, v2.indexOf('</BANKTRANLIST>')), // cut after the last transaction
        v2.replace('</OFX>', ''),
        `${v2.slice(0, 600)}#garbage<<>>`,
      ];
      for (const content of broken) {
        const res = await upload(account.id, content, 'broken.ofx');
        expectError(res, 422, 'STATEMENT_UNREADABLE');
        expect(Object.keys(res.body).sort()).toEqual(
          [
            'code',
            'message',
            'requestId',
            'statusCode',
            ...('details' in res.body ? ['details'] : []),
          ].sort(),
        );
        expect(res.body.message).toMatch(/^This OFX statement cannot be read: /);
      }
      expect(await allOperations(t, org)).toEqual([]);

      expect((await upload(account.id, v1, 'full.ofx').expect(201)).body).toMatchObject({ created: 4 });
      expect((await upload(account.id, v2, 'full.ofx').expect(201)).body).toMatchObject({ created: 2 });
      const operations = await allOperations(t, org);
      expect(operations.map((o) => o.externalId).sort()).toEqual([
        'ofx:2024040200017',
        'ofx:2024040900003',
        'ofx:4B4E1A2C0001',
        'ofx:4B4E1A2C0002',
        'ofx:4B4E1A2C0003',
        'ofx:4B4E1A2C0004',
      ]);
      expect(operations.every((o) => (o.label as string).length > 0)).toBe(true);
    });

    it('refuses a truncated camt.053 with a message that shows no parser internals', async () => {
      const account = await createAccount(t, org);
      const camt = text(STATEMENTS.camt053);
      for (const content of [camt.slice(0, 2000), camt.slice(0, camt.indexOf('</Document>'))]) {
        const res = await upload(account.id, content, 'cut.xml');
        expectError(res, 422, 'STATEMENT_UNREADABLE');
        expect(res.body.message).toMatch(
          /^This CAMT\.053 statement cannot be read: the file ends at line \d+ /,
        );
        expect(res.body.message).toMatch(/cut short/);
        expect(res.body.message).not.toMatch(/\[|BkToCstmrStmt|Invalid '|Unclosed tag/);
      }
      expect(await allOperations(t, org)).toEqual([]);
    });

    it('rejects a CSV line whose fields do not match the header instead of reading a wrong amount', async () => {
      const account = await createAccount(t, org);
      const csv = [
        'Date,Description,Amount',
        '2026-03-13,GOOD,-12.00',
        '2026-03-14,UNQUOTED THOUSANDS,-1,234.00',
        '2026-03-15,"QUOTED THOUSANDS","-1,234.00"',
      ].join('\n');
      const res = await upload(account.id, csv, 'en.csv').expect(201);
      expect(res.body).toMatchObject({
        created: 2,
        rejected: 1,
        rejections: [
          {
            line: 3,
            code: 'FIELD_COUNT',
            message:
              '4 fields where the header has 3 (a delimiter inside an unquoted value, such as "1,234.00"?)',
          },
        ],
      });
      expect((await allOperations(t, org)).map((o) => o.amount).sort()).toEqual(['-12.00', '-1234.00']);
    });

    it('checks the balances a statement states, and reports a mismatch while importing the lines', async () => {
      const account = await createAccount(t, org);
      const camt = text(STATEMENTS.camt053).replace('9624.62', '9624.72');
      const res = await upload(account.id, camt, 'camt.xml').expect(201);
      expect(res.body).toMatchObject({
        created: 3,
        balanceCheck: { opening: '8515.10', closing: '9624.72', computed: '9624.62', ok: false },
        warnings: [
          {
            code: 'BALANCE_MISMATCH',
            message: expect.stringMatching(/closing balance is 9624\.72 \(0\.10 apart\)/),
          },
        ],
      });
      expect(await allOperations(t, org)).toHaveLength(3);

      // A CSV running balance that a misread line would break: the line is rejected, the check says so.
      const csv = [
        'Date;Libellé;Montant;Solde',
        '01/03/2024;A;-10,00;90,00',
        '02/03/2024;B;-1,234,00;-1 144,00',
        '03/03/2024;C;+5,00;-1 139,00',
      ].join('\n');
      const other = await createAccount(t, org, { name: 'CSV' });
      expect((await upload(other.id, csv, 'fr.csv').expect(201)).body).toMatchObject({
        created: 2,
        rejected: 1,
        balanceCheck: { opening: '100.00', closing: '-1139.00', computed: '95.00', ok: false },
        warnings: [{ code: 'BALANCE_MISMATCH' }],
      });
    });

    it.each([
      ['a CSV header', 'Date;Libellé;Montant\r\n', 'csv', null],
      [
        'an OFX with an empty transaction list',
        '<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR<BANKACCTFROM><ACCTID>00012345678</BANKACCTFROM>' +
          '<BANKTRANLIST><DTSTART>20240101<DTEND>20240131</BANKTRANLIST>' +
          '<LEDGERBAL><BALAMT>10.00<DTASOF>20240131</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>',
        'ofx',
        { opening: null, closing: '10.00', computed: null, ok: null },
      ],
      [
        'a camt.053 without entries',
        '<?xml version="1.0"?><Document><BkToCstmrStmt><Stmt><Acct><Id><IBAN>FR7630004001230001234567843</IBAN>' +
          '</Id></Acct><Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">5.00</Amt>' +
          '<CdtDbtInd>CRDT</CdtDbtInd></Bal><Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>' +
          '<Amt Ccy="EUR">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal></Stmt></BkToCstmrStmt></Document>',
        'camt053',
        { opening: '5.00', closing: '5.00', computed: '5.00', ok: true },
      ],
    ])(
      'answers %s with no line clearly: created 0 and a NO_OPERATION warning',
      async (_, content, format, check) => {
        const account = await createAccount(t, org);
        expect((await upload(account.id, content, 'empty').expect(201)).body).toEqual({
          format,
          created: 0,
          confirmed: 0,
          skipped: 0,
          rejected: 0,
          rejections: [],
          createdIds: [],
          confirmedIds: [],
          balanceCheck: check,
          warnings: [
            {
              code: 'NO_OPERATION',
              message: 'The file holds no operation: it was read, and nothing was imported',
            },
          ],
        });
      },
    );
  });
});
