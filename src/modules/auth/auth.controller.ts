import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  CurrentPrincipal,
  OrganizationId,
  PlatformAdminOnly,
  RequireScopes,
} from '../../common/auth/auth.decorators.js';
import type { Request } from 'express';
import type { Principal } from '../../common/auth/principal.js';
import { ErrorBodyDto } from '../../common/errors/error-body.dto.js';
import { storeWithWrite } from '../../common/idempotency/idempotency-claim.js';
import {
  IdempotencyInterceptor,
  IdempotencyRedacts,
} from '../../common/idempotency/idempotency.interceptor.js';
import { presentApiKey, presentIssuedKey, presentOrganization } from './api-key.presenter.js';
import { ApiKeysService, type IssuedKey } from './api-keys.service.js';
import { apiKeyNotFound } from './auth.errors.js';
import {
  ApiKeyListDto,
  CreateApiKeyDto,
  CreatedApiKeyDto,
  CreatedOrganizationDto,
  CreateOrganizationDto,
} from './dto/auth.dto.js';
import type { Organization } from './organization.entity.js';
import { OrganizationsService } from './organizations.service.js';

@ApiTags('Organizations and API keys')
@ApiBearerAuth('api-key')
@ApiForbiddenResponse({ type: ErrorBodyDto })
@Controller('api/v1')
export class AuthController {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  @Post('organizations')
  @PlatformAdminOnly()
  @UseInterceptors(IdempotencyInterceptor)
  @IdempotencyRedacts('apiKey.key')
  @ApiOperation({ summary: 'Create an organization and its first admin API key (platform admin)' })
  @ApiCreatedResponse({ type: CreatedOrganizationDto })
  async createOrganization(
    @Body() body: CreateOrganizationDto,
    @Req() req: Request,
  ): Promise<CreatedOrganizationDto> {
    const present = (created: { organization: Organization; adminKey: IssuedKey }) => ({
      organization: presentOrganization(created.organization),
      apiKey: presentIssuedKey(created.adminKey),
    });
    return present(await this.organizations.create(body.name, storeWithWrite(req, present)));
  }

  @Post('api-keys')
  @RequireScopes('admin')
  @UseInterceptors(IdempotencyInterceptor)
  @IdempotencyRedacts('key')
  @ApiOperation({
    summary: "Create an API key of the caller's organization, with some of the caller's scopes",
  })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  async createApiKey(
    @OrganizationId() organizationId: string,
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateApiKeyDto,
    @Req() req: Request,
  ): Promise<CreatedApiKeyDto> {
    const issued = await this.apiKeys.issueFor(
      principal.scopes,
      {
        organizationId,
        name: body.name,
        scopes: body.scopes,
        expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
      },
      storeWithWrite(req, presentIssuedKey),
    );
    return presentIssuedKey(issued);
  }

  @Get('api-keys')
  @RequireScopes('admin')
  @ApiOperation({ summary: "The organization's live API keys (never their secrets)" })
  @ApiOkResponse({ type: ApiKeyListDto })
  async listApiKeys(@OrganizationId() organizationId: string): Promise<ApiKeyListDto> {
    return { data: (await this.apiKeys.listForOrganization(organizationId)).map(presentApiKey) };
  }

  @Delete('api-keys/:id')
  @HttpCode(204)
  @RequireScopes('admin')
  @ApiOperation({ summary: 'Revoke an API key: it stops working at once' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async revokeApiKey(
    @OrganizationId() organizationId: string,
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => apiKeyNotFound() })) id: string,
  ): Promise<void> {
    await this.apiKeys.revoke(organizationId, id);
  }
}
