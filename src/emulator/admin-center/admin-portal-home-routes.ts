import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { html, htmlPage, SafeHtml } from "../entra/html.ts";

const GDAP_PAGE = "/admin/granular-admin-relationships/";
const INVITATION_PAGE = "/admin/partner-invitation";

/**
 * The part after `#` never reaches a server, so only the page's script can route on it: a GDAP approval
 * (`#/partners/invitation/granularAdminRelationships/{id}`) goes to the emulator's approval page, a reseller
 * invitation (`?invType=…#/BillingAccounts/partner-invitation`) to its invitation page with the same query.
 * Relationship ids are GUIDs joined by `-`, so nothing else is taken for one.
 */
export const ADMIN_PORTAL_SCRIPT = `(function () {
  var hash = location.hash;
  var gdap = /^#\\/partners\\/invitation\\/granularAdminRelationships\\/([A-Za-z0-9-]{1,100})\\/?$/.exec(hash);
  if (gdap) {
    location.replace(${JSON.stringify(GDAP_PAGE)} + gdap[1]);
  } else if (/^#\\/BillingAccounts\\/partner-invitation\\/?$/.test(hash) && /[?&]invType=/.test(location.search)) {
    location.replace(${JSON.stringify(INVITATION_PAGE)} + location.search);
  }
})();`;

const SCRIPT_HASH = createHash("sha256").update(ADMIN_PORTAL_SCRIPT).digest("base64");
/** Built apart from the page's markup, so the script's text (which the policy's hash covers) is exactly this. */
const SCRIPT_ELEMENT = new SafeHtml(`<script>${ADMIN_PORTAL_SCRIPT}</script>`);

/**
 * `admin.microsoft.com/AdminPortal/Home` (also `/Adminportal/Home`: Microsoft's links use both casings), where the
 * links partners send customers' administrators start (microsoft-apis.md §B8.1, §B8.3). Its script sends the
 * browser to the emulator's page for the link's fragment; without script the page offers the links it can.
 */
export function adminPortalHomeRoutes(app: FastifyInstance) {
  for (const url of ["/AdminPortal/Home", "/Adminportal/Home"])
    app.get(url, async (req, reply) => {
      const query = new URL(req.url, "https://admin.invalid").search;
      const invitation = new URLSearchParams(query).has("invType");
      const body = html`<h1>Microsoft 365 admin center</h1>
        <p role="status">Opening the page this link is for…</p>
        <h2>If nothing happens</h2>
        <ul>
          ${
            invitation
              ? html`<li>
                  <a href="${INVITATION_PAGE}${query}"
                    >Review the partner's invitation to a reseller relationship</a
                  >
                </li>`
              : ""
          }
          <li>
            A partner's request for administrative access (GDAP): open
            <code>${GDAP_PAGE}{id}</code> with the id at the end of the link you received
            (<code>…#/partners/invitation/granularAdminRelationships/{id}</code>).
          </li>
        </ul>
        ${SCRIPT_ELEMENT}`;
      return reply
        .code(200)
        .type("text/html; charset=utf-8")
        .header("cache-control", "no-store")
        .header("x-frame-options", "DENY")
        .header(
          "content-security-policy",
          `default-src 'none'; script-src 'sha256-${SCRIPT_HASH}'; style-src 'unsafe-inline'; frame-ancestors 'none'`,
        )
        .send(htmlPage("Microsoft 365 admin center", body));
    });
}
