// A real Chromium for browser tests (playwright-core driving Debian's build): one launch per file, screenshots under reports/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { resolveChromium } from '../../tools/debian.mjs';

const reportsDir = fileURLToPath(new URL('../../reports/', import.meta.url));

/** Thrown when there is no browser to run: a browser test fails on it, with the one line that says how to get one. */
export class BrowserMissingError extends Error {
  readonly code = 'BROWSER_MISSING';
  constructor(cause: unknown) {
    super(
      `no Chromium for the browser tests: ${cause instanceof Error ? cause.message : String(cause)} ` +
        '(node tools/bootstrap.mjs --need chromium installs it)',
      { cause },
    );
    this.name = 'BrowserMissingError';
  }
}

/**
 * Launches Debian's Chromium headless (Playwright downloads no browser here). `--no-sandbox` because tests may run
 * as root, where Chromium's sandbox refuses to start. A missing browser is a failure with its cause, never a skip:
 * a browser test that did not run must not look like one that passed.
 */
export async function launchBrowser(): Promise<Browser> {
  let executablePath: string;
  try {
    executablePath = resolveChromium();
  } catch (error) {
    throw new BrowserMissingError(error);
  }
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
}

/** Saves what the page shows as `reports/<name>.png` (git-ignored), for a person to look at after the run. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(reportsDir, { recursive: true });
  const path = join(reportsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
