import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ExternalCharges1795776939585 implements MigrationInterface {
  name = 'ExternalCharges1795776939585';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "charges" ADD "settled_at" TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "charges" ADD "voided_at" TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "charges" ADD "confirmations" integer`);
    await queryRunner.query(`ALTER TABLE "charges" ADD "original_amount" numeric`);
    await queryRunner.query(`ALTER TABLE "charges" ADD "original_currency" character varying(8)`);
    // Every charge so far was recorded by hand: settled when it was made.
    await queryRunner.query(`UPDATE "charges" SET "settled_at" = "created_at" WHERE "settled_at" IS NULL`);
    // A charge may be worth 0 in the request's currency beside what was really received (a few satoshis).
    await queryRunner.query(`ALTER TABLE "charges" DROP CONSTRAINT "CHK_charges_amount"`);
    await queryRunner.query(
      `ALTER TABLE "charges" ADD CONSTRAINT "CHK_charges_amount" CHECK ("amount" > 0 OR ("amount" = 0 AND "original_amount" > 0))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_charges_external_reference" ON "charges"  ("payment_request_id", "charge_type", "reference") WHERE "charge_type" IN ('bitcoin', 'lightning') AND "voided_at" IS NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "charges" ADD CONSTRAINT "CHK_charges_confirmations" CHECK ("confirmations" >= 0)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "charges" DROP CONSTRAINT "CHK_charges_confirmations"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_charges_external_reference"`);
    await queryRunner.query(`ALTER TABLE "charges" DROP CONSTRAINT "CHK_charges_amount"`);
    await queryRunner.query(`ALTER TABLE "charges" ADD CONSTRAINT "CHK_charges_amount" CHECK ("amount" > 0)`);
    await queryRunner.query(`ALTER TABLE "charges" DROP COLUMN "original_currency"`);
    await queryRunner.query(`ALTER TABLE "charges" DROP COLUMN "original_amount"`);
    await queryRunner.query(`ALTER TABLE "charges" DROP COLUMN "confirmations"`);
    await queryRunner.query(`ALTER TABLE "charges" DROP COLUMN "voided_at"`);
    await queryRunner.query(`ALTER TABLE "charges" DROP COLUMN "settled_at"`);
  }
}
