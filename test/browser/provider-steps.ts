import assert from "node:assert/strict";
import type { Page } from "playwright-core";

/** From a workspace's page: Providers → New → Microsoft Azure → the option whose label matches `option`. */
export async function startAzureProvider(page: Page, option: RegExp): Promise<void> {
  await page.getByTestId("providers-section").getByRole("link", { name: "New provider" }).click();
  await page.getByRole("heading", { name: "New provider" }).waitFor();
  await page.getByLabel("Microsoft Azure").check();
  assert.ok(
    (await page.getByTestId("provider-options").getByRole("radio").count()) > 1,
    "an administrator sees the optimized options",
  );
  await page.getByLabel(option).check();
}
