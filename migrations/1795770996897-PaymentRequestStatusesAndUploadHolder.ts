import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A payment request's status is derived by payment-request-status.ts, which knows partially paid and
 * overpaid requests; an upload no longer names a payment request but its holder (uploads know nothing
 * of payment requests). TypeORM sees no change in a CHECK's expression: those two lines are by hand.
 */
export class PaymentRequestStatusesAndUploadHolder1795770996897 implements MigrationInterface {
  name = 'PaymentRequestStatusesAndUploadHolder1795770996897';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "invoice_uploads" RENAME COLUMN "payment_request_id" TO "attached_to"`,
    );
    await queryRunner.query(`ALTER TABLE "payment_requests" DROP CONSTRAINT "CHK_payment_requests_status"`);
    await queryRunner.query(
      `ALTER TABLE "payment_requests" ADD CONSTRAINT "CHK_payment_requests_status" CHECK ("status" IN ('unpaid', 'partially_paid', 'paid', 'overpaid', 'cancelled'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "payment_requests" DROP CONSTRAINT "CHK_payment_requests_status"`);
    await queryRunner.query(
      `UPDATE "payment_requests" SET "status" = CASE "status" WHEN 'partially_paid' THEN 'unpaid' ELSE 'paid' END WHERE "status" IN ('partially_paid', 'overpaid')`,
    );
    await queryRunner.query(
      `ALTER TABLE "payment_requests" ADD CONSTRAINT "CHK_payment_requests_status" CHECK ("status" IN ('unpaid', 'paid', 'cancelled'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "invoice_uploads" RENAME COLUMN "attached_to" TO "payment_request_id"`,
    );
  }
}
