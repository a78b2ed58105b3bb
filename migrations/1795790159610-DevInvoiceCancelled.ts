import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DevInvoiceCancelled1795790159610 implements MigrationInterface {
  name = 'DevInvoiceCancelled1795790159610';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "lightning_dev_invoices" ADD "cancelled_at" TIMESTAMP(3) WITH TIME ZONE`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "lightning_dev_invoices" DROP COLUMN "cancelled_at"`);
  }
}
