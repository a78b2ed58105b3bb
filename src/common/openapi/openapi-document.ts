import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * One line per tag of the OpenAPI document, shown above its operations in Swagger UI. A tag used by a
 * controller but missing here fails test/e2e/openapi.e2e-spec.ts.
 */
export const TAG_DESCRIPTIONS: Record<string, string> = {
  'Organizations and API keys':
    'A platform admin creates organizations; an organization admin manages its scoped API keys (shown once).',
  'Receipts (seed 002: /invoice)':
    'Receipts ("pièces justificatives") with their scanned file: seed 002\'s fields, French 422 messages, ' +
    'exact decimal amounts.',
  'Payment requests': 'Requests for payment sent to a customer, with their invoice document.',
  'Invoices & charges (seed 004)':
    'A payment request seen as an invoice (same id): record or take back the payments received (charges); ' +
    'status 20 once they cover the total.',
  'Invoice Uploads (seed 001)':
    'Large documents go straight to storage: presign, PUT the file, confirm its sha256, then attach it to a ' +
    'payment request or use it as a receipt file (`receipt_upload_id` on POST /invoice).',
  'Bank accounts and statements':
    'Bank accounts, and the import of their statements (CSV, OFX, camt.053), de-duplicated.',
  'Bank operations':
    'Bank lines, imported or entered by hand while pending, with how far receipts justify each one.',
  Affectations:
    'Links between a receipt and the bank line it justifies, by hand or by auto-match, and the suggestions.',
  Webhooks:
    'Endpoints that receive the payment events, signed per Standard Webhooks, retried on a schedule, with ' +
    'a log of every delivery attempt.',
  Checkout:
    'Bitcoin checkout (seed 003): stores on an extended public key, and invoices priced from the rate ' +
    "sources, each paid to the next address of the store's key. `Authorization: Token <key>` or Bearer.",
  Lightning:
    'Lightning invoices (BOLT #11) come from the backend of LIGHTNING_BACKEND (lnd, or dev: signed regtest ' +
    'invoices kept in the database, which a platform admin settles by hand).',
  'Pay-to-upload (seed 000)':
    'Public, no credentials: get a Lightning invoice, poll until it is paid, upload one file with it. Every ' +
    'answer is HTTP 200; errors are `{success: false, message}`, a sentence to show the user.',
  Health: 'Liveness and readiness, without credentials.',
};

/** Extension marking an operation whose errors are HTTP 200 in its own body shape (seed 000). */
export const ERRORS_AS_200 = 'x-errors-as-200';

const VALIDATION_FAILED = {
  description:
    'VALIDATION_FAILED: a field of the body or a query parameter is invalid; `details` lists each one',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBodyDto' } } },
};

/**
 * Every operation that takes a body or query parameters answers 422 when they fail validation (the
 * global ValidationPipe, or the operation's own rules): said once here rather than on each route. An
 * operation that documents its own 422 (seed 002's field map) keeps it.
 */
export function documentValidationFailures(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      // Seed 000's routes answer every error with HTTP 200 in their own shape.
      if ((operation as unknown as Record<string, unknown>)[ERRORS_AS_200] === true) continue;
      const takesInput =
        operation.requestBody !== undefined ||
        (operation.parameters ?? []).some((p) => 'in' in p && p.in === 'query');
      if (takesInput && !operation.responses['422']) operation.responses['422'] = VALIDATION_FAILED;
    }
  }
}
