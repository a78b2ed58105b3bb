import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../common/logging/logger.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { ApiKeysService } from './api-keys.service.js';

/**
 * ADMIN_API_KEY makes sure a platform-admin key with that value exists (deployments, black-box tests).
 * Without it, the very first boot generates one and prints it once.
 */
@Injectable()
export class AdminKeyBootstrap implements OnApplicationBootstrap {
  constructor(
    private readonly apiKeys: ApiKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.adminApiKey) {
      await this.apiKeys.ensurePlatformAdminKey(this.config.adminApiKey);
      this.logger.info('platform-admin key from ADMIN_API_KEY is active');
      return;
    }
    const generated = await this.apiKeys.createFirstPlatformAdminKey();
    if (generated) {
      this.logger.warn('first boot: a platform-admin API key was generated (printed once on stdout)');
      process.stdout.write(
        [
          '',
          '================================================================================',
          '  Platform-admin API key (shown once, store it now):',
          `  ${generated}`,
          '  Create an organization with it:',
          `  curl -X POST ${this.config.publicUrl}/api/v1/organizations \\`,
          `    -H 'Authorization: Bearer ${generated}' -H 'Content-Type: application/json' \\`,
          `    -d '{"name":"Ma société"}'`,
          '================================================================================',
          '',
        ].join('\n') + '\n',
      );
    }
  }
}
