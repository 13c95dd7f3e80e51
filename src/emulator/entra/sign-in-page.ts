import { html, type SafeHtml } from "./html.ts";

/**
 * Entra's sign-in page, reduced to what a test or a person needs: which app asks, the username and password
 * fields, and the error of a failed attempt. No script; the form posts back to the authorize endpoint with the
 * flow id and its CSRF token.
 */
export function signInPage(input: {
  action: string;
  appName: string;
  flowId: string;
  csrf: string;
  loginHint?: string;
  error?: string;
}): SafeHtml {
  const errorId = "sign-in-error";
  const described = input.error ? errorId : undefined;
  return html`<h1>Sign in</h1>
    <p>to continue to <strong>${input.appName}</strong></p>
    ${input.error ? html`<p class="error" id="${errorId}" role="alert">${input.error}</p>` : ""}
    <form method="post" action="${input.action}">
      <input type="hidden" name="flow" value="${input.flowId}" />
      <input type="hidden" name="csrf" value="${input.csrf}" />
      <label for="login">Email or username</label>
      <input
        type="email"
        id="login"
        name="login"
        autocomplete="username"
        required
        value="${input.loginHint ?? ""}"
        ${described ? html` aria-describedby="${described}"` : ""}
      />
      <label for="passwd">Password</label>
      <input
        type="password"
        id="passwd"
        name="passwd"
        autocomplete="current-password"
        required${described ? html` aria-describedby="${described}"` : ""}
      />
      <div class="actions">
        <button class="primary" type="submit" name="action" value="signin">Sign in</button>
        <button type="submit" name="action" value="cancel" formnovalidate>Cancel</button>
      </div>
    </form>`;
}

/** The page Entra shows instead of redirecting when it cannot trust the request (unknown app, unregistered URI). */
export function errorPage(code: number, message: string): SafeHtml {
  return html`<h1>Sorry, but we're having trouble signing you in.</h1>
    <p class="error" role="alert">AADSTS${code}: ${message}</p>`;
}
