import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddBankAndAffectations1795252724543 implements MigrationInterface {
  name = 'AddBankAndAffectations1795252724543';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "affectations" ("id" SERIAL NOT NULL, "organization_id" uuid NOT NULL, "receipt_id" integer NOT NULL, "bank_operation_id" uuid NOT NULL, "amount" numeric(14,2) NOT NULL, "receipt_previous_operation_date" TIMESTAMP WITH TIME ZONE NOT NULL, "origin" character varying(12) NOT NULL DEFAULT 'manual', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_affectations_origin" CHECK ("origin" IN ('manual', 'auto_match')), CONSTRAINT "CHK_affectations_amount" CHECK ("amount" > 0), CONSTRAINT "PK_00e698b1565104f7fba069929d8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_affectations_org_operation_id" ON "affectations"  ("organization_id", "bank_operation_id", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_affectations_org_id" ON "affectations"  ("organization_id", "id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_affectations_receipt" ON "affectations"  ("receipt_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "bank_accounts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "name" character varying(200) NOT NULL, "iban" character varying(34), "currency" character(3) NOT NULL DEFAULT 'EUR', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c872de764f2038224a013ff25ed" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_bank_accounts_org_iban" ON "bank_accounts"  ("organization_id", "iban") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_bank_accounts_org_created_at" ON "bank_accounts"  ("organization_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "bank_operations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "bank_account_id" uuid NOT NULL, "source" character varying(10) NOT NULL, "operation_date" date NOT NULL, "value_date" date, "label" character varying(500) NOT NULL, "amount" numeric(14,2) NOT NULL, "external_id" character varying(300), "justified_amount" numeric(14,2) NOT NULL DEFAULT '0', "justification" character varying(12) NOT NULL DEFAULT 'missing', "justification_comment" text, "confirmed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_bank_operations_justified_amount" CHECK ("justified_amount" >= 0), CONSTRAINT "CHK_bank_operations_justification" CHECK ("justification" IN ('missing', 'partial', 'justified', 'not_needed', 'receipt_lost')), CONSTRAINT "CHK_bank_operations_source" CHECK ("source" IN ('pending', 'statement')), CONSTRAINT "PK_6508262254a980da7ea41af2bb8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_bank_operations_pending" ON "bank_operations"  ("bank_account_id", "amount", "operation_date") WHERE "source" = 'pending'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_bank_operations_external_id" ON "bank_operations"  ("organization_id", "bank_account_id", "external_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_bank_operations_org_amount" ON "bank_operations"  ("organization_id", "amount", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_bank_operations_org_justification_date" ON "bank_operations"  ("organization_id", "justification", "operation_date", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_bank_operations_org_source_date" ON "bank_operations"  ("organization_id", "source", "operation_date", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_bank_operations_org_account_date" ON "bank_operations"  ("organization_id", "bank_account_id", "operation_date", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_bank_operations_org_date" ON "bank_operations"  ("organization_id", "operation_date", "id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "affectations" ADD CONSTRAINT "FK_33c503313cdcf725225065c6e04" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "affectations" ADD CONSTRAINT "FK_affectations_receipt" FOREIGN KEY ("receipt_id") REFERENCES "receipts"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "affectations" ADD CONSTRAINT "FK_affectations_bank_operation" FOREIGN KEY ("bank_operation_id") REFERENCES "bank_operations"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "bank_accounts" ADD CONSTRAINT "FK_cc20105b139589c697648c925c3" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "bank_operations" ADD CONSTRAINT "FK_e3efe3fe8275f2df350c6172fe7" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "bank_operations" ADD CONSTRAINT "FK_3279c46585343a0b7dc3da20df7" FOREIGN KEY ("bank_account_id") REFERENCES "bank_accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "receipts" ADD CONSTRAINT "FK_receipts_affectation" FOREIGN KEY ("affectation_id") REFERENCES "affectations"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    // Written by hand (the entities declare them with synchronize: false):
    // `q` on bank operations searches the label through a trigram index (pg_trgm, created by Initial);
    await queryRunner.query(
      `CREATE INDEX "IDX_bank_operations_label_trgm" ON "bank_operations" USING gin (label gin_trgm_ops)`,
    );
    // affectation suggestions look receipts up by a reference found in the bank label, case-insensitively.
    await queryRunner.query(
      `CREATE INDEX "IDX_receipts_org_reference_lower" ON "receipts" ("organization_id", lower(reference))`,
    );
    // and, among the unaffected receipts, those dated near the operation, reading only this index.
    await queryRunner.query(
      `CREATE INDEX "IDX_receipts_unaffected_operation_date" ON "receipts" ("organization_id", "operation_date") INCLUDE ("amount_with_vat", "id") WHERE "affectation_id" IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_receipts_unaffected_operation_date"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_receipts_org_reference_lower"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_bank_operations_label_trgm"`);
    await queryRunner.query(`ALTER TABLE "receipts" DROP CONSTRAINT "FK_receipts_affectation"`);
    await queryRunner.query(`ALTER TABLE "bank_operations" DROP CONSTRAINT "FK_3279c46585343a0b7dc3da20df7"`);
    await queryRunner.query(`ALTER TABLE "bank_operations" DROP CONSTRAINT "FK_e3efe3fe8275f2df350c6172fe7"`);
    await queryRunner.query(`ALTER TABLE "bank_accounts" DROP CONSTRAINT "FK_cc20105b139589c697648c925c3"`);
    await queryRunner.query(`ALTER TABLE "affectations" DROP CONSTRAINT "FK_affectations_bank_operation"`);
    await queryRunner.query(`ALTER TABLE "affectations" DROP CONSTRAINT "FK_affectations_receipt"`);
    await queryRunner.query(`ALTER TABLE "affectations" DROP CONSTRAINT "FK_33c503313cdcf725225065c6e04"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_bank_operations_org_date"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_bank_operations_org_account_date"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_bank_operations_org_source_date"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_bank_operations_org_justification_date"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_bank_operations_org_amount"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_bank_operations_external_id"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_bank_operations_pending"`);
    await queryRunner.query(`DROP TABLE "bank_operations"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_bank_accounts_org_created_at"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_bank_accounts_org_iban"`);
    await queryRunner.query(`DROP TABLE "bank_accounts"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_affectations_receipt"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_affectations_org_id"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_affectations_org_operation_id"`);
    await queryRunner.query(`DROP TABLE "affectations"`);
  }
}
