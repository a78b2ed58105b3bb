import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Req,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { OrganizationId, RequireScopes } from '../../common/auth/auth.decorators.js';
import { storeWithWrite } from '../../common/idempotency/idempotency-claim.js';
import { IdempotencyInterceptor } from '../../common/idempotency/idempotency.interceptor.js';
import { ErrorBodyDto } from '../../common/errors/error-body.dto.js';
import { DEFAULT_PAGE_SIZE, toPage } from '../../common/pagination/cursor.js';
import { PageQueryDto } from '../../common/pagination/page-query.dto.js';
import {
  CreateWebhookDto,
  ListWebhookDeliveriesQueryDto,
  RecoverWebhookDto,
  UpdateWebhookDto,
  WebhookDeliveryDto,
  WebhookDeliveryPageDto,
  WebhookDto,
  WebhookPageDto,
  WebhookRecoveryDto,
  WebhookTestDto,
  WebhookWithSecretDto,
} from './dto/webhook.dto.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { RECOVER_MAX_EVENTS, RECOVER_MAX_WINDOW_DAYS } from './webhook-recovery.js';
import { webhookDeliveryNotFound, webhookNotFound } from './webhooks.errors.js';
import { presentDelivery, presentWebhook, presentWebhookWithSecret } from './webhooks.presenter.js';
import { WebhooksService } from './webhooks.service.js';

export const WebhookIdPipe = new ParseUUIDPipe({ exceptionFactory: () => webhookNotFound() });
export const DeliveryIdPipe = new ParseUUIDPipe({ exceptionFactory: () => webhookDeliveryNotFound() });

const URL_ERRORS =
  'WEBHOOK_URL_INVALID (not http(s), user:password in it, a fragment), WEBHOOK_URL_NOT_PUBLIC (its host ' +
  'resolves to a private, loopback, link-local, CGNAT, multicast or other internal address), ' +
  'WEBHOOK_URL_UNRESOLVABLE, VALIDATION_FAILED (an unknown event type among others)';

