import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIBAN, IsISO4217CurrencyCode, IsOptional, IsString, Length } from 'class-validator';
import { Trim } from '../../../common/validation/trim.decorator.js';

export class CreateBankAccountDto {
  @ApiProperty({ example: 'Compte courant BNP', minLength: 1, maxLength: 200 })
  @Trim()
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({
    example: 'FR76 3000 4001 2300 0123 4567 843',
    description:
      'Spaces and case do not matter; checked by its check digits. Statements for another IBAN are refused.',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.replace(/\s+/g, '').toUpperCase() : value,
  )
  @IsIBAN()
  iban?: string;

  @ApiPropertyOptional({ example: 'EUR', default: 'EUR', description: 'ISO 4217' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toUpperCase() : value,
  )
  @IsISO4217CurrencyCode()
  currency?: string;
}

export class BankAccountDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Compte courant BNP' })
  name: string;

  @ApiProperty({ type: String, nullable: true, example: 'FR7630004001230001234567843' })
  iban: string | null;

  @ApiProperty({ example: 'EUR' })
  currency: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class BankAccountPageDto {
  @ApiProperty({ type: [BankAccountDto] })
  data: BankAccountDto[];

  @ApiProperty()
  has_more: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page' })
  next_cursor: string | null;
}
