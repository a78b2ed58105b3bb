import { ValidationPipe, type INestApplication, type ValidationError } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { SCOPE_DESCRIPTIONS } from './common/auth/scopes.js';
import { DomainError } from './common/errors/domain-error.js';
import { AllExceptionsFilter } from './common/errors/http-exception.filter.js';
import { ErrorBodyDto } from './common/errors/error-body.dto.js';
import { documentValidationFailures, TAG_DESCRIPTIONS } from './common/openapi/openapi-document.js';
import { keepFormFieldsAsTyped } from './common/openapi/swagger-ui-plugins.js';
import { requestIdOf } from './common/logging/logger.js';
import { bodyParsers } from './common/validation/body-parsers.js';
import { RequestInputInterceptor } from './common/validation/request-input.interceptor.js';
import type { AppConfig } from './config/app-config.js';
import { PAY_TO_UPLOAD_PATHS, seedBodyParsers } from './modules/pay-to-upload/seed-body-parsers.js';

/** Everything main.ts and the e2e tests share: the app is configured in exactly one place. */
export function setupApp(app: NestExpressApplication, config: AppConfig, logger: Logger): void {
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const id = requestIdOf(req);
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url.replace(/([?&]signature=)[^&]+/, '$1[redacted]'),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          // The API may be served over plain HTTP in development (localhost); TLS is the proxy's job.
          upgradeInsecureRequests: null,
        },
      },
      crossOriginResourcePolicy: { policy: 'same-origin' },
    }),
  );
  app.enableCors({
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    credentials: false,
    maxAge: 600,
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'Idempotent-Replayed'],
  });
  // Seed 000 answers every error, a body no parser can read included, as HTTP 200 in its own shape.
  app.use(PAY_TO_UPLOAD_PATHS, ...seedBodyParsers());
  app.use(...bodyParsers());
  app.useGlobalFilters(new AllExceptionsFilter(logger));
  app.useGlobalInterceptors(new RequestInputInterceptor(app.get(Reflector)));
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      transform: true,
      exceptionFactory: (errors) => validationFailed(errors),
    }),
  );
  const document = createOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    swaggerOptions: { persistAuthorization: true, plugins: [keepFormFieldsAsTyped] },
    customSiteTitle: 'Pièces API',
  });
}

export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Pièces API')
    .setDescription(
      'Accounting back office for French small businesses and their bookkeepers: receipts (seed 002 at ' +
        '/invoice), invoice uploads straight to storage (seed 001), payment requests, organizations and API ' +
        'keys. Authenticate with `Authorization: Bearer <API key>` (press Authorize) or an OAuth2 token. ' +
        'Errors: seed 002 answers 422 with a flat French field map; everything else ' +
        '`{statusCode, code, message, details?, requestId}`.',
    )
    .setVersion('1.0.0')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'API key (pk_…) or JWT',
        // Swagger UI adds "Bearer " itself: a key pasted with its prefix would be sent as "Bearer Bearer pk_…".
        description:
          'Paste the key alone (`pk_…`), without `Bearer `: Swagger UI adds it. Clients send ' +
          '`Authorization: Bearer pk_…` (or `Token pk_…`); an OAuth2 access token goes here too.',
      },
      'api-key',
    )
    .addOAuth2(
      {
        type: 'oauth2',
        flows: {
          authorizationCode: {
            // The real endpoints are those of the issuer named by OIDC_ISSUER (its discovery document).
            authorizationUrl: 'https://issuer.example.com/oauth2/authorize',
            tokenUrl: 'https://issuer.example.com/oauth2/token',
            scopes: SCOPE_DESCRIPTIONS,
          },
        },
        description:
          'OAuth2/OIDC access tokens from the issuer configured in OIDC_ISSUER (its authorization and token ' +
          'endpoints replace the example URLs); scopes come from the `scope` claim, the organization from `org_id`.',
      },
      'oauth2',
    );
  for (const [tag, description] of Object.entries(TAG_DESCRIPTIONS)) builder.addTag(tag, description);
  const document = SwaggerModule.createDocument(app, builder.build(), { extraModels: [ErrorBodyDto] });
  documentValidationFailures(document);
  return document;
}

/** DTO validation failures of the /api/v1 resources: 422 with every failing field in `details`. */
function validationFailed(errors: ValidationError[]): DomainError {
  const details = flatten(errors);
  return new DomainError(
    'unprocessable',
    'VALIDATION_FAILED',
    details.map((d) => d.messages.join(', ')).join('; '),
    details,
  );
}

function flatten(errors: ValidationError[], parent = ''): { field: string; messages: string[] }[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}
