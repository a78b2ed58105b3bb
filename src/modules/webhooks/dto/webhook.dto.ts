import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/page-query.dto.js';
import { Trim } from '../../../common/validation/trim.decorator.js';
import { WEBHOOK_DELIVERY_STATUSES } from '../webhook-delivery.entity.js';
import { WEBHOOK_EVENT_TYPES } from '../webhook-event-types.js';
import { RECOVER_MAX_EVENTS, RECOVER_MAX_WINDOW_DAYS } from '../webhook-recovery.js';
import { WEBHOOK_URL_MAX_LENGTH } from '../webhook-url.js';

const EVENTS_DESCRIPTION =
  'Event types to receive; every type when absent or empty. An unknown type is refused (422).';

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://example.com/hooks/pieces',
    maxLength: WEBHOOK_URL_MAX_LENGTH,
    description:
      'http or https, without user name or password. Its host must resolve to a public address, checked ' +
      'now and on every delivery.',
  })
  @Trim()
  @IsString()
  @Length(1, WEBHOOK_URL_MAX_LENGTH)
  url: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, isArray: true, description: EVENTS_DESCRIPTION })
  @ValidateIf((_, value) => value !== undefined)
  @IsArray()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events?: string[];

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ default: true })
  @ValidateIf((_, value) => value !== undefined)
  @IsBoolean()
  enabled?: boolean;
}

/**
 * Every field optional; `description: null` clears it. Absent (undefined) skips a field's rules, null
 * does not (IsOptional would let null through to the database).
 */
export class UpdateWebhookDto {
  @ApiPropertyOptional({ maxLength: WEBHOOK_URL_MAX_LENGTH })
  @ValidateIf((_, value) => value !== undefined)
  @Trim()
  @IsString()
  @Length(1, WEBHOOK_URL_MAX_LENGTH)
  url?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, isArray: true, description: EVENTS_DESCRIPTION })
  @ValidateIf((_, value) => value !== undefined)
  @IsArray()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events?: string[];

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500 })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @Trim()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional()
  @ValidateIf((_, value) => value !== undefined)
  @IsBoolean()
  enabled?: boolean;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'https://example.com/hooks/pieces' })
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true, description: 'Empty: every type' })
  events: string[];

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty()
  enabled: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

/** Only in the responses that issue a secret: creation and rotation. */
export class WebhookWithSecretDto extends WebhookDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'Shown only in this response: keep it to verify signatures. `whsec_` + base64 of 32 bytes.',
  })
  secret: string;
}

export class WebhookPageDto {
  @ApiProperty({ type: [WebhookDto] })
  data: WebhookDto[];

  @ApiProperty()
  has_more: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page' })
  next_cursor: string | null;
}

export class WebhookTestDto {
  @ApiProperty({ format: 'uuid', description: 'The event id: the webhook-id header the test arrives with' })
  eventId: string;
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid', description: 'The webhook-id header: the same on every attempt' })
  eventId: string;

  @ApiProperty({ example: 'payment_request.paid' })
  eventType: string;

  @ApiProperty({ description: '1 for the first attempt of a series' })
  attempt: number;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The delivery a redelivery was asked for',
  })
  redeliveryOf: string | null;

  @ApiProperty({ enum: WEBHOOK_DELIVERY_STATUSES })
  status: string;

  @ApiProperty({ type: Number, nullable: true, description: 'null: no response (refused, error, timeout)' })
  responseStatus: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'The first 4 KB of the response body' })
  responseBody: string | null;

  @ApiProperty({ type: String, nullable: true })
  error: string | null;

  @ApiProperty({ type: Number, nullable: true })
  durationMs: number | null;

  @ApiProperty({ format: 'date-time' })
  scheduledAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  attemptedAt: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'After a failure with retries left: when the next attempt runs',
  })
  nextAttemptAt: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class WebhookDeliveryPageDto {
  @ApiProperty({ type: [WebhookDeliveryDto] })
  data: WebhookDeliveryDto[];

  @ApiProperty()
  has_more: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page' })
  next_cursor: string | null;
}

/** No example on the filter: Swagger UI's Try it out would prefill and send it, narrowing the list. */
export class ListWebhookDeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: WEBHOOK_DELIVERY_STATUSES,
    description:
      'Only the attempts in this status (`failed`: every failed attempt, those followed by a retry too; ' +
      'the last of a given-up event has `nextAttemptAt: null`)',
  })
  @IsOptional()
  @IsIn(WEBHOOK_DELIVERY_STATUSES)
  status?: (typeof WEBHOOK_DELIVERY_STATUSES)[number];
}

const TIME_ZONE = /(Z|[+-]\d{2}:\d{2})$/i;

export class RecoverWebhookDto {
  @ApiProperty({
    format: 'date-time',
    example: '2026-11-20T00:00:00Z',
    description: 'Events whose first attempt was made at or after this instant',
  })
  @IsDateString({ strict: true })
  @Matches(TIME_ZONE, { message: 'since must end with a time zone: Z or ±hh:mm' })
  since: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: `…and before this one (now when absent); at most ${RECOVER_MAX_WINDOW_DAYS} days after \`since\``,
  })
  @IsOptional()
  @IsDateString({ strict: true })
  @Matches(TIME_ZONE, { message: 'until must end with a time zone: Z or ±hh:mm' })
  until?: string;
}

export class WebhookRecoveryDto {
  @ApiProperty({
    description: `How many events a new series of attempts was started for (at most ${RECOVER_MAX_EVENTS})`,
  })
  recovering: number;
}
