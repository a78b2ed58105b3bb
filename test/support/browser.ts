import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * The system's Chromium (Debian's package), driven by playwright-core: no browser download, which this
 * project's machines cannot do. CHROMIUM_PATH points elsewhere.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_MISSING =
  `Chromium not found at ${CHROMIUM_PATH}: the Swagger UI and checkout page tests need a real browser. ` +
  'Install it with `apt-get update && apt-get install -y chromium` (CI does it in .ci/run) or set CHROMIUM_PATH.';

export function chromiumAvailable(): boolean {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Headless and quiet: no sandbox (tests run as root), no GPU, and nothing that would phone home
 * (background networking, component updates, sync), so the only traffic is to the app on 127.0.0.1.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * `it` when Chromium is there. Without it: under CI (CI=true) a test that fails with how to install it,
 * so a CI machine without a browser cannot pass by skipping; elsewhere a skipped test and a warning that
 * says what was not checked.
 */
export function itWithChromium(name: string, fn: () => Promise<void>, timeout?: number): void {
  if (chromiumAvailable()) {
    it(name, fn, timeout);
  } else if (process.env.CI === 'true') {
    it(name, () => {
      throw new Error(CHROMIUM_MISSING);
    });
  } else {
    console.warn(`SKIPPED "${name}": ${CHROMIUM_MISSING}`);
    it.skip(name, fn);
  }
}
