import { Injectable, type PipeTransform } from '@nestjs/common';
import { affectationNotFound } from './affectations.errors.js';

/** Affectation ids are positive 32-bit integers; anything else names no affectation. */
@Injectable()
export class AffectationIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^\d{1,10}$/.test(value)) throw affectationNotFound();
    const id = Number(value);
    if (id < 1 || id > 2_147_483_647) throw affectationNotFound();
    return id;
  }
}