@ApiTags('Webhooks')
@ApiBearerAuth('api-key')
@ApiForbiddenResponse({ type: ErrorBodyDto, description: 'Missing scope webhooks:manage' })
@ApiUnprocessableEntityResponse({
  type: ErrorBodyDto,
  description: 'VALIDATION_FAILED, with every field in `details`',
})
@Controller('api/v1/webhooks')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly deliveries: WebhookDeliveriesService,
  ) {}

  @Post()
  @RequireScopes('webhooks:manage')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiOperation({
    summary: 'Create a webhook endpoint',
    description:
      'The response holds the signing `secret`, shown this once (and again only by rotate-secret). Every ' +
      'event is POSTed as `{id, type, timestamp, data}`, signed per Standard Webhooks (webhook-id, ' +
      'webhook-timestamp, webhook-signature headers). With an `Idempotency-Key`, a retry within 24 h ' +
      'replays the first response as it was, secret included: a client that lost the answer gets the ' +
      'endpoint and its secret, not a second endpoint.',
  })
  @ApiCreatedResponse({ type: WebhookWithSecretDto })
  @ApiUnprocessableEntityResponse({ type: ErrorBodyDto, description: URL_ERRORS })
  async create(
    @OrganizationId() organizationId: string,
    @Body() body: CreateWebhookDto,
    @Req() req: Request,
  ): Promise<WebhookWithSecretDto> {
    return presentWebhookWithSecret(
      await this.webhooks.create(organizationId, body, storeWithWrite(req, presentWebhookWithSecret)),
    );
  }

  @Get()
  @RequireScopes('webhooks:manage')
  @ApiOperation({ summary: "The organization's webhook endpoints, oldest first, by pages (cursor)" })
  @ApiOkResponse({ type: WebhookPageDto })
  async list(
    @OrganizationId() organizationId: string,
    @Query() query: PageQueryDto,
  ): Promise<WebhookPageDto> {
    const { rows, nextCursor } = await this.webhooks.list(organizationId, {
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
    });
    return toPage(rows, nextCursor, presentWebhook);
  }

  @Get(':id')
  @RequireScopes('webhooks:manage')
  @ApiOperation({ summary: 'Get a webhook endpoint (never its secret)' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'WEBHOOK_NOT_FOUND' })
  async get(
    @OrganizationId() organizationId: string,
    @Param('id', WebhookIdPipe) id: string,
  ): Promise<WebhookDto> {
    return presentWebhook(await this.webhooks.get(organizationId, id));
  }

  @Patch(':id')
  @RequireScopes('webhooks:manage')
  @ApiOperation({ summary: 'Change a webhook endpoint: url, events, description, enabled' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'WEBHOOK_NOT_FOUND' })
  @ApiUnprocessableEntityResponse({ type: ErrorBodyDto, description: URL_ERRORS })
  async update(
    @OrganizationId() organizationId: string,
    @Param('id', WebhookIdPipe) id: string,
    @Body() body: UpdateWebhookDto,
  ): Promise<WebhookDto> {
    return presentWebhook(await this.webhooks.update(organizationId, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('webhooks:manage')
  @ApiOperation({ summary: 'Delete a webhook endpoint, its delivery log and its pending attempts' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'WEBHOOK_NOT_FOUND' })
  async delete(
    @OrganizationId() organizationId: string,
    @Param('id', WebhookIdPipe) id: string,
  ): Promise<void> {
    await this.webhooks.delete(organizationId, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @RequireScopes('webhooks:manage')
  @ApiOperation({
    summary: 'Replace the signing secret',
    description: 'The new secret is shown in this response only; the old one stops signing at once.',
  })
  @ApiOkResponse({ type: WebhookWithSecretDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'WEBHOOK_NOT_FOUND' })
  async rotateSecret(
    @OrganizationId() organizationId: string,
    @Param('id', WebhookIdPipe) id: string,
  ): Promise<WebhookWithSecretDto> {
    return presentWebhookWithSecret(await this.webhooks.rotateSecret(organizationId, id));
  }

  @Post(':id/test')
  @HttpCode(202)
  @RequireScopes('webhooks:manage')
  @ApiOperation({
    summary: 'Send a `webhook.test` event to this endpoint',
    description:
      'Delivered in the background like any event, even to a disabled endpoint; see its deliveries.',
  })
  @ApiAcceptedResponse({ type: WebhookTestDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'WEBHOOK_NOT_FOUND' })
  async test(
    @OrganizationId() organizationId: string,
    @Param('id', WebhookIdPipe) id: string,
  ): Promise<WebhookTestDto> {
    return { eventId: await this.webhooks.sendTest(organizationId, id) };
  }

  @Get(':id/deliveries')
  @RequireScopes('webhooks:manage')
  @ApiOperation({
    summary: "The endpoint's delivery attempts, newest first, by pages (cursor)",
    description: '`status` lists only the attempts in that status: `failed` shows what was given up.',
  })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'WEBHOOK_NOT_FOUND' })
  async deliveriesOf(
    @OrganizationId() organizationId: string,
    @Param('id', WebhookIdPipe) id: string,
    @Query() query: ListWebhookDeliveriesQueryDto,
  ): Promise<WebhookDeliveryPageDto> {
    const { rows, nextCursor } = await this.deliveries.list(organizationId, id, {
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
      status: query.status,
    });
    return toPage(rows, nextCursor, presentDelivery);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @RequireScopes('webhooks:manage')
  @ApiOperation({
    summary: 'Send the event of a delivery again',
    description:
      'A new series of attempts (attempt 1, `redeliveryOf` set) with the same webhook-id and body, a new ' +
      'timestamp and signature.',
  })
  @ApiAcceptedResponse({ type: WebhookDeliveryDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'WEBHOOK_NOT_FOUND, WEBHOOK_DELIVERY_NOT_FOUND' })
  async redeliver(
    @OrganizationId() organizationId: string,
    @Param('id', WebhookIdPipe) id: string,
    @Param('deliveryId', DeliveryIdPipe) deliveryId: string,
  ): Promise<WebhookDeliveryDto> {
    return presentDelivery(await this.deliveries.redeliver(organizationId, id, deliveryId));
  }

  @Post(':id/recover')
  @HttpCode(202)
  @RequireScopes('webhooks:manage')
  @ApiOperation({
    summary: 'Send again every event given up in a window',
    description:
      'For every event of this endpoint that was never delivered — every scheduled attempt of every ' +
      'series failed, none pending — and whose first attempt was made in [`since`, `until`): a new ' +
      'series, as redeliver starts (same webhook-id and body). All or nothing, in one transaction. Running ' +
      'it again while they are pending (or once delivered) starts nothing for them. At most ' +
      `${RECOVER_MAX_WINDOW_DAYS} days and ${RECOVER_MAX_EVENTS} events per call.`,
  })
  @ApiAcceptedResponse({ type: WebhookRecoveryDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'WEBHOOK_NOT_FOUND' })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'WEBHOOK_DISABLED: the endpoint is disabled (by a 410 or PATCH); enable it first',
  })
  @ApiUnprocessableEntityResponse({
    type: ErrorBodyDto,
    description:
      'VALIDATION_FAILED (not a date-time with its time zone), WEBHOOK_RECOVER_WINDOW_INVALID (`since` ' +
      `not before \`until\`, or more than ${RECOVER_MAX_WINDOW_DAYS} days apart), ` +
      `WEBHOOK_RECOVER_TOO_MANY_EVENTS (more than ${RECOVER_MAX_EVENTS}: narrow the window)`,
  })
  async recover(
    @OrganizationId() organizationId: string,
    @Param('id', WebhookIdPipe) id: string,
    @Body() body: RecoverWebhookDto,
  ): Promise<WebhookRecoveryDto> {
    return { recovering: await this.deliveries.recover(organizationId, id, body) };
  }
}
