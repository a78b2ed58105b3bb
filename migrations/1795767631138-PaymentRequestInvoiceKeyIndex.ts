import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PaymentRequestInvoiceKeyIndex1795767631138 implements MigrationInterface {
  name = 'PaymentRequestInvoiceKeyIndex1795767631138';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "IDX_payment_requests_invoice_key" ON "payment_requests"  ("invoice_key") WHERE "invoice_key" IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_payment_requests_invoice_key"`);
  }
}
