import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium, headless, with the flags this network needs (DESIGN.md). Playwright gives it a
 * fresh profile. CI installs it (`.ci/install-chromium.sh`); a missing binary fails loudly.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
