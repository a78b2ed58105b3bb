import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Webhooks1795773550609 implements MigrationInterface {
  name = 'Webhooks1795773550609';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "webhook_endpoints" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "url" character varying(2048) NOT NULL, "events" text array NOT NULL DEFAULT '{}', "description" character varying(500), "enabled" boolean NOT NULL DEFAULT true, "secret" character varying(100) NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_054c4cfb95223732f5939d2d546" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_webhook_endpoints_org_created_at" ON "webhook_endpoints"  ("organization_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "webhook_deliveries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "endpoint_id" uuid NOT NULL, "event_id" uuid NOT NULL, "event_type" character varying(100) NOT NULL, "body" text NOT NULL, "attempt" integer NOT NULL, "redelivery_of" uuid, "status" character varying(20) NOT NULL DEFAULT 'pending', "response_status" integer, "response_body" text, "error" text, "duration_ms" integer, "scheduled_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "attempted_at" TIMESTAMP(3) WITH TIME ZONE, "next_attempt_at" TIMESTAMP(3) WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_webhook_deliveries_first_attempt" ON "webhook_deliveries"  ("endpoint_id", "event_id") WHERE attempt = 1 AND redelivery_of IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_webhook_deliveries_endpoint_created" ON "webhook_deliveries"  ("endpoint_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "FK_893247a8681e31f117a34b4fb46" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "FK_0b882c26a9b91c26e6e86b4867c" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_0b882c26a9b91c26e6e86b4867c"`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_endpoints" DROP CONSTRAINT "FK_893247a8681e31f117a34b4fb46"`,
    );
    await queryRunner.query(`DROP INDEX "public"."IDX_webhook_deliveries_endpoint_created"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_webhook_deliveries_first_attempt"`);
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_webhook_endpoints_org_created_at"`);
    await queryRunner.query(`DROP TABLE "webhook_endpoints"`);
  }
}
