import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { OrganizationId, RequireScopes } from '../../common/auth/auth.decorators.js';
import { ErrorBodyDto } from '../../common/errors/error-body.dto.js';
import {
  IdempotencyInterceptor,
  IdempotencyRedacts,
} from '../../common/idempotency/idempotency.interceptor.js';
import { DEFAULT_PAGE_SIZE, toPage } from '../../common/pagination/cursor.js';
import { PageQueryDto } from '../../common/pagination/page-query.dto.js';
import { presentStore, presentStoreWithSecret } from './checkout-store.presenter.js';
import { CheckoutStoresService } from './checkout-stores.service.js';
import { storeNotFound } from './checkout.errors.js';
import {
  CreateStoreDto,
  StoreDto,
  StorePageDto,
  StoreWithSecretDto,
  UpdateStoreDto,
} from './dto/store.dto.js';

export const StoreIdPipe = new ParseUUIDPipe({ exceptionFactory: () => storeNotFound() });

const INPUT_ERRORS =
  'VALIDATION_FAILED (every field in `details`; derivationScheme: private key, multisig key, bad checksum, ' +
  'wrong length or depth, xpub/tpub without addressType), WEBHOOK_URL_INVALID / WEBHOOK_URL_NOT_PUBLIC / ' +
  'WEBHOOK_URL_UNRESOLVABLE (callbackUrl)';

@ApiTags('Checkout')
@ApiBearerAuth('api-key')
@Controller('api/v1/checkout/stores')
export class CheckoutStoresController {
  constructor(private readonly stores: CheckoutStoresService) {}

  @Post()
  @RequireScopes('checkout:write')
  @UseInterceptors(IdempotencyInterceptor)
  @IdempotencyRedacts('callbackSecret')
  @ApiOperation({
    summary: 'Create a Bitcoin checkout store',
    description:
      'The response holds the callback signing secret `callbackSecret`, shown this once (and again only ' +
      'by rotate-secret; an Idempotency-Key replay shows it as null).',
  })
  @ApiCreatedResponse({ type: StoreWithSecretDto })
  @ApiUnprocessableEntityResponse({ type: ErrorBodyDto, description: INPUT_ERRORS })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'CHECKOUT_STORE_KEY_IN_USE: another store of the organization has this key',
  })
  async create(
    @OrganizationId() organizationId: string,
    @Body() body: CreateStoreDto,
  ): Promise<StoreWithSecretDto> {
    return presentStoreWithSecret(await this.stores.create(organizationId, body));
  }

  @Get()
  @RequireScopes('checkout:read')
  @ApiOperation({ summary: "The organization's checkout stores, oldest first, by pages (cursor)" })
  @ApiOkResponse({ type: StorePageDto })
  async list(@OrganizationId() organizationId: string, @Query() query: PageQueryDto): Promise<StorePageDto> {
    const { rows, nextCursor } = await this.stores.list(organizationId, {
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
    });
    return toPage(rows, nextCursor, presentStore);
  }

  @Get(':storeId')
  @RequireScopes('checkout:read')
  @ApiOperation({ summary: 'Get a checkout store (never its callback secret)' })
  @ApiOkResponse({ type: StoreDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'CHECKOUT_STORE_NOT_FOUND' })
  async get(
    @OrganizationId() organizationId: string,
    @Param('storeId', StoreIdPipe) storeId: string,
  ): Promise<StoreDto> {
    return presentStore(await this.stores.get(organizationId, storeId));
  }

  @Patch(':storeId')
  @RequireScopes('checkout:write')
  @ApiOperation({
    summary: 'Change a checkout store',
    description:
      'Applies to invoices made from now on (each invoice keeps the terms it was made with). The key ' +
      '(derivationScheme, addressType) cannot change once an address was handed out.',
  })
  @ApiOkResponse({ type: StoreDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'CHECKOUT_STORE_NOT_FOUND' })
  @ApiUnprocessableEntityResponse({ type: ErrorBodyDto, description: INPUT_ERRORS })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'CHECKOUT_STORE_KEY_LOCKED (addresses were handed out), CHECKOUT_STORE_KEY_IN_USE',
  })
  async update(
    @OrganizationId() organizationId: string,
    @Param('storeId', StoreIdPipe) storeId: string,
    @Body() body: UpdateStoreDto,
  ): Promise<StoreDto> {
    return presentStore(await this.stores.update(organizationId, storeId, body));
  }

  @Post(':storeId/rotate-secret')
  @HttpCode(200)
  @RequireScopes('checkout:write')
  @ApiOperation({
    summary: 'Replace the callback signing secret',
    description: 'The new secret is shown in this response only; the old one stops signing at once.',
  })
  @ApiOkResponse({ type: StoreWithSecretDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'CHECKOUT_STORE_NOT_FOUND' })
  async rotateSecret(
    @OrganizationId() organizationId: string,
    @Param('storeId', StoreIdPipe) storeId: string,
  ): Promise<StoreWithSecretDto> {
    return presentStoreWithSecret(await this.stores.rotateSecret(organizationId, storeId));
  }
}
