import { useState } from "react";
import type { BillingAccount } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { Link } from "../../routing/link.tsx";
import { useScope } from "../../scope/scope-context.ts";
import { ConfirmDialog } from "../../ui/confirm-dialog.tsx";
import { EmptyState } from "../../ui/empty-state.tsx";
import { FormError } from "../../ui/form-error.tsx";
import { formatDate, formatDateTime } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { useSubmit } from "../../ui/use-submit.ts";
import { AzureCustomerCard } from "./azure-customer-card.tsx";
import { countryName, loadBillingAccounts } from "./billing-accounts-data.ts";
import { ConnectBillingAccountDialog } from "./connect-billing-account-dialog.tsx";
import { EligibilityBadge, EligibilityReasons } from "./eligibility-reasons.tsx";
import { termsStatusLabel } from "./terms-status.ts";

/**
 * The partner-cloud accounts that pay for the optimized Azure options: of the organization, or of the current cost
 * center (with the organization's own accounts, which every cost center may use).
 */
export function BillingAccountsPage() {
  const api = useApi();
  const { orgId, scope, contexts } = useScope();
  const costCenterId =
    scope?.kind === "cost-center" ? scope.id : scope?.kind === "workspace" ? scope.costCenterId : null;
  const data = useLoad(
    () => (orgId ? loadBillingAccounts(api, orgId) : Promise.resolve(null)),
    `${orgId ?? ""}/${costCenterId ?? ""}`,
  );
  const [connecting, setConnecting] = useState(false);
  const [disconnecting, setDisconnecting] = useState<BillingAccount | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const check = useSubmit(async (account: BillingAccount) => {
    setNotice(null);
    const result = await api.billingAccounts.checkEligibility(account.id);
    const how =
      result.source === "live"
        ? "read again from the partner cloud"
        : `checked on the facts read ${formatDateTime(result.factsReadAt)}${
            result.liveFailure ? ` (${result.liveFailure.message})` : ""
          }`;
    setNotice(`${result.accountAlias} ${how}: ${result.eligible ? "eligible" : "not eligible"}.`);
    await data.reload();
  });

  const ccName = new Map(contexts.costCenters.map((c) => [c.id, c.name]));
  const rows = (data.data?.rows ?? []).filter(
    (r) =>
      costCenterId === null || r.account.costCenterId === null || r.account.costCenterId === costCenterId,
  );

  return (
    <>
      <PageHeader
        title="Billing accounts"
        subtitle={
          <>
            Partner cloud accounts that pay for the optimized Microsoft Azure options
            {scope?.kind === "cost-center" ? ` in cost center ${scope.name}` : ""}. Each needs to be eligible
            and its terms accepted.
          </>
        }
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setConnecting(true)}>
            Connect a partner cloud account
          </button>
        }
      />
      {notice ? (
        <div className="alert alert-success" role="status" data-testid="notice">
          {notice}
        </div>
      ) : null}
      <FormError message={check.formError} />
      {data.error ? <LoadError error={data.error} onRetry={() => void data.reload()} /> : null}
      {data.data && rows.length === 0 ? (
        <EmptyState title="No partner cloud account connected yet">
          <p>
            Connect one with the credentials of its Account Administrator. Its monthly Azure usage is then
            billed to that account.
          </p>
        </EmptyState>
      ) : null}
      {rows.length > 0 ? (
        <table className="table" data-testid="billing-accounts-table">
          <thead>
            <tr>
              <th>Account</th>
              <th>Country</th>
              <th>Status</th>
              <th>Eligibility</th>
              <th>Terms</th>
              <th>Connected</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {rows.map(({ account: a, terms }) => (
              <tr key={a.id} data-alias={a.alias}>
                <td>
                  <strong>{a.alias}</strong> · {a.name}
                  <div className="muted cell-note">
                    {a.costCenterId
                      ? `Cost center ${ccName.get(a.costCenterId) ?? a.costCenterId}`
                      : "Organization"}
                  </div>
                </td>
                <td>{countryName(a.country)}</td>
                <td>
                  <span className={a.status === "active" ? "badge badge-ok" : "badge badge-off"}>
                    {a.status === "active" ? "Active" : "Disabled"}
                  </span>
                </td>
                <td className="cell-wide">
                  <EligibilityBadge eligibility={a.eligibility} />
                  <EligibilityReasons eligibility={a.eligibility} />
                </td>
                <td>
                  <span className={terms.kind === "accepted" ? "badge badge-ok" : "badge badge-warn"}>
                    {termsStatusLabel[terms.kind]}
                  </span>
                  {terms.kind === "none" ? null : (
                    <div className="muted cell-note">
                      v{terms.acceptance.partnerTermsVersion} / v{terms.acceptance.customerAgreementVersion},{" "}
                      {formatDate(terms.acceptance.acceptedAt)}
                    </div>
                  )}
                </td>
                <td>
                  {formatDate(a.connectedAt)}
                  <div className="muted cell-note">as {a.connectedAs}</div>
                </td>
                <td className="row-actions">
                  <Link
                    to={`/billing-accounts/${a.id}/terms`}
                    className="btn btn-small"
                    aria-label={`Review and accept terms for ${a.alias}`}
                  >
                    {terms.kind === "accepted" ? "Terms" : "Review and accept terms"}
                  </Link>
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={check.submitting}
                    onClick={() => void check.run(a)}
                    aria-label={`Check eligibility of ${a.alias}`}
                  >
                    Check eligibility
                  </button>
                  <button
                    type="button"
                    className="btn btn-small btn-danger-quiet"
                    onClick={() => setDisconnecting(a)}
                    aria-label={`Disconnect ${a.alias}`}
                  >
                    Disconnect
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {orgId ? <AzureCustomerCard orgId={orgId} /> : null}
      {connecting && orgId ? (
        <ConnectBillingAccountDialog
          orgId={orgId}
          defaultCostCenterId={costCenterId}
          onClose={() => setConnecting(false)}
          onConnected={(account) => {
            setConnecting(false);
            setNotice(`${account.alias} (${account.name}) is connected.`);
            void data.reload();
          }}
        />
      ) : null}
      {disconnecting ? (
        <ConfirmDialog
          title={`Disconnect ${disconnecting.alias}?`}
          confirmLabel="Disconnect account"
          onClose={() => setDisconnecting(null)}
          onConfirm={async () => {
            await api.billingAccounts.disconnect(disconnecting.id);
            setNotice(`${disconnecting.alias} is disconnected.`);
            await data.reload();
          }}
        >
          <p>
            New optimized providers can no longer be billed to {disconnecting.alias} ({disconnecting.name}).
            An account that providers still use cannot be disconnected. Its terms acceptances are kept.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
