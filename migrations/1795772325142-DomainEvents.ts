import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DomainEvents1795772325142 implements MigrationInterface {
  name = 'DomainEvents1795772325142';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "type" character varying(100) NOT NULL, "organization_id" uuid NOT NULL, "payload" jsonb NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_40731c7151fe4be3116e45ddf73" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_events_organization_occurred" ON "events"  ("organization_id", "occurred_at") `,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_events_organization_occurred"`);
    await queryRunner.query(`DROP TABLE "events"`);
  }
}
