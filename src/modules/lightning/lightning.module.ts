import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config.js';
import { DevInvoicesController } from './dev/dev-invoices.controller.js';
import { DevLightningBackend, devNodeKey } from './dev/dev-lightning-backend.js';
import { LightningBackend, NoLightningBackend } from './lightning-backend.js';
import { LndLightningBackend } from './lnd/lnd-lightning-backend.js';

/**
 * Lightning invoices behind one port, LightningBackend, whose driver LIGHTNING_BACKEND picks. The dev
 * settle route exists only with the dev backend. Global: the modules that issue invoices inject the port.
 */
@Module({})
export class LightningModule implements OnApplicationShutdown {
  constructor(@Inject(LightningBackend) private readonly backend: LightningBackend) {}

  static forRoot(config: AppConfig): DynamicModule {
    const lightning = config.lightning;
    if (lightning.backend === 'dev') {
      return {
        module: LightningModule,
        global: true,
        controllers: [DevInvoicesController],
        providers: [
          {
            provide: DevLightningBackend,
            inject: [getDataSourceToken()],
            useFactory: async (dataSource: DataSource) =>
              new DevLightningBackend(dataSource, await devNodeKey(dataSource)),
          },
          { provide: LightningBackend, useExisting: DevLightningBackend },
        ],
        exports: [LightningBackend],
      };
    }
    return {
      module: LightningModule,
      global: true,
      providers: [
        {
          provide: LightningBackend,
          useFactory: () =>
            lightning.backend === 'lnd' ? new LndLightningBackend(lightning.lnd) : new NoLightningBackend(),
        },
      ],
      exports: [LightningBackend],
    };
  }

  onApplicationShutdown(): void {
    if (this.backend instanceof LndLightningBackend) this.backend.close();
  }
}
