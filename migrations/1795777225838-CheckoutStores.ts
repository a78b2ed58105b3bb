import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CheckoutStores1795777225838 implements MigrationInterface {
  name = 'CheckoutStores1795777225838';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "checkout_stores" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "name" character varying(200) NOT NULL, "currency" character(3) NOT NULL, "derivation_scheme" character varying(200) NOT NULL, "address_type" character varying(16) NOT NULL, "network" character varying(8) NOT NULL, "key_fingerprint" character(64) NOT NULL, "next_address_index" integer NOT NULL DEFAULT '0', "callback_url" character varying(2048), "callback_secret" character varying(100) NOT NULL, "confirmations" smallint NOT NULL DEFAULT '1', "expiration_minutes" integer NOT NULL DEFAULT '15', "monitoring_minutes" integer NOT NULL DEFAULT '1440', "payment_tolerance_percent" numeric(5,2) NOT NULL DEFAULT '0', "success_redirect_url" character varying(2048), "error_redirect_url" character varying(2048), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_checkout_stores_next_index" CHECK ("next_address_index" BETWEEN 0 AND 2147483647), CONSTRAINT "CHK_checkout_stores_tolerance" CHECK ("payment_tolerance_percent" BETWEEN 0 AND 100), CONSTRAINT "CHK_checkout_stores_monitoring" CHECK ("monitoring_minutes" BETWEEN 0 AND 43200), CONSTRAINT "CHK_checkout_stores_expiration" CHECK ("expiration_minutes" BETWEEN 1 AND 10080), CONSTRAINT "CHK_checkout_stores_confirmations" CHECK ("confirmations" BETWEEN 0 AND 6), CONSTRAINT "PK_56915154b7ec111d54294deb06a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_checkout_stores_org_key" ON "checkout_stores"  ("organization_id", "key_fingerprint") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_checkout_stores_org_created" ON "checkout_stores"  ("organization_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "checkout_invoices" ("id" uuid NOT NULL, "organization_id" uuid NOT NULL, "store_id" uuid NOT NULL, "amount" numeric NOT NULL, "currency" character(3) NOT NULL, "status" character varying(8) NOT NULL DEFAULT 'NEW', "customer_email" character varying(254), "success_redirect_url" character varying(2048), "error_redirect_url" character varying(2048), "btc_address" character varying(100) NOT NULL, "address_index" integer NOT NULL, "key_path" character varying(32) NOT NULL, "network" character varying(8) NOT NULL, "btc_rate" numeric NOT NULL, "btc_amount" numeric(16,8) NOT NULL, "btc_rate_source" character varying(32) NOT NULL, "usd_rate" numeric NOT NULL, "usd_amount" numeric NOT NULL, "usd_rate_source" character varying(32) NOT NULL, "rates_fetched_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "required_confirmations" smallint NOT NULL, "payment_tolerance_percent" numeric(5,2) NOT NULL, "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "monitoring_until" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "payment_seen_at" TIMESTAMP(3) WITH TIME ZONE, "paid_at" TIMESTAMP(3) WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_checkout_invoices_amount" CHECK ("amount" > 0), CONSTRAINT "CHK_checkout_invoices_status" CHECK ("status" IN ('NEW', 'PAID')), CONSTRAINT "PK_5532d03396012a44da8dc5cb2c2" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_checkout_invoices_address" ON "checkout_invoices"  ("btc_address") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_checkout_invoices_store_seen" ON "checkout_invoices"  ("store_id", "address_index") WHERE "payment_seen_at" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_checkout_invoices_store_created" ON "checkout_invoices"  ("store_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_checkout_invoices_store_index" ON "checkout_invoices"  ("store_id", "address_index") `,
    );
    await queryRunner.query(
      `ALTER TABLE "checkout_stores" ADD CONSTRAINT "FK_534b6155866e84d0185754d544b" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "checkout_invoices" ADD CONSTRAINT "FK_5532d03396012a44da8dc5cb2c2" FOREIGN KEY ("id") REFERENCES "payment_requests"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "checkout_invoices" ADD CONSTRAINT "FK_236e2f5b2aa90b7b6ccee7ec474" FOREIGN KEY ("store_id") REFERENCES "checkout_stores"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "checkout_invoices" DROP CONSTRAINT "FK_236e2f5b2aa90b7b6ccee7ec474"`,
    );
    await queryRunner.query(
      `ALTER TABLE "checkout_invoices" DROP CONSTRAINT "FK_5532d03396012a44da8dc5cb2c2"`,
    );
    await queryRunner.query(`ALTER TABLE "checkout_stores" DROP CONSTRAINT "FK_534b6155866e84d0185754d544b"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_checkout_invoices_store_index"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_checkout_invoices_store_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_checkout_invoices_store_seen"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_checkout_invoices_address"`);
    await queryRunner.query(`DROP TABLE "checkout_invoices"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_checkout_stores_org_created"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_checkout_stores_org_key"`);
    await queryRunner.query(`DROP TABLE "checkout_stores"`);
  }
}
