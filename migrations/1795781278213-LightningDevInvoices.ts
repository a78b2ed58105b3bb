import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LightningDevInvoices1795781278213 implements MigrationInterface {
  name = 'LightningDevInvoices1795781278213';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "lightning_dev_invoices" ("payment_hash" character(64) NOT NULL, "preimage" character(64) NOT NULL, "payment_request" text NOT NULL, "amount_msat" bigint NOT NULL, "description" text NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "settled_at" TIMESTAMP(3) WITH TIME ZONE, "amount_paid_msat" bigint, CONSTRAINT "CHK_lightning_dev_invoices_amount" CHECK ("amount_msat" > 0), CONSTRAINT "PK_c454efe3275e036c2d8618994c8" PRIMARY KEY ("payment_hash"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "lightning_dev_invoices"`);
  }
}
