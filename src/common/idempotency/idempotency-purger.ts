import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { LOGGER } from '../logging/logger.js';
import { IDEMPOTENCY_TTL_HOURS } from './idempotency.interceptor.js';

const EVERY_MS = 60 * 60 * 1000;

/**
 * Forgets idempotency keys past their 24 hours. Each replica runs it; the DELETE is idempotent, so
 * running it twice costs one cheap indexed query (on created_at).
 */
@Injectable()
export class IdempotencyPurger implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge(), EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async purge(): Promise<number> {
    try {
      const [, affected] = await this.dataSource.query<[unknown, number]>(
        `DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`,
        [IDEMPOTENCY_TTL_HOURS],
      );
      return affected;
    } catch (err) {
      this.logger.warn({ err }, 'could not purge expired idempotency keys');
      return 0;
    }
  }
}
