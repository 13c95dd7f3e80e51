import { useState } from "react";
import { ApiError } from "../../api/api-error.ts";
import type { AzureCustomer } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { useCurrentUser } from "../../session/session-context.ts";
import { formatDate, formatDateTime } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { RevealCredentialsDialog } from "./reveal-credentials-dialog.tsx";

/** What can be done with the Azure administrator's credentials, said to the one reading. */
function credentialsNote(c: AzureCustomer, myId: string): string {
  if (c.state === "creating" || c.credentials === null)
    return "The Azure customer is being created; its administrator's credentials come once it is.";
  if (c.credentials === "unavailable")
    return "No Azure administrator credentials are kept for this customer.";
  if (c.credentials === "shown")
    return `The Azure administrator's credentials were shown${
      c.credentialsShownAt ? ` on ${formatDateTime(c.credentialsShownAt)}` : ""
    } and cannot be shown again. If they are lost, reset the password in Microsoft Entra ID or ask your partner's support desk.`;
  if (c.createdBy !== myId)
    return "The Azure administrator's credentials can be shown once, to the person who created the first subscription.";
  return "The Azure administrator account made for you can be shown once. It is Owner of every subscription Partner Cloud creates for this organization.";
}

/** The organization's Azure customer (its Microsoft tenant), and its administrator's credentials shown once. */
export function AzureCustomerCard({ orgId }: { orgId: string }) {
  const api = useApi();
  const me = useCurrentUser();
  const customer = useLoad(() => api.azureCustomer.get(orgId), orgId);
  const [revealing, setRevealing] = useState(false);

  if (customer.error instanceof ApiError && customer.error.status === 403) return null;
  const c = customer.data;
  return (
    <section className="card" data-testid="azure-customer" aria-labelledby="azure-customer-heading">
      <h2 id="azure-customer-heading">Azure customer</h2>
      {customer.error ? <LoadError error={customer.error} onRetry={() => void customer.reload()} /> : null}
      {customer.loading && !c ? <p className="muted">Loading…</p> : null}
      {!customer.loading && !customer.error && c === null ? (
        <p className="empty-inline">
          This organization has no Azure customer yet. The first provider created with “Create a new Azure
          customer account” creates it; later ones add subscriptions to it.
        </p>
      ) : null}
      {c ? (
        <>
          <dl className="details">
            <dt>Company</dt>
            <dd>
              {c.companyName}
              {c.state === "creating" ? <span className="badge badge-accent">Being created</span> : null}
            </dd>
            <dt>Domain</dt>
            <dd>{c.domain ? <code>{c.domain}</code> : <span className="muted">Not chosen yet</span>}</dd>
            <dt>Tenant id</dt>
            <dd>{c.tenantId ? <code>{c.tenantId}</code> : <span className="muted">Not created yet</span>}</dd>
            <dt>Created</dt>
            <dd>{formatDate(c.createdAt)}</dd>
          </dl>
          <p className="field-hint" data-testid="azure-credentials-note">
            {credentialsNote(c, me.id)}
          </p>
          {c.state === "active" && c.credentials === "available" && c.createdBy === me.id ? (
            <button type="button" className="btn" onClick={() => setRevealing(true)}>
              Show credentials
            </button>
          ) : null}
          {revealing ? (
            <RevealCredentialsDialog
              orgId={orgId}
              domain={c.domain ?? c.companyName}
              onClose={() => {
                setRevealing(false);
                void customer.reload();
              }}
            />
          ) : null}
        </>
      ) : null}
    </section>
  );
}
