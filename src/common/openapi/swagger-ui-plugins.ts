/**
 * Swagger UI plugins, passed in `swaggerOptions.plugins`. @nestjs/swagger writes each function's source
 * into the page's init script, so every function here runs in the browser and must be self-contained:
 * no imports, no closures over this module.
 */

interface SwaggerClientRequest {
  requestContentType?: string;
  requestBody?: unknown;
}

interface SwaggerUiSystem {
  fn: {
    execute: (req: SwaggerClientRequest) => unknown;
    buildRequest: (req: SwaggerClientRequest) => unknown;
  };
}

/**
 * Keeps form fields as typed. swagger-client JSON.parses every multipart and urlencoded field before it
 * sends it, so an amount typed "1000.50" leaves the browser as "1000.5" (and "1.0" as "1"): the receipt
 * would not hold what the form showed. A field whose text would come out of that parse as a different
 * number is handed over JSON-quoted, which the parse turns back into the very text typed. Other fields
 * (text, files, JSON objects typed on purpose) are left to swagger-client.
 */
export function keepFormFieldsAsTyped(): unknown[] {
  const keep = (req: SwaggerClientRequest): SwaggerClientRequest => {
    const body = req.requestBody;
    if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)/.test(req.requestContentType ?? ''))
      return req;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return req;
    const fields: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
      fields[name] = value;
      if (typeof value !== 'string') continue;
      try {
        const parsed: unknown = JSON.parse(value);
        if (typeof parsed === 'number' && String(parsed) !== value) fields[name] = JSON.stringify(value);
      } catch {
        // not JSON: swagger-client sends it as it is
      }
    }
    return { ...req, requestBody: fields };
  };
  const bundle = (globalThis as { SwaggerUIBundle?: { plugins: { DownloadUrl: unknown } } }).SwaggerUIBundle;
  return [
    // Nest's default plugin list, which `plugins` replaces.
    bundle?.plugins.DownloadUrl,
    {
      // Called with the unbound system as `this`, once every plugin's `fn` is in: wrap the client's.
      afterLoad(this: SwaggerUiSystem) {
        const { execute, buildRequest } = this.fn;
        this.fn.execute = (req) => execute(keep(req));
        this.fn.buildRequest = (req) => buildRequest(keep(req));
      },
    },
  ].filter((plugin) => plugin !== undefined);
}
