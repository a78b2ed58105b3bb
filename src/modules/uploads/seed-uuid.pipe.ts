import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error.js';
import { SEED_UUID } from '../../common/pagination/uuid.js';

/** Seed 001's path ids: exactly its uuid pattern, else 400 naming the parameter. */
@Injectable()
export class SeedUuidPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (SEED_UUID.test(value)) return value.toLowerCase();
    const field = metadata.data ?? 'id';
    throw new DomainError('bad_request', 'INVALID_UUID', `${field} must be a uuid`, [
      { field, messages: [`${field} must match the uuid pattern`] },
    ]);
  }
}
