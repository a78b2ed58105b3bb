import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiKeysService, ORGANIZATION_SCOPES, type IssuedKey } from './api-keys.service.js';
import { Organization } from './organization.entity.js';

@Injectable()
export class OrganizationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /** A new organization and its first organization-admin key, in one transaction. */
  async create(name: string): Promise<{ organization: Organization; adminKey: IssuedKey }> {
    return this.dataSource.transaction(async (manager) => {
      const organization = await manager.getRepository(Organization).save({ name });
      const adminKey = await this.apiKeys.issue(
        { organizationId: organization.id, name: 'organization admin', scopes: ORGANIZATION_SCOPES },
        manager,
      );
      return { organization, adminKey };
    });
  }

  async exists(id: string): Promise<boolean> {
    return this.dataSource.getRepository(Organization).existsBy({ id });
  }
}
