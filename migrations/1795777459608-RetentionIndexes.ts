import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RetentionIndexes1795777459608 implements MigrationInterface {
  name = 'RetentionIndexes1795777459608';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "IDX_events_occurred_at" ON "events"  ("occurred_at") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_webhook_deliveries_finished_created" ON "webhook_deliveries"  ("created_at") WHERE status <> 'pending'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_webhook_deliveries_finished_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_events_occurred_at"`);
  }
}
