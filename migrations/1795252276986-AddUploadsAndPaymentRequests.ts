import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddUploadsAndPaymentRequests1795252276986 implements MigrationInterface {
  name = 'AddUploadsAndPaymentRequests1795252276986';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "payment_requests" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "amount" numeric NOT NULL, "currency" character(3) NOT NULL, "description" character varying(500), "customer_email" character varying(254), "due_date" date, "status" character varying(16) NOT NULL DEFAULT 'unpaid', "invoice_upload_id" uuid, "invoice_key" character varying(512), "invoice_file_name" character varying(255), "invoice_mime_type" character varying(100), "invoice_size" bigint, "invoice_attached_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "paid_at" TIMESTAMP WITH TIME ZONE, "cancelled_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "CHK_payment_requests_amount" CHECK ("amount" > 0), CONSTRAINT "CHK_payment_requests_status" CHECK ("status" IN ('unpaid', 'paid', 'cancelled')), CONSTRAINT "PK_9299e570c6d9babbe54752e16ec" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_payment_requests_org_customer" ON "payment_requests"  ("organization_id", "customer_email", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_payment_requests_org_due_date" ON "payment_requests"  ("organization_id", "due_date", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_payment_requests_org_status_created" ON "payment_requests"  ("organization_id", "status", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_payment_requests_org_created" ON "payment_requests"  ("organization_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "invoice_uploads" ("id" uuid NOT NULL, "organization_id" uuid NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "file_name" character varying(255) NOT NULL, "declared_type" character varying(100) NOT NULL, "size" bigint NOT NULL, "s3_key" character varying(512) NOT NULL, "sha256" character(64), "content_type" character varying(100), "payment_request_id" uuid, "expires_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "confirmed_at" TIMESTAMP WITH TIME ZONE, "attached_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "CHK_invoice_uploads_status" CHECK ("status" IN ('pending', 'confirmed', 'attached')), CONSTRAINT "PK_3d01e58401fa8dd6902ead8668f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_invoice_uploads_s3_key" ON "invoice_uploads"  ("s3_key") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_invoice_uploads_expiry" ON "invoice_uploads"  ("expires_at") WHERE "status" <> 'attached'`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_invoice_uploads_org_created" ON "invoice_uploads"  ("organization_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "signed_url_uses" ("nonce" character varying(64) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_6568d6fba6f8fe0a2d4f8bdb11c" PRIMARY KEY ("nonce"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_signed_url_uses_expires_at" ON "signed_url_uses"  ("expires_at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "payment_requests" ADD CONSTRAINT "FK_f330e18c337a9719837c1ab67c1" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "invoice_uploads" ADD CONSTRAINT "FK_4c9787a0faf488c1b80566617b2" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "invoice_uploads" DROP CONSTRAINT "FK_4c9787a0faf488c1b80566617b2"`);
    await queryRunner.query(
      `ALTER TABLE "payment_requests" DROP CONSTRAINT "FK_f330e18c337a9719837c1ab67c1"`,
    );
    await queryRunner.query(`DROP INDEX "public"."IDX_signed_url_uses_expires_at"`);
    await queryRunner.query(`DROP TABLE "signed_url_uses"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_invoice_uploads_org_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_invoice_uploads_expiry"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_invoice_uploads_s3_key"`);
    await queryRunner.query(`DROP TABLE "invoice_uploads"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_payment_requests_org_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_payment_requests_org_status_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_payment_requests_org_due_date"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_payment_requests_org_customer"`);
    await queryRunner.query(`DROP TABLE "payment_requests"`);
  }
}
