import type { MigrationInterface, QueryRunner } from 'typeorm';

export class WebhookDeliveriesStatusIndex1795782266245 implements MigrationInterface {
  name = 'WebhookDeliveriesStatusIndex1795782266245';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "IDX_webhook_deliveries_endpoint_status_created" ON "webhook_deliveries"  ("endpoint_id", "status", "created_at", "id") `,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_webhook_deliveries_endpoint_status_created"`);
  }
}
