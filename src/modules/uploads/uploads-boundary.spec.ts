import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const MODULES = join(import.meta.dirname, '..');
const sources = (module: string): [string, string][] =>
  readdirSync(join(MODULES, module), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
    .map((f) => [f, readFileSync(join(MODULES, module, f), 'utf8')]);

// STYLE.md: payment requests use the uploads module's service, never the reverse, and services reach
// their tables through their repository.
describe('module boundaries', () => {
  it('uploads import nothing of payment requests', () => {
    const offending = sources('uploads')
      .filter(([, text]) => /from '[^']*payment-requests?\//.test(text))
      .map(([file]) => file);
    expect(offending).toEqual([]);
  });

  it('the services of uploads and payment requests send no SQL of their own', () => {
    const offending = ['uploads', 'payment-requests']
      .flatMap((m) => sources(m).map(([file, text]) => [`${m}/${file}`, text]))
      .filter(([file, text]) => file.endsWith('.service.ts') && /\.query\(|createQueryBuilder\(/.test(text))
      .map(([file]) => file);
    expect(offending).toEqual([]);
  });
});
