import { negotiateLanguage } from './accept-language.js';

describe('negotiateLanguage (Accept-Language, RFC 9110 §12.5.4)', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['fr', 'fr'],
    ['fr-FR', 'fr'],
    ['FR-be', 'fr'],
    ['en-GB', 'en'],
    ['de', 'en'],
    ['de, fr;q=0.5', 'fr'],
    ['fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5', 'fr'],
    ['en-US,en;q=0.9,fr;q=0.8', 'en'],
    ['fr;q=0.4, en;q=0.6', 'en'],
    ['en;q=0.4, fr;q=0.6', 'fr'],
    // Equal q: the header's order.
    ['fr;q=0.5, en;q=0.5', 'fr'],
    ['en;q=0.5, fr;q=0.5', 'en'],
    // q=0 refuses a language; the other is then taken.
    ['fr;q=0, *', 'en'],
    ['en;q=0, *;q=0.1', 'fr'],
    ['*', 'en'],
    ['de, *;q=0.1', 'en'],
    // Malformed entries are ignored, not fatal.
    ['fr;q=2, en', 'en'],
    ['fr;q=abc, en;q=0.1', 'en'],
    ['<script>, fr;q=0.3', 'fr'],
    [';;;,,,', 'en'],
  ])('%j → %s', (header, expected) => {
    expect(negotiateLanguage(header)).toBe(expected);
  });
});
