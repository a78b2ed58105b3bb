/**
 * Fills a new organization with a small, coherent bookkeeping month through the public HTTP API, as a
 * client would: receipts with their PDF, a bank account and its statement (CSV import), affectations
 * by hand and by auto-match, a line marked as needing no receipt, and a payment request with its
 * invoice uploaded straight to storage. Used by `npm run demo` and by test/e2e/demo.e2e-spec.ts.
 */
import { createHash } from 'node:crypto';

export interface DemoTarget {
  /** The API's base URL, e.g. http://localhost:3000. */
  baseUrl: string;
  /** A platform-admin key: the one printed at first boot, or ADMIN_API_KEY. */
  adminKey: string;
  /** The day the sample month ends on (default today); receipts and lines are dated before it. */
  today?: Date;
}

export interface DemoResult {
  organizationId: string;
  /** The new organization's admin key (every scope), to explore the data with. */
  key: string;
  receiptIds: number[];
  bankAccountId: string;
  imported: { created: number; rejected: number };
  bankOperationIds: string[];
  affectationIds: number[];
  autoMatched: number;
  paymentRequestId: string;
}

/** A sample receipt and, when the bank has already seen it, the statement line it justifies. */
interface SampleReceipt {
  label: string;
  type: 'frais' | 'vente';
  amount: string;
  vat: string;
  vatValue: string;
  amountWithVat: string;
  reference: string;
  daysAgo: number;
  bankLine?: { daysAgo: number; label: string; debit?: string; credit?: string };
}

const RECEIPTS: SampleReceipt[] = [
  {
    label: 'Fournitures de bureau',
    type: 'frais',
    amount: '41.63',
    vat: '20',
    vatValue: '8.33',
    amountWithVat: '49.96',
    reference: 'BV-0412',
    daysAgo: 20,
    bankLine: { daysAgo: 19, label: 'CB BUREAU VALLEE BV-0412', debit: '49,96' },
  },
  {
    label: 'Loyer atelier',
    type: 'frais',
    amount: '1000.00',
    vat: '20',
    vatValue: '200.00',
    amountWithVat: '1200.00',
    reference: 'LOYER-2611',
    daysAgo: 16,
    bankLine: { daysAgo: 15, label: 'PRLV SEPA SCI DES TILLEULS LOYER-2611', debit: '1 200,00' },
  },
  {
    label: 'Facture client Martin',
    type: 'vente',
    amount: '1000.50',
    vat: '20',
    vatValue: '200.10',
    amountWithVat: '1200.60',
    reference: 'F-2026-042',
    daysAgo: 14,
    bankLine: { daysAgo: 10, label: 'VIR SEPA RECU /DE SARL MARTIN /MOTIF F-2026-042', credit: '1 200,60' },
  },
  {
    label: 'Électricité atelier',
    type: 'frais',
    amount: '71.17',
    vat: '20',
    vatValue: '14.23',
    amountWithVat: '85.40',
    reference: 'EDF-778',
    daysAgo: 9,
    bankLine: { daysAgo: 7, label: 'PRLV SEPA EDF CLIENTS ECH/778', debit: '85,40' },
  },
  {
    // Not yet on the statement: an unaffected receipt.
    label: 'Repas client',
    type: 'frais',
    amount: '56.82',
    vat: '10',
    vatValue: '5.68',
    amountWithVat: '62.50',
    reference: 'RES-5512',
    daysAgo: 3,
  },
];

/** Statement lines no receipt justifies: one missing its receipt, one that needs none. */
const OTHER_LINES = [
  { daysAgo: 5, label: 'CB AMAZON EU SARL', debit: '49,99' },
  { daysAgo: 2, label: 'FRAIS TENUE DE COMPTE', debit: '8,00' },
];

/** A real IBAN layout with valid check digits (the API checks them). */
const DEMO_IBAN = 'FR7630006000011234567890189';

