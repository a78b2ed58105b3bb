/** The languages of the hosted checkout page. */
export const CHECKOUT_LANGUAGES = ['en', 'fr'] as const;
export type CheckoutLanguage = (typeof CHECKOUT_LANGUAGES)[number];

/**
 * English when the customer's browser asks for neither language: the merchants are French, but a
 * customer whose browser does not name French is more likely to read English than French.
 */
export const DEFAULT_CHECKOUT_LANGUAGE: CheckoutLanguage = 'en';

const RANGE = /^([a-z]{1,8}(?:-[a-z0-9]{1,8})*|\*)$/i;
const QUALITY = /^q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i;

/**
 * The page's language from an Accept-Language header (RFC 9110 §12.5.4): each range with its q-value
 * (1 when absent; q=0 means "not this one"), the highest q wins, the header's order breaks ties. `fr-CA`
 * matches French; `*` matches any language the header does not name otherwise. Malformed entries are
 * ignored, as an absent or unusable header gives the default. Pure.
 */
export function negotiateLanguage(header: string | undefined): CheckoutLanguage {
  if (!header) return DEFAULT_CHECKOUT_LANGUAGE;
  const ranges: { tag: string; q: number; order: number }[] = [];
  header.split(',').forEach((part, order) => {
    const [range, ...params] = part.split(';').map((s) => s.trim());
    if (!range || !RANGE.test(range)) return;
    let q = 1;
    for (const param of params) {
      const match = QUALITY.exec(param);
      if (match) q = Number(match[1]);
      else if (/^q=/i.test(param)) return;
    }
    ranges.push({ tag: range.toLowerCase(), q, order });
  });
  const named = new Set(ranges.map((r) => r.tag.split('-')[0]));
  let best: { language: CheckoutLanguage; q: number; order: number } | undefined;
  for (const language of CHECKOUT_LANGUAGES) {
    // The most specific range that names it (fr-CA;q=0.2 with fr;q=0.9: fr-CA speaks for the region only,
    // both are French to this page, so the better of the two counts), else the wildcard's.
    const own = ranges.filter((r) => r.tag === language || r.tag.startsWith(`${language}-`));
    const candidates = own.length > 0 ? own : named.has(language) ? [] : ranges.filter((r) => r.tag === '*');
    for (const r of candidates) {
      if (r.q <= 0) continue;
      if (!best || r.q > best.q || (r.q === best.q && r.order < best.order))
        best = { language, q: r.q, order: r.order };
    }
  }
  return best?.language ?? DEFAULT_CHECKOUT_LANGUAGE;
}
