import { useState } from "react";
import { ApiError } from "../../api/api-error.ts";
import type { AzureCustomer } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { formatDate } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { RevealCredentialsDialog } from "./reveal-credentials-dialog.tsx";

const credentialsNote: Record<NonNullable<AzureCustomer["credentials"]>, string> = {
  available:
    "The Azure administrator account made for you can be shown once. It is Owner of every subscription Partner Cloud creates for this organization.",
  shown:
    "The Azure administrator's credentials were shown once and cannot be shown again. If they are lost, reset the password in the Azure portal or ask your partner's support desk.",
  not_yours:
    "The Azure administrator's credentials belong to the person who created the first subscription; only they can see them.",
  unavailable: "No Azure administrator credentials are kept for this customer.",
};

/** The organization's Azure customer (its Microsoft tenant), and its administrator's credentials shown once. */
export function AzureCustomerCard({ orgId }: { orgId: string }) {
  const api = useApi();
  const customer = useLoad(() => api.azureCustomer.get(orgId), orgId);
  const [revealing, setRevealing] = useState(false);

  if (customer.error instanceof ApiError && customer.error.status === 403) return null;
  return (
    <section className="card" data-testid="azure-customer">
      <h2>Azure customer</h2>
      {customer.error ? <LoadError error={customer.error} onRetry={() => void customer.reload()} /> : null}
      {customer.loading && !customer.data ? <p className="muted">Loading…</p> : null}
      {!customer.loading && !customer.error && customer.data === null ? (
        <p className="empty-inline">
          This organization has no Azure customer yet. The first provider created with “Create a new Azure
          customer account” creates it; later ones add subscriptions to it.
        </p>
      ) : null}
      {customer.data ? (
        <>
          <dl className="details">
            <dt>Company</dt>
            <dd>{customer.data.companyName}</dd>
            <dt>Domain</dt>
            <dd>
              {customer.data.domain ? (
                <code>{customer.data.domain}</code>
              ) : (
                <span className="muted">Not chosen yet</span>
              )}
            </dd>
            <dt>Tenant id</dt>
            <dd>
              {customer.data.tenantId ? (
                <code>{customer.data.tenantId}</code>
              ) : (
                <span className="muted">Not created yet</span>
              )}
            </dd>
            <dt>Created</dt>
            <dd>{formatDate(customer.data.createdAt)}</dd>
          </dl>
          {customer.data.credentials ? (
            <p className="field-hint">{credentialsNote[customer.data.credentials]}</p>
          ) : (
            <p className="field-hint">The Azure customer is still being created.</p>
          )}
          {customer.data.credentials === "available" ? (
            <button type="button" className="btn" onClick={() => setRevealing(true)}>
              Show credentials
            </button>
          ) : null}
          {revealing ? (
            <RevealCredentialsDialog
              orgId={orgId}
              domain={customer.data.domain ?? customer.data.companyName}
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
