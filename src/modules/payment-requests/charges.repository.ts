import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository, type EntityManager } from 'typeorm';
import { Charge } from './charge.entity.js';

@Injectable()
export class ChargesRepository {
  constructor(@InjectRepository(Charge) private readonly charges: Repository<Charge>) {}

  /** The request's charges (voided ones included), oldest first; in `manager`'s transaction when given. */
  forRequest(paymentRequestId: string, manager?: EntityManager): Promise<Charge[]> {
    return (manager?.getRepository(Charge) ?? this.charges).find({
      where: { paymentRequestId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** The charges of several requests, by request id (for a page of requests, in one query). */
  async forRequests(paymentRequestIds: string[]): Promise<Map<string, Charge[]>> {
    const byRequest = new Map<string, Charge[]>(paymentRequestIds.map((id) => [id, []]));
    if (paymentRequestIds.length === 0) return byRequest;
    const rows = await this.charges.find({
      where: { paymentRequestId: In(paymentRequestIds) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    for (const row of rows) byRequest.get(row.paymentRequestId)?.push(row);
    return byRequest;
  }

  insert(manager: EntityManager, fields: Omit<Charge, 'id'>): Promise<Charge> {
    const repository = manager.getRepository(Charge);
    return repository.save(repository.create(fields));
  }

  save(manager: EntityManager, charge: Charge): Promise<Charge> {
    return manager.getRepository(Charge).save(charge);
  }

  async delete(manager: EntityManager, charge: Charge): Promise<void> {
    await manager.getRepository(Charge).delete({ id: charge.id });
  }
}
