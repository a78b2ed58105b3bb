import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IdempotencyLease1795766324007 implements MigrationInterface {
  name = 'IdempotencyLease1795766324007';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "idempotency_keys" ADD "lease_token" uuid`);
    await queryRunner.query(`ALTER TABLE "idempotency_keys" ADD "lease_expires_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "idempotency_keys" DROP COLUMN "lease_expires_at"`);
    await queryRunner.query(`ALTER TABLE "idempotency_keys" DROP COLUMN "lease_token"`);
  }
}
