import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PaidForUploads1795787621078 implements MigrationInterface {
  name = 'PaidForUploads1795787621078';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "invoice_uploads" ADD "paid_for" boolean NOT NULL DEFAULT false`);
    // The files already paid for (seed 000), and their expiry if a detach gave them one.
    await queryRunner.query(
      `UPDATE "invoice_uploads" SET "paid_for" = true, "expires_at" = NULL
        WHERE "id" IN (SELECT "upload_id" FROM "pay_to_upload_invoices" WHERE "upload_id" IS NOT NULL)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "invoice_uploads" DROP COLUMN "paid_for"`);
  }
}
