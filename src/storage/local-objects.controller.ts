import { pipeline } from 'node:stream/promises';
import { Controller, Get, HttpCode, Inject, Put, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../common/auth/auth.decorators.js';
import { DomainError } from '../common/errors/domain-error.js';
import { safeFileHeaders } from '../common/files/content-disposition.js';
import { FileStorage, isSafeKey, StorageObjectNotFound } from './file-storage.js';
import {
  LOCAL_OBJECTS_PATH,
  LocalFileStorage,
  ObjectAlreadyExists,
  ObjectSizeMismatch,
} from './local-file-storage.js';
import { SignedUrlUses } from './signed-url-uses.js';
import { UrlSigner } from './url-signer.js';

const notFound = () => new DomainError('not_found', 'OBJECT_NOT_FOUND', 'No such object');

/**
 * The local driver's stand-ins for an object store's presigned URLs: a signed PUT streams the body to
 * disk with constant memory, a signed GET streams it back. Public routes: the signature is the access
 * right, checked here (method, path, expiry, size, type), and a PUT URL works once.
 */
@ApiExcludeController()
@Public()
@Controller(LOCAL_OBJECTS_PATH.slice(1))
export class LocalObjectsController {
  constructor(
    @Inject(FileStorage) private readonly storage: FileStorage,
    private readonly signer: UrlSigner,
    private readonly uses: SignedUrlUses,
  ) {}

  @Put('*key')
  @HttpCode(200)
  async put(@Req() req: Request, @Res() res: Response): Promise<void> {
    const { local, key } = this.target(req);
    const signed = this.verify(req, 'PUT');
    const size = Number(signed.size);
    const type = signed.type;
    if ((req.headers['content-type'] ?? '') !== type) {
      throw new DomainError(
        'forbidden',
        'CONTENT_TYPE_MISMATCH',
        `This URL accepts Content-Type: ${type} only`,
      );
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) !== size) {
      throw new DomainError('forbidden', 'CONTENT_LENGTH_MISMATCH', `This URL accepts exactly ${size} bytes`);
    }
    const nonce = signed.nonce;
    if (!(await this.uses.claim(nonce, Number(signed.expires)))) {
      throw new DomainError('forbidden', 'URL_ALREADY_USED', 'This upload URL has already been used');
    }
    try {
      const stored = await local.receive(key, req, size);
      res.setHeader('ETag', `"${stored.sha256}"`);
      res.status(200).end();
    } catch (e) {
      await this.uses.release(nonce);
      if (e instanceof ObjectSizeMismatch) {
        req.resume();
        throw new DomainError('bad_request', 'SIZE_MISMATCH', `The body must be exactly ${size} bytes`);
      }
      if (e instanceof ObjectAlreadyExists) {
        throw new DomainError('forbidden', 'URL_ALREADY_USED', 'This upload URL has already been used');
      }
      throw e;
    }
  }

  @Get('*key')
  async get(@Req() req: Request, @Res() res: Response): Promise<void> {
    const { local, key } = this.target(req);
    const signed = this.verify(req, 'GET');
    const disposition = signed.disposition === 'attachment' ? 'attachment' : 'inline';
    try {
      const object = await local.read(key);
      res.set(
        safeFileHeaders({
          mimeType: signed.type,
          size: object.size,
          fileName: signed.name,
          disposition,
        }),
      );
      await pipeline(object.stream, res);
    } catch (e) {
      if (e instanceof StorageObjectNotFound) throw notFound();
      throw e;
    }
  }

  private target(req: Request): { local: LocalFileStorage; key: string } {
    const key = req.path.slice(LOCAL_OBJECTS_PATH.length + 1);
    if (!(this.storage instanceof LocalFileStorage) || !isSafeKey(key)) throw notFound();
    return { local: this.storage, key };
  }

  /** The query's parameters, all strings once the signature (which covers every one) is valid. */
  private verify(req: Request, method: 'GET' | 'PUT'): Record<string, string> {
    const result = this.signer.check(req.path, req.query, method);
    if (result === 'expired') {
      throw new DomainError('forbidden', 'URL_EXPIRED', 'This signed URL has expired');
    }
    if (result === 'invalid') {
      throw new DomainError('forbidden', 'INVALID_SIGNATURE', 'This signed URL is invalid');
    }
    return req.query as Record<string, string>;
  }
}
