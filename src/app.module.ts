import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { IdempotencyPurger } from './common/idempotency/idempotency-purger.js';
import { LoggingModule } from './common/logging/logging.module.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { dataSourceOptions, runMigrations } from './database/data-source.js';
import { AffectationsModule } from './modules/affectations/affectations.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { LightningPaymentsModule } from './modules/lightning-payments/lightning-payments.module.js';
import { CheckoutModule } from './modules/checkout/checkout.module.js';
import { BankModule } from './modules/bank/bank.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { LightningModule } from './modules/lightning/lightning.module.js';
import { PayToUploadModule } from './modules/pay-to-upload/pay-to-upload.module.js';
import { PaymentRequestsModule } from './modules/payment-requests/payment-requests.module.js';
import { RatesModule } from './modules/rates/rates.module.js';
import { ReceiptsModule } from './modules/receipts/receipts.module.js';
import { UploadsModule } from './modules/uploads/uploads.module.js';
import { WebhooksModule } from './modules/webhooks/webhooks.module.js';
import { EventsModule } from './events/events.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { StorageModule } from './storage/storage.module.js';

@Module({})
export class AppModule {
  /**
   * `databaseUrl` is resolved by the caller (DATABASE_URL, or the embedded server it started).
   * Migrations run as the DataSource opens, under an advisory lock, before anything queries.
   */
  static forRoot(config: AppConfig, databaseUrl: string, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(databaseUrl),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            const applied = await runMigrations(dataSource);
            if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
            return dataSource;
          },
        }),
        JobsModule.forRoot({
          databaseUrl,
          cronCheckSeconds: config.jobs.cronCheckSeconds,
          maintenanceSeconds: config.jobs.maintenanceSeconds,
          stopTimeoutMs: config.jobs.stopTimeoutSeconds * 1000,
        }),
        EventsModule,
        StorageModule,
        AuthModule,
        ReceiptsModule,
        // Before payment requests, which attach its uploads: the spec lists the upload steps first.
        UploadsModule,
        PaymentRequestsModule,
        BankModule,
        AffectationsModule,
        WebhooksModule,
        RatesModule,
        CheckoutModule,
        LightningModule.forRoot(config),
        LightningPaymentsModule,
        PayToUploadModule,
        HealthModule,
      ],
      providers: [IdempotencyPurger],
    };
  }
}
