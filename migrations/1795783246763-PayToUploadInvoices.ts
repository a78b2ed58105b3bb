import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PayToUploadInvoices1795783246763 implements MigrationInterface {
  name = 'PayToUploadInvoices1795783246763';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "pay_to_upload_invoices" ("payment_hash" character(64) NOT NULL, "date" character varying(32) NOT NULL, "organization_id" uuid NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "consumed_at" TIMESTAMP WITH TIME ZONE, "upload_id" uuid, CONSTRAINT "PK_663be042fbd9fa46eb9d4b4ac95" PRIMARY KEY ("payment_hash"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_pay_to_upload_invoices_upload" ON "pay_to_upload_invoices"  ("upload_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "pay_to_upload_invoices" ADD CONSTRAINT "FK_1d1808ade85c40ea113842d520a" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "pay_to_upload_invoices" ADD CONSTRAINT "FK_71ccc72cd626a71fb7f914d77b7" FOREIGN KEY ("upload_id") REFERENCES "invoice_uploads"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "pay_to_upload_invoices" DROP CONSTRAINT "FK_71ccc72cd626a71fb7f914d77b7"`,
    );
    await queryRunner.query(
      `ALTER TABLE "pay_to_upload_invoices" DROP CONSTRAINT "FK_1d1808ade85c40ea113842d520a"`,
    );
    await queryRunner.query(`DROP INDEX "public"."IDX_pay_to_upload_invoices_upload"`);
    await queryRunner.query(`DROP TABLE "pay_to_upload_invoices"`);
  }
}
