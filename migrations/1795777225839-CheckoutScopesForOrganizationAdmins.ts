import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * New organizations' admin keys get every organization scope, checkout:read and checkout:write now
 * among them. Keys issued before had every scope of then: they get the checkout scopes too, or their
 * organization could never use checkout (a key cannot grant a scope its creator lacks).
 */
export class CheckoutScopesForOrganizationAdmins1795777225839 implements MigrationInterface {
  name = 'CheckoutScopesForOrganizationAdmins1795777225839';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE api_keys SET scopes = scopes || ARRAY['checkout:read', 'checkout:write']::text[]
       WHERE organization_id IS NOT NULL AND NOT platform_admin
         AND scopes @> ARRAY['receipts:read', 'receipts:write', 'bank:read', 'bank:write',
                             'payment-requests:read', 'payment-requests:write', 'admin']::text[]
         AND NOT scopes && ARRAY['checkout:read', 'checkout:write']::text[]`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE api_keys SET scopes = array_remove(array_remove(scopes, 'checkout:read'), 'checkout:write')`,
    );
  }
}
