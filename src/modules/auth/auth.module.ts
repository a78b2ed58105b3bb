import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminKeyBootstrap } from './admin-key.bootstrap.js';
import { ApiKey } from './api-key.entity.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthenticatorService } from './authenticator.service.js';
import { Organization } from './organization.entity.js';
import { OrganizationsService } from './organizations.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Organization, ApiKey])],
  controllers: [AuthController],
  providers: [
    ApiKeysService,
    OrganizationsService,
    AuthenticatorService,
    AdminKeyBootstrap,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [OrganizationsService],
})
export class AuthModule {}
