import { Controller, Get, Header, Headers, NotFoundException, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../../common/auth/auth.decorators.js';
import { checkoutInvoiceNotFound } from '../checkout.errors.js';
import { negotiateLanguage } from './accept-language.js';
import type { CheckoutLightningInvoice } from './checkout-lightning.js';
import { CHECKOUT_ASSETS } from './checkout-page.assets.js';
import { CheckoutPageService } from './checkout-page.service.js';
import { renderCheckoutPage, renderNotFoundPage } from './checkout-page.template.js';
import { CHECKOUT_TEXTS } from './checkout-page.texts.js';
import type { CheckoutPublicStatus } from './checkout-status.js';

/**
 * The page's own policy, stricter than the API's (app.setup.ts): nothing but our stylesheet, our script
 * and its polling of the status; no inline script or style, no plugin, no frame, no form, no <base>.
 * img-src data: is the empty favicon's (else the browser asks for /favicon.ico); the QR code is inline
 * SVG markup, which needs no source.
 */
export const CHECKOUT_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  'img-src data:',
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** What the page and the 404 page answer with, over helmet's defaults. */
function pageHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', CHECKOUT_PAGE_CSP);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Robots-Tag', 'noindex, nofollow');
  res.vary('Accept-Language');
  res.type('html');
}

/**
 * The hosted checkout page (issue 11 §6): public, the invoice's uuid is the capability. HTML for people,
 * so outside the OpenAPI document; the README describes it.
 */
@ApiExcludeController()
@Public()
@Controller('checkout')
export class CheckoutPageController {
  constructor(private readonly page: CheckoutPageService) {}

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() res: Response): void {
    const asset = Object.hasOwn(CHECKOUT_ASSETS, name)
      ? CHECKOUT_ASSETS[name as keyof typeof CHECKOUT_ASSETS]
      : undefined;
    if (!asset) throw new NotFoundException();
    res.setHeader('Content-Type', asset.contentType);
    // Linked with ?v=<its hash>: a new version has a new URL.
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.setHeader('ETag', `"${asset.version}"`);
    res.send(asset.body);
  }

  @Get(':invoiceId')
  async show(
    @Param('invoiceId') invoiceId: string,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const language = negotiateLanguage(acceptLanguage);
    const view = await this.page.view(invoiceId);
    pageHeaders(res);
    if (!view) {
      res.status(404).send(renderNotFoundPage(language));
      return;
    }
    res.status(200).send(renderCheckoutPage(view, language));
  }

  /**
   * What the page's script polls: the status, the time left and what is still due; nothing about the
   * customer or the merchant. Unknown or malformed ids: 404 CHECKOUT_INVOICE_NOT_FOUND.
   */
  @Get(':invoiceId/status')
  @Header('Cache-Control', 'no-store')
  @Header('Referrer-Policy', 'no-referrer')
  async status(@Param('invoiceId') invoiceId: string): Promise<CheckoutPublicStatus> {
    const status = await this.page.status(invoiceId);
    if (!status) throw checkoutInvoiceNotFound();
    return status;
  }

  /**
   * The page's "Lightning" choice: a BOLT #11 for what is still due, with its QR code (the script inserts
   * that SVG, so the page needs no QR library and its CSP stays as is). 201 when issued, 200 with the
   * open invoice for the same amount. No credentials: the invoice's uuid is the capability, as for the
   * page. 404 unknown or malformed id, or no Lightning backend; 409 nothing to pay; 503 unavailable.
   */
  @Post(':invoiceId/lightning')
  @Header('Cache-Control', 'no-store')
  @Header('Referrer-Policy', 'no-referrer')
  async lightning(
    @Param('invoiceId') invoiceId: string,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CheckoutLightningInvoice> {
    const t = CHECKOUT_TEXTS[negotiateLanguage(acceptLanguage)];
    const { invoice, created } = await this.page.lightning(invoiceId, t.lightningQrLabel);
    res.status(created ? 201 : 200);
    res.vary('Accept-Language');
    return invoice;
  }
}
