import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ChainWatcher1795780072025 implements MigrationInterface {
  name = 'ChainWatcher1795780072025';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "checkout_chain_watch" ("network" character varying(8) NOT NULL, "failures" integer NOT NULL DEFAULT '0', "retry_at" TIMESTAMP(3) WITH TIME ZONE, "last_error" text, "last_cycle_at" TIMESTAMP(3) WITH TIME ZONE, "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9f680086e91423ab45118e90bfd" PRIMARY KEY ("network"))`,
    );
    await queryRunner.query(`ALTER TABLE "checkout_invoices" ADD "paid_sats" bigint NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "checkout_invoices" ADD "settled_sats" bigint NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "checkout_invoices" ADD "pending_sats" bigint NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "checkout_invoices" ADD "paid_late" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "webhook_endpoints" ADD "managed_by" character varying(32)`);
    await queryRunner.query(`ALTER TABLE "webhook_endpoints" ADD "owner_id" uuid`);
    await queryRunner.query(
      `ALTER TABLE "webhook_endpoints" ADD "body_format" character varying(16) NOT NULL DEFAULT 'envelope'`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_checkout_invoices_watch_pending" ON "checkout_invoices"  ("network") WHERE "pending_sats" > 0`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_checkout_invoices_watch_window" ON "checkout_invoices"  ("network", "monitoring_until") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_webhook_endpoints_managed_owner" ON "webhook_endpoints"  ("managed_by", "owner_id") WHERE "managed_by" IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."UQ_webhook_endpoints_managed_owner"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_checkout_invoices_watch_window"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_checkout_invoices_watch_pending"`);
    await queryRunner.query(`ALTER TABLE "webhook_endpoints" DROP COLUMN "body_format"`);
    await queryRunner.query(`ALTER TABLE "webhook_endpoints" DROP COLUMN "owner_id"`);
    await queryRunner.query(`ALTER TABLE "webhook_endpoints" DROP COLUMN "managed_by"`);
    await queryRunner.query(`ALTER TABLE "checkout_invoices" DROP COLUMN "paid_late"`);
    await queryRunner.query(`ALTER TABLE "checkout_invoices" DROP COLUMN "pending_sats"`);
    await queryRunner.query(`ALTER TABLE "checkout_invoices" DROP COLUMN "settled_sats"`);
    await queryRunner.query(`ALTER TABLE "checkout_invoices" DROP COLUMN "paid_sats"`);
    await queryRunner.query(`DROP TABLE "checkout_chain_watch"`);
  }
}
