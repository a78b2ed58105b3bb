import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository, type EntityManager } from 'typeorm';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';

@Injectable()
export class WebhooksRepository {
  constructor(@InjectRepository(WebhookEndpoint) private readonly endpoints: Repository<WebhookEndpoint>) {}

  insert(
    endpoint: Pick<
      WebhookEndpoint,
      'organizationId' | 'url' | 'events' | 'description' | 'enabled' | 'secret'
    >,
    manager: EntityManager = this.endpoints.manager,
  ): Promise<WebhookEndpoint> {
    const repo = manager.getRepository(WebhookEndpoint);
    return repo.save(repo.create(endpoint));
  }

  /** The organization's own endpoints only: a managed one (a store's callback) is not the webhook routes'. */
  findOneForOrganization(organizationId: string, id: string): Promise<WebhookEndpoint | null> {
    return this.endpoints.findOne({ where: { organizationId, id, managedBy: IsNull() } });
  }

  /** Updates and returns the row, or null when the organization has no such endpoint. */
  async update(
    organizationId: string,
    id: string,
    changes: Partial<Pick<WebhookEndpoint, 'url' | 'events' | 'description' | 'enabled' | 'secret'>>,
  ): Promise<WebhookEndpoint | null> {
    if (Object.keys(changes).length > 0) {
      await this.endpoints.update({ organizationId, id, managedBy: IsNull() }, changes);
    }
    return this.findOneForOrganization(organizationId, id);
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    const result = await this.endpoints.delete({ organizationId, id, managedBy: IsNull() });
    return (result.affected ?? 0) > 0;
  }

  /** One page, oldest first, by keyset on (created_at, id). */
  async findPageForOrganization(
    organizationId: string,
    page: { limit: number; after?: { createdAt: string; id: string } },
  ): Promise<{ rows: WebhookEndpoint[]; hasMore: boolean }> {
    const qb = this.endpoints
      .createQueryBuilder('w')
      .where('w.organization_id = :organizationId', { organizationId })
      .andWhere('w.managed_by IS NULL');
    if (page.after) {
      qb.andWhere('(w.created_at, w.id) > (:createdAt, :id)', page.after);
    }
    const rows = await qb
      .orderBy('w.created_at', 'ASC')
      .addOrderBy('w.id', 'ASC')
      .limit(page.limit + 1)
      .getMany();
    const hasMore = rows.length > page.limit;
    return { rows: hasMore ? rows.slice(0, page.limit) : rows, hasMore };
  }
}
