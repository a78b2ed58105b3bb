import pg from 'pg';

/** Labels of the seeded receipts; `SEARCH_WORD` is in one label out of `SEED_LABELS.length`. */
export const SEED_LABELS = [
  'Achat de matière première',
  'Restaurant avec un client',
  'Carburant véhicule de service',
  'Fournitures de bureau',
  'Abonnement logiciel comptable',
  'Billet de train Paris-Lyon',
  'Hôtel déplacement salon',
  'Prestation de conseil',
  'Vente de marchandises',
  'Maintenance du site web',
  'Téléphonie mobile',
  'Frais de tenue de compte',
];
export const SEARCH_WORD = 'carburant';

/**
 * Brings `organizationId` to `total` receipts in one INSERT ... SELECT FROM generate_series, then settles the
 * table (`settle`). 60 % `frais`, amounts 5..2,000 € with 20 % VAT, operation dates over 2019..2024, nine
 * receipts out of ten with a file (the list then signs a URL per row, as in real use; the files themselves
 * are not needed by the list). Returns how many rows it inserted.
 */
export async function seedReceipts(
  databaseUrl: string,
  organizationId: string,
  total: number,
): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const counted = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM receipts WHERE organization_id = $1',
      [organizationId],
    );
    const missing = total - Number(counted.rows[0].n);
    if (missing > 0) {
      await client.query('SELECT setseed(0.42)');
      await client.query(
        `INSERT INTO receipts (organization_id, label, type, amount, amount_with_vat, vat, vat_value,
           reference, comment, operation_date, created_at, name, status, receipt_key,
           receipt_original_name, receipt_mime_type, receipt_size, receipt_sha256)
         SELECT $1::uuid, s.label, s.type, s.amount, s.amount_with_vat, 20, s.amount_with_vat - s.amount,
           s.reference, NULL, s.operation_date, s.created_at,
           to_char(s.created_at AT TIME ZONE 'Europe/Paris', 'YYYYMMDD') || '_' || s.label || '_' || s.amount_with_vat,
           false,
           CASE WHEN s.g % 10 <> 0 THEN 'invoices/seed-' || s.g || '-' || left(md5($1::uuid::text || s.g), 16) || '.pdf' END,
           CASE WHEN s.g % 10 <> 0 THEN 'facture-' || s.g || '.pdf' END,
           CASE WHEN s.g % 10 <> 0 THEN 'application/pdf' END,
           CASE WHEN s.g % 10 <> 0 THEN 102400 END,
           CASE WHEN s.g % 10 <> 0 THEN encode(sha256(s.g::text::bytea), 'hex') END
         FROM (
           SELECT g, label, type, amount, round(amount * 1.2, 2) AS amount_with_vat,
             'REF-' || lpad(g::text, 6, '0') AS reference,
             operation_date, operation_date - random() * interval '30 days' AS created_at
           FROM (
             SELECT g,
               ($3::text[])[1 + (g * 7) % cardinality($3::text[])] AS label,
               CASE WHEN g % 5 < 3 THEN 'frais' ELSE 'vente' END AS type,
               round((5 + random() * 1995)::numeric, 2) AS amount,
               timestamptz '2019-01-01 00:00:00+00' + random() * interval '6 years' AS operation_date
             FROM generate_series(1, $2::int) AS g
           ) base
         ) s`,
        [organizationId, missing, SEED_LABELS],
      );
    }
    await settle(client, 'receipts');
    return Math.max(0, missing);
  } finally {
    await client.end();
  }
}

/**
 * Does now what PostgreSQL would do in the background in the minutes after a bulk load, so that the
 * measured phases do not share the cores with it: VACUUM (ANALYZE) `tables` (autovacuum's pass after
 * many inserts, which also lets index-only scans skip the heap), then a CHECKPOINT (writing out the
 * loaded pages). CHECKPOINT needs a superuser or pg_checkpoint: without, it is skipped.
 */
export async function settle(client: pg.Client, ...tables: string[]): Promise<void> {
  await client.query(`VACUUM (ANALYZE) ${tables.join(', ')}`);
  try {
    await client.query('CHECKPOINT');
  } catch (e) {
    process.stderr.write(`[bench] seed: CHECKPOINT skipped (${(e as Error).message})\n`);
  }
}
