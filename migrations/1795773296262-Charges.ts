import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Charges1795773296262 implements MigrationInterface {
  name = 'Charges1795773296262';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "charges" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "payment_request_id" uuid NOT NULL, "amount" numeric NOT NULL, "reference" character varying(255), "note" character varying(1000), "charge_type" character varying(32) NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "CHK_charges_amount" CHECK ("amount" > 0), CONSTRAINT "PK_0c6feb10df0fa460714f8464dce" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_charges_payment_request_created" ON "charges"  ("payment_request_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "charges" ADD CONSTRAINT "FK_1c4fa0cd37e8794aa3d431f8067" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "charges" ADD CONSTRAINT "FK_0a6e968bdade6d5b4b6bb117121" FOREIGN KEY ("payment_request_id") REFERENCES "payment_requests"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "charges" DROP CONSTRAINT "FK_0a6e968bdade6d5b4b6bb117121"`);
    await queryRunner.query(`ALTER TABLE "charges" DROP CONSTRAINT "FK_1c4fa0cd37e8794aa3d431f8067"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_charges_payment_request_created"`);
    await queryRunner.query(`DROP TABLE "charges"`);
  }
}