export async function seedDemo(target: DemoTarget): Promise<DemoResult> {
  const today = target.today ?? new Date();
  const api = client(target.baseUrl);

  const org = await api.json<{ organization: { id: string }; apiKey: { key: string } }>(
    'POST',
    '/api/v1/organizations',
    target.adminKey,
    { name: `Démo — Atelier Dupont ${day(today, 0)}` },
  );
  const key = org.apiKey.key;

  const receiptIds: number[] = [];
  for (const r of RECEIPTS) {
    const form = new FormData();
    const fields: Record<string, string> = {
      label: r.label,
      type: r.type,
      amount: r.amount,
      vat: r.vat,
      vat_value: r.vatValue,
      amount_with_vat: r.amountWithVat,
      reference: r.reference,
      operation_date: `${day(today, r.daysAgo)} 12:00:00`,
    };
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append(
      'receipt',
      new Blob([pdf(`${r.label} ${r.reference}`)], { type: 'application/pdf' }),
      `${r.reference}.pdf`,
    );
    receiptIds.push((await api.json<{ id: number }>('POST', '/invoice', key, form)).id);
  }

  const account = await api.json<{ id: string }>('POST', '/api/v1/bank-accounts', key, {
    name: 'Compte courant',
    iban: DEMO_IBAN,
    currency: 'EUR',
  });
  const statement = new FormData();
  statement.append('file', new Blob([statementCsv(today)], { type: 'text/csv' }), 'releve.csv');
  const imported = await api.json<{ created: number; rejected: number }>(
    'POST',
    `/api/v1/bank-accounts/${account.id}/statements`,
    key,
    statement,
  );
  const lines = await api.json<{ data: { id: string; label: string }[] }>(
    'GET',
    `/api/v1/bank-operations?bankAccountId=${account.id}&limit=100`,
    key,
  );
  const lineOf = (label: string) => {
    const line = lines.data.find((l) => l.label === label);
    if (!line) throw new Error(`the imported statement has no line "${label}"`);
    return line.id;
  };

  // One affectation by hand (the electricity bill), the others left to auto-match.
  const electricity = RECEIPTS.findIndex((r) => r.reference === 'EDF-778');
  const byHand = await api.json<{ id: number }>('POST', '/api/v1/affectations', key, {
    receiptId: receiptIds[electricity],
    bankOperationId: lineOf(RECEIPTS[electricity].bankLine!.label),
  });
  const auto = await api.json<{ affected: { affectationId: number | null }[] }>(
    'POST',
    '/api/v1/affectations/auto-match',
    key,
    { bankAccountId: account.id },
  );
  await api.json('PUT', `/api/v1/bank-operations/${lineOf('FRAIS TENUE DE COMPTE')}/justification`, key, {
    state: 'not_needed',
    comment: 'Frais bancaires : le relevé fait foi',
  });

  const martin = RECEIPTS.find((r) => r.reference === 'F-2026-042')!;
  const request = await api.json<{ id: string }>('POST', '/api/v1/payment-requests', key, {
    amount: martin.amountWithVat,
    currency: 'EUR',
    description: `Facture ${martin.reference}`,
    customerEmail: 'compta@martin.example',
    dueDate: day(today, -30),
  });
  await attachInvoice(api, key, request.id, pdf(`Facture ${martin.reference}`));

  return {
    organizationId: org.organization.id,
    key,
    receiptIds,
    bankAccountId: account.id,
    imported: { created: imported.created, rejected: imported.rejected },
    bankOperationIds: lines.data.map((l) => l.id),
    affectationIds: [
      byHand.id,
      ...auto.affected.flatMap((a) => (a.affectationId === null ? [] : [a.affectationId])),
    ],
    autoMatched: auto.affected.length,
    paymentRequestId: request.id,
  };
}

/** Seed 001: presign, PUT the bytes where the answer says, confirm their sha256, attach. */
async function attachInvoice(
  api: Api,
  key: string,
  paymentRequestId: string,
  content: Buffer,
): Promise<void> {
  const presigned = await api.json<{ uploadId: string; url: string }>(
    'POST',
    '/api/v1/invoice-uploads/presign',
    key,
    { filename: 'facture-F-2026-042.pdf', mimeType: 'application/pdf', size: content.length },
  );
  const put = await fetch(presigned.url, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/pdf' },
    body: new Uint8Array(content),
  });
  if (!put.ok) throw new Error(`PUT ${presigned.url}: ${put.status} ${await put.text()}`);
  await api.json('POST', `/api/v1/invoice-uploads/${presigned.uploadId}/confirm`, key, {
    sha256: createHash('sha256').update(content).digest('hex'),
  });
  await api.json('POST', `/api/v1/invoice-uploads/${presigned.uploadId}/attach/${paymentRequestId}`, key);
}

/** The bank's CSV export, as French banks write it: ';', dd/mm/yyyy, decimal comma, debit and credit. */
export function statementCsv(today: Date): string {
  const rows = [...RECEIPTS.flatMap((r) => (r.bankLine ? [r.bankLine] : [])), ...OTHER_LINES].sort(
    (a, b) => b.daysAgo - a.daysAgo,
  );
  const lines = rows.map((l) => {
    const [y, m, d] = day(today, l.daysAgo).split('-');
    const debit = 'debit' in l && l.debit ? l.debit : '';
    const credit = 'credit' in l && l.credit ? l.credit : '';
    return `${d}/${m}/${y};${l.label};${debit};${credit}`;
  });
  return ['Date;Libellé;Débit euros;Crédit euros', ...lines, ''].join('\n');
}

/** YYYY-MM-DD of `today` minus `daysAgo` days (negative: in the future), in UTC. */
function day(today: Date, daysAgo: number): string {
  return new Date(today.getTime() - daysAgo * 86_400_000).toISOString().slice(0, 10);
}

/** A one-page PDF that shows `text`: small, real, and recognised as a PDF by its content. */
export function pdf(text: string): Buffer {
  const safe = text
    .normalize('NFD')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/[()\\]/g, '');
  const stream = `BT /F1 12 Tf 20 100 Td (${safe}) Tj ET`;
  const objects = [
    '<</Type/Catalog/Pages 2 0 R>>',
    '<</Type/Pages/Kids[3 0 R]/Count 1>>',
    '<</Type/Page/Parent 2 0 R/MediaBox[0 0 400 200]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>',
    `<</Length ${stream.length}>>stream\n${stream}\nendstream`,
    '<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj${o}endobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  body += `trailer<</Size ${objects.length + 1}/Root 1 0 R>>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

type Api = ReturnType<typeof client>;

function client(baseUrl: string) {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async json<T = unknown>(method: string, path: string, key: string, body?: object | FormData): Promise<T> {
      const headers: Record<string, string> = { Authorization: `Bearer ${key}` };
      let payload: string | FormData | undefined;
      if (body instanceof FormData) payload = body;
      else if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        payload = JSON.stringify(body);
      }
      let res: Response;
      try {
        res = await fetch(`${base}${path}`, { method, headers, body: payload });
      } catch (e) {
        // fetch says only "fetch failed"; the reason (ECONNREFUSED...) is its cause.
        const why = e instanceof Error && e.cause instanceof Error ? e.cause.message : String(e);
        throw new Error(`cannot reach the API at ${base} (${why}): is \`npm start\` running?`, { cause: e });
      }
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
}
