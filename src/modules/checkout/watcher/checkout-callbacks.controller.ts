import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { OrganizationId, RequireScopes } from '../../../common/auth/auth.decorators.js';
import { ErrorBodyDto } from '../../../common/errors/error-body.dto.js';
import { DEFAULT_PAGE_SIZE, toPage } from '../../../common/pagination/cursor.js';
import { PageQueryDto } from '../../../common/pagination/page-query.dto.js';
import { WebhookDeliveryDto, WebhookDeliveryPageDto } from '../../webhooks/dto/webhook.dto.js';
import { WebhookDeliveriesService } from '../../webhooks/webhook-deliveries.service.js';
import { DeliveryIdPipe } from '../../webhooks/webhooks.controller.js';
import { webhookDeliveryNotFound } from '../../webhooks/webhooks.errors.js';
import { presentDelivery } from '../../webhooks/webhooks.presenter.js';
import { WebhooksService } from '../../webhooks/webhooks.service.js';
import { StoreIdPipe } from '../checkout-stores.controller.js';
import { CheckoutStoresRepository } from '../checkout-stores.repository.js';
import { storeNotFound } from '../checkout.errors.js';
import { STORE_CALLBACK } from './checkout-payments.service.js';

/**
 * A store's callbacks (seed 003 "Invoice webhook"): the delivery log of its callbackUrl, and redelivery.
 * They go through the webhook outbox as a managed endpoint (hidden from /api/v1/webhooks).
 */
@ApiTags('Checkout')
@ApiBearerAuth('api-key')
@Controller('api/v1/checkout/stores/:storeId/callbacks')
export class CheckoutCallbacksController {
  constructor(
    private readonly stores: CheckoutStoresRepository,
    private readonly webhooks: WebhooksService,
    private readonly deliveries: WebhookDeliveriesService,
  ) {}

  @Get()
  @RequireScopes('checkout:read')
  @ApiOperation({
    summary: "A store's callback deliveries, newest first",
    description:
      'Every attempt to POST an invoice object to the callbackUrl: its status, response and next attempt. ' +
      'Empty while the store never had a callbackUrl or no invoice changed yet.',
  })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'CHECKOUT_STORE_NOT_FOUND' })
  async list(
    @OrganizationId() organizationId: string,
    @Param('storeId', StoreIdPipe) storeId: string,
    @Query() query: PageQueryDto,
  ): Promise<WebhookDeliveryPageDto> {
    const endpoint = await this.endpointOf(organizationId, storeId);
    if (!endpoint) return { data: [], has_more: false, next_cursor: null };
    const { rows, nextCursor } = await this.deliveries.listManaged(endpoint, {
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
    });
    return toPage(rows, nextCursor, presentDelivery);
  }

  @Post(':deliveryId/redeliver')
  @HttpCode(202)
  @RequireScopes('checkout:write')
  @ApiOperation({
    summary: 'Send a callback again',
    description:
      'A new series of attempts with the same webhook-id and body (the invoice as it was then), a new ' +
      "timestamp and a signature by the store's current secret, to its current callbackUrl.",
  })
  @ApiAcceptedResponse({ type: WebhookDeliveryDto })
  @ApiNotFoundResponse({
    type: ErrorBodyDto,
    description: 'CHECKOUT_STORE_NOT_FOUND, WEBHOOK_DELIVERY_NOT_FOUND',
  })
  async redeliver(
    @OrganizationId() organizationId: string,
    @Param('storeId', StoreIdPipe) storeId: string,
    @Param('deliveryId', DeliveryIdPipe) deliveryId: string,
  ): Promise<WebhookDeliveryDto> {
    const endpoint = await this.endpointOf(organizationId, storeId);
    if (!endpoint) throw webhookDeliveryNotFound();
    return presentDelivery(await this.deliveries.redeliverManaged(endpoint, deliveryId));
  }

  private async endpointOf(organizationId: string, storeId: string) {
    if (!(await this.stores.findOneForOrganization(organizationId, storeId))) throw storeNotFound();
    return this.webhooks.findManaged(organizationId, STORE_CALLBACK, storeId);
  }
}
