import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** The system Chromium (Debian package); the tests never download a browser. */
export const chromiumPath = "/usr/bin/chromium";

export const hasChromium = existsSync(chromiumPath);

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}
