import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Public } from '../../common/auth/auth.decorators.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { FileStorage } from '../../storage/file-storage.js';

@ApiTags('Health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly storage: FileStorage,
  ) {}

  @Get()
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database and the file storage answer' })
  @ApiOkResponse({ schema: { example: { status: 'ok', checks: { database: 'ok', storage: 'ok' } } } })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; `details` says which' })
  async ready(): Promise<{ status: 'ok'; checks: Record<string, 'ok'> }> {
    const [database, storage] = await Promise.all([
      this.dataSource.query('SELECT 1').then(
        () => 'ok' as const,
        () => 'down' as const,
      ),
      this.storage.checkWritable().then(
        () => 'ok' as const,
        () => 'down' as const,
      ),
    ]);
    if (database !== 'ok' || storage !== 'ok') {
      throw new DomainError('unavailable', 'NOT_READY', 'A dependency is not ready', { database, storage });
    }
    return { status: 'ok', checks: { database, storage } };
  }
}
