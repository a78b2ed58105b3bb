/**
 * `npm run demo`: fills a new organization of a running app (`npm start` in another terminal) with
 * sample receipts, a bank statement, affectations and a payment request, then prints the key to
 * explore them with. Talks to the app over HTTP only, so it works with the embedded PostgreSQL or any
 * other. Settings: ADMIN_API_KEY (or ADMIN), the platform-admin key printed at first boot; API_URL
 * (default http://localhost:$PORT, PORT default 3000).
 */
import { seedDemo } from './demo-seed.js';

const adminKey = process.env.ADMIN_API_KEY || process.env.ADMIN || process.argv[2];
const baseUrl = process.env.API_URL || `http://localhost:${process.env.PORT || '3000'}`;

if (!adminKey) {
  console.error(
    'npm run demo needs a platform-admin key: the one `npm start` printed at first boot, or your ADMIN_API_KEY.\n' +
      '  ADMIN_API_KEY=pk_... npm run demo',
  );
  process.exit(2);
}

try {
  const demo = await seedDemo({ baseUrl, adminKey });
  const base = baseUrl.replace(/\/+$/, '');
  console.log(`Demo organization ${demo.organizationId} at ${base}:
  ${demo.receiptIds.length} receipts with their PDF, a bank account with a ${demo.imported.created}-line statement,
  ${demo.affectationIds.length} affectations (1 by hand, ${demo.autoMatched} by auto-match), a line marked "not needed",
  and a payment request with its invoice (uploaded straight to storage).

Its key (every scope; shown once, keep it):

KEY=${demo.key}

curl -s '${base}/invoice?sort=-operation_date' -H "Authorization: Bearer $KEY"
curl -s '${base}/api/v1/bank-operations' -H "Authorization: Bearer $KEY"
curl -s '${base}/api/v1/affectations' -H "Authorization: Bearer $KEY"
curl -s '${base}/api/v1/payment-requests' -H "Authorization: Bearer $KEY"

Or open ${base}/docs, press Authorize and paste the key alone.`);
} catch (e) {
  console.error(`demo failed: ${(e as Error).message}`);
  process.exit(1);
}
