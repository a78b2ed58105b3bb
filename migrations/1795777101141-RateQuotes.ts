import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RateQuotes1795777101141 implements MigrationInterface {
  name = 'RateQuotes1795777101141';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "rate_quotes" ("source" character varying(20) NOT NULL, "pair" character varying(20) NOT NULL, "rate" numeric NOT NULL, "fetched_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "PK_b7dfa22940a2cdf9db5cd572f98" PRIMARY KEY ("source", "pair"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "rate_quotes"`);
  }
}
