import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795250411770 implements MigrationInterface {
  name = 'Initial1795250411770';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "idempotency_keys" ("id" BIGSERIAL NOT NULL, "owner" character varying(64) NOT NULL, "key" character varying(255) NOT NULL, "request_hash" character(64) NOT NULL, "status_code" integer, "response_body" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8ad20779ad0411107a56e53d0f6" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_idempotency_keys_created_at" ON "idempotency_keys"  ("created_at") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_idempotency_keys_owner_key" ON "idempotency_keys"  ("owner", "key") `,
    );
    await queryRunner.query(
      `CREATE TABLE "organizations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6b031fcd0863e3f6b44230163f9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid, "name" character varying(100) NOT NULL, "prefix" character varying(16) NOT NULL, "secret_hash" character(64) NOT NULL, "scopes" text array NOT NULL, "platform_admin" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, "expires_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_api_keys_secret_hash" ON "api_keys"  ("secret_hash") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_api_keys_organization" ON "api_keys"  ("organization_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "receipts" ("id" SERIAL NOT NULL, "organization_id" uuid NOT NULL, "label" character varying(255) NOT NULL, "type" character varying(10) NOT NULL, "amount" numeric NOT NULL, "amount_with_vat" numeric NOT NULL, "vat" numeric, "vat_value" numeric, "reference" character varying(100) NOT NULL, "comment" text, "operation_date" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "name" character varying(400) NOT NULL, "status" boolean NOT NULL DEFAULT false, "affectation_id" integer, "receipt_key" character varying(300), "receipt_original_name" character varying(255), "receipt_mime_type" character varying(100), "receipt_size" integer, "receipt_sha256" character(64), "inserted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_receipts_type" CHECK ("type" IN ('frais', 'vente')), CONSTRAINT "PK_5e8182d7c29e023da6e1ff33bfe" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_receipts_receipt_key" ON "receipts"  ("receipt_key") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_receipts_org_type_status_id" ON "receipts"  ("organization_id", "type", "status", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_receipts_org_amount_with_vat" ON "receipts"  ("organization_id", "amount_with_vat", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_receipts_org_amount" ON "receipts"  ("organization_id", "amount", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_receipts_org_operation_date" ON "receipts"  ("organization_id", "operation_date", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_receipts_org_created_at" ON "receipts"  ("organization_id", "created_at", "id") `,
    );
    await queryRunner.query(`CREATE INDEX "IDX_receipts_org_id" ON "receipts"  ("organization_id", "id") `);
    // Written by hand: `q` searches label, reference and name through this trigram index (an expression
    // index, which the entity declares with synchronize: false).
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(
      `CREATE INDEX "IDX_receipts_search_trgm" ON "receipts" USING gin ((label || ' ' || reference || ' ' || name) gin_trgm_ops)`,
    );
    await queryRunner.query(
      `CREATE TABLE "app_settings" ("key" character varying(100) NOT NULL, "value" text NOT NULL, CONSTRAINT "PK_975c2db59c65c05fd9c6b63a2ab" PRIMARY KEY ("key"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "api_keys" ADD CONSTRAINT "FK_a283bdef18876e525aefaec042f" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "receipts" ADD CONSTRAINT "FK_71859168949259ea501fdd59dfd" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "receipts" DROP CONSTRAINT "FK_71859168949259ea501fdd59dfd"`);
    await queryRunner.query(`ALTER TABLE "api_keys" DROP CONSTRAINT "FK_a283bdef18876e525aefaec042f"`);
    await queryRunner.query(`DROP TABLE "app_settings"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_receipts_search_trgm"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_receipts_org_id"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_receipts_org_created_at"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_receipts_org_operation_date"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_receipts_org_amount"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_receipts_org_amount_with_vat"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_receipts_org_type_status_id"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_receipts_receipt_key"`);
    await queryRunner.query(`DROP TABLE "receipts"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_api_keys_organization"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_api_keys_secret_hash"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
    await queryRunner.query(`DROP TABLE "organizations"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_idempotency_keys_owner_key"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_idempotency_keys_created_at"`);
    await queryRunner.query(`DROP TABLE "idempotency_keys"`);
  }
}
