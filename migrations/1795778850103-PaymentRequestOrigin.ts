import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PaymentRequestOrigin1795778850103 implements MigrationInterface {
  name = 'PaymentRequestOrigin1795778850103';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "payment_requests" ADD "origin" character varying(16)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "payment_requests" DROP COLUMN "origin"`);
  }
}
