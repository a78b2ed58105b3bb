import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MillisecondTimestamps1795252688260 implements MigrationInterface {
  name = 'MillisecondTimestamps1795252688260';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_payment_requests_org_customer"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_payment_requests_org_status_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_payment_requests_org_created"`);
    await queryRunner.query(
      `ALTER TABLE "payment_requests" ALTER COLUMN "created_at" TYPE TIMESTAMP(3) WITH TIME ZONE`,
    );
    await queryRunner.query(`DROP INDEX "public"."IDX_receipts_org_operation_date"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_receipts_org_created_at"`);
    await queryRunner.query(
      `ALTER TABLE "receipts" ALTER COLUMN "operation_date" TYPE TIMESTAMP(3) WITH TIME ZONE`,
    );
    await queryRunner.query(
      `ALTER TABLE "receipts" ALTER COLUMN "created_at" TYPE TIMESTAMP(3) WITH TIME ZONE`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_payment_requests_org_customer" ON "payment_requests"  ("organization_id", "customer_email", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_payment_requests_org_status_created" ON "payment_requests"  ("organization_id", "status", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_payment_requests_org_created" ON "payment_requests"  ("organization_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_receipts_org_operation_date" ON "receipts"  ("organization_id", "operation_date", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_receipts_org_created_at" ON "receipts"  ("organization_id", "created_at", "id") `,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_receipts_org_created_at"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_receipts_org_operation_date"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_payment_requests_org_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_payment_requests_org_status_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_payment_requests_org_customer"`);
    await queryRunner.query(
      `ALTER TABLE "receipts" ALTER COLUMN "created_at" TYPE TIMESTAMP(6) WITH TIME ZONE`,
    );
    await queryRunner.query(
      `ALTER TABLE "receipts" ALTER COLUMN "operation_date" TYPE TIMESTAMP(6) WITH TIME ZONE`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_receipts_org_created_at" ON "receipts" USING btree ("created_at", "id", "organization_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_receipts_org_operation_date" ON "receipts" USING btree ("id", "operation_date", "organization_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "payment_requests" ALTER COLUMN "created_at" TYPE TIMESTAMP(6) WITH TIME ZONE`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_payment_requests_org_created" ON "payment_requests" USING btree ("created_at", "id", "organization_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_payment_requests_org_status_created" ON "payment_requests" USING btree ("created_at", "id", "organization_id", "status") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_payment_requests_org_customer" ON "payment_requests" USING btree ("created_at", "customer_email", "id", "organization_id") `,
    );
  }
}
