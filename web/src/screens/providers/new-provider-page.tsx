import { useState } from "react";
import type { AzureOption, ProviderOption } from "../../api/types.ts";
import type { ApiClient } from "../../api/api-client.ts";
import { useApi } from "../../app/api-context.ts";
import { Link } from "../../routing/link.tsx";
import { navigate } from "../../routing/navigation.ts";
import { useScope } from "../../scope/scope-context.ts";
import { providerAccessIn } from "../../session/permissions.ts";
import { EmptyState } from "../../ui/empty-state.tsx";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { unlessForbidden } from "../../ui/unless-forbidden.ts";
import { useLoad } from "../../ui/use-load.ts";
import { loadBillingAccounts } from "../billing-accounts/billing-accounts-data.ts";
import { ExistingAccountForm } from "./existing-account-form.tsx";
import { MigrateTenantForm } from "./migrate-tenant-form.tsx";
import { NewCustomerForm, type NewCustomerContext } from "./new-customer-form.tsx";

/** What the optimized options need: billable accounts, whether the organization has its Azure customer, presets. */
async function loadOptimizedContext(
  api: ApiClient,
  orgId: string,
  costCenterId: string,
): Promise<NewCustomerContext> {
  const [billing, customer, presets, organization] = await Promise.all([
    loadBillingAccounts(api, orgId),
    unlessForbidden(api.azureCustomer.get(orgId), "unknown" as const),
    api.providers.allowedServicesPresets(),
    api.organizations.get(orgId),
  ]);
  return {
    accounts: billing.rows.filter(
      (r) => r.account.costCenterId === null || r.account.costCenterId === costCenterId,
    ),
    customer,
    presets,
    organizationName: organization.name,
  };
}

function OptionChoice({
  option,
  checked,
  onChoose,
}: {
  option: ProviderOption;
  checked: boolean;
  onChoose: () => void;
}) {
  const id = `option-${option.option}`;
  return (
    <div className={checked ? "choice choice-selected" : "choice"}>
      <input
        type="radio"
        id={id}
        name="azure-option"
        value={option.option}
        checked={checked}
        onChange={onChoose}
        aria-describedby={`${id}-explanation`}
      />
      <label htmlFor={id}>
        <span className="choice-title">
          {option.label}
          {option.optimized ? <span className="badge badge-accent">Billed by the partner</span> : null}
        </span>
      </label>
      <p className="choice-detail" id={`${id}-explanation`}>
        {option.explanation}
      </p>
    </div>
  );
}

/**
 * Providers → New: the cloud (Microsoft Azure), then one of its three options, then that option's details. The
 * optimized options are offered to organization administrators and the workspace's cost-center administrators.
 */
export function NewProviderPage({ workspaceId }: { workspaceId: string }) {
  const api = useApi();
  const { permissions } = useScope();
  const workspace = useLoad(() => api.workspaces.get(workspaceId), workspaceId);
  const options = useLoad(() => api.providers.options(), "options");
  const ws = workspace.data;
  const access = ws ? providerAccessIn(permissions, ws) : null;
  const optimized = useLoad(
    () =>
      ws && access?.optimized ? loadOptimizedContext(api, ws.orgId, ws.costCenterId) : Promise.resolve(null),
    ws && access?.optimized ? ws.id : "",
  );
  const [cloud, setCloud] = useState<"microsoft-azure" | null>(null);
  const [option, setOption] = useState<AzureOption | null>(null);
  const [name, setName] = useState("");

  const back = (
    <p className="breadcrumb">
      <Link to="/workspaces">Workspaces</Link> /{" "}
      {ws ? <Link to={`/workspaces/${ws.id}`}>{ws.name}</Link> : "…"} /
    </p>
  );
  if (workspace.error || options.error) {
    const error = workspace.error ?? options.error;
    return (
      <>
        {back}
        <PageHeader title="New provider" />
        <LoadError
          error={error}
          onRetry={() => void (workspace.error ? workspace.reload() : options.reload())}
        />
      </>
    );
  }
  if (!ws || !access || !options.data) return <p className="muted">Loading…</p>;
  if (!access.edit) {
    return (
      <>
        {back}
        <EmptyState title="You cannot add providers to this workspace">
          <p>
            Workspace administrators, cost-center administrators and organization administrators add
            providers.
          </p>
        </EmptyState>
      </>
    );
  }

  const offered = options.data.filter((o) => !o.optimized || access.optimized);
  const created = (providerId: string) => navigate(`/workspaces/${ws.id}/providers/${providerId}`);
  const needsContext = option === "migrate-tenant" || option === "new-customer";

  return (
    <>
      {back}
      <PageHeader title="New provider" subtitle={`A cloud account managed from the workspace ${ws.name}.`} />
      <section className="card wizard-step" aria-labelledby="wizard-cloud">
        <h2 id="wizard-cloud">
          <span className="step-number">1</span> Cloud
        </h2>
        <div className="choice">
          <input
            type="radio"
            id="cloud-microsoft-azure"
            name="cloud"
            value="microsoft-azure"
            checked={cloud === "microsoft-azure"}
            onChange={() => setCloud("microsoft-azure")}
            aria-describedby="cloud-microsoft-azure-detail"
          />
          <label htmlFor="cloud-microsoft-azure">
            <span className="choice-title">Microsoft Azure</span>
          </label>
          <p className="choice-detail" id="cloud-microsoft-azure-detail">
            Azure Resource Manager subscriptions.
          </p>
        </div>
      </section>
      {cloud ? (
        <section className="card wizard-step" aria-labelledby="wizard-option">
          <h2 id="wizard-option">
            <span className="step-number">2</span> How to get the Azure account
          </h2>
          <div role="radiogroup" aria-labelledby="wizard-option" data-testid="provider-options">
            {offered.map((o) => (
              <OptionChoice
                key={o.option}
                option={o}
                checked={option === o.option}
                onChoose={() => setOption(o.option)}
              />
            ))}
          </div>
          {access.optimized ? null : (
            <p className="field-hint">
              Options billed through the partner are offered to organization administrators and to the
              administrators of this workspace's cost center.
            </p>
          )}
        </section>
      ) : null}
      {cloud && option ? (
        <section className="card wizard-step" aria-labelledby="wizard-details">
          <h2 id="wizard-details">
            <span className="step-number">3</span> Details
          </h2>
          {needsContext && optimized.error ? (
            <LoadError error={optimized.error} onRetry={() => void optimized.reload()} />
          ) : null}
          {needsContext && !optimized.data && !optimized.error ? <p className="muted">Loading…</p> : null}
          {option === "existing-account" ? (
            <ExistingAccountForm
              workspaceId={ws.id}
              name={name}
              onNameChange={setName}
              onCreated={(p) => created(p.id)}
            />
          ) : null}
          {option === "migrate-tenant" && optimized.data ? (
            <MigrateTenantForm
              workspaceId={ws.id}
              accounts={optimized.data.accounts}
              name={name}
              onNameChange={setName}
              onCreated={(p) => created(p.id)}
            />
          ) : null}
          {option === "new-customer" && optimized.data ? (
            <NewCustomerForm
              workspaceId={ws.id}
              context={optimized.data}
              name={name}
              onNameChange={setName}
              onCreated={(p) => created(p.id)}
            />
          ) : null}
        </section>
      ) : null}
    </>
  );
}
