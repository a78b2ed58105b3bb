import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiKeyPrefixIndex1795769681688 implements MigrationInterface {
  name = 'ApiKeyPrefixIndex1795769681688';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "IDX_api_keys_prefix" ON "api_keys"  ("prefix") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_api_keys_prefix"`);
  }
}
