import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { WithinWrite } from '../../common/idempotency/idempotency-claim.js';
import { ApiKeysService, ORGANIZATION_SCOPES, type IssuedKey } from './api-keys.service.js';
import { Organization } from './organization.entity.js';

@Injectable()
export class OrganizationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /**
   * A new organization and its first organization-admin key, in one transaction; `withinWrite` runs in
   * it (an Idempotency-Key's response is stored there).
   */
  async create(
    name: string,
    withinWrite?: WithinWrite<{ organization: Organization; adminKey: IssuedKey }>,
  ): Promise<{ organization: Organization; adminKey: IssuedKey }> {
    return this.dataSource.transaction(async (manager) => {
      const organization = await manager.getRepository(Organization).save({ name });
      const adminKey = await this.apiKeys.issue(
        { organizationId: organization.id, name: 'organization admin', scopes: ORGANIZATION_SCOPES },
        manager,
      );
      if (withinWrite) await withinWrite(manager, { organization, adminKey });
      return { organization, adminKey };
    });
  }

  async exists(id: string): Promise<boolean> {
    return this.dataSource.getRepository(Organization).existsBy({ id });
  }
}
