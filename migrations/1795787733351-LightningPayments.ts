import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LightningPayments1795787733351 implements MigrationInterface {
  name = 'LightningPayments1795787733351';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "lightning_payments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "payment_request_id" uuid NOT NULL, "payment_hash" character(64) NOT NULL, "bolt11" text NOT NULL, "amount" numeric NOT NULL, "currency" character(3) NOT NULL, "amount_msat" bigint NOT NULL, "rate" numeric NOT NULL, "rate_source" character varying(32) NOT NULL, "rate_fetched_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "state" character varying(16) NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "settled_at" TIMESTAMP(3) WITH TIME ZONE, "amount_paid_msat" bigint, "charge_id" uuid, "closed_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "CHK_lightning_payments_state" CHECK ("state" IN ('open', 'settled', 'expired', 'cancelled')), CONSTRAINT "CHK_lightning_payments_amounts" CHECK ("amount" > 0 AND "amount_msat" > 0), CONSTRAINT "PK_7449101b962e8a33daa818b8f19" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_lightning_payments_payment_hash" ON "lightning_payments"  ("payment_hash") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_lightning_payments_open" ON "lightning_payments"  ("expires_at") WHERE "state" = 'open'`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_lightning_payments_request_created" ON "lightning_payments"  ("payment_request_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "lightning_payments" ADD CONSTRAINT "FK_6355779182a73f4ce59a773c08a" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "lightning_payments" ADD CONSTRAINT "FK_1008a85858c581b47b92cca152d" FOREIGN KEY ("payment_request_id") REFERENCES "payment_requests"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "lightning_payments" DROP CONSTRAINT "FK_1008a85858c581b47b92cca152d"`,
    );
    await queryRunner.query(
      `ALTER TABLE "lightning_payments" DROP CONSTRAINT "FK_6355779182a73f4ce59a773c08a"`,
    );
    await queryRunner.query(`DROP INDEX "public"."IDX_lightning_payments_request_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_lightning_payments_open"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_lightning_payments_payment_hash"`);
    await queryRunner.query(`DROP TABLE "lightning_payments"`);
  }
}
