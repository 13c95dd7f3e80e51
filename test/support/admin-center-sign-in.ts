import assert from "node:assert/strict";
import type { EmulatorBrowser, PageResponse } from "./emulator-browser.ts";

/**
 * Opens an admin-center page as a person would: the page sends the browser to the emulated Entra sign-in, the
 * user signs in there, and the browser comes back to the page.
 */
export async function openSignedIn(
  browser: EmulatorBrowser,
  url: string,
  user: { userName: string; password: string },
): Promise<PageResponse> {
  const signIn = await browser.follow(await browser.get(url));
  if (!/name="passwd"/.test(signIn.text)) return signIn;
  const form = browser.form(signIn, "Sign in");
  const back = await browser.post(form.action, {
    ...form.fields,
    login: user.userName,
    passwd: user.password,
    action: "signin",
  });
  assert.equal(back.status, 302, back.text);
  return browser.follow(back);
}
