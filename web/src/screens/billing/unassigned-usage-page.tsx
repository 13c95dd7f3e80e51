import { useState } from "react";
import { pricingApi, type UnassignedCustomer } from "../../api/billing-api.ts";
import { useApi } from "../../app/api-context.ts";
import { EmptyState } from "../../ui/empty-state.tsx";
import { FormError } from "../../ui/form-error.tsx";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { useSubmit } from "../../ui/use-submit.ts";
import { accountsOfOrganizations, type AccountChoice } from "./accounts-of-organizations.ts";
import { formatMoney, monthFrom, monthLabel } from "./billing-format.ts";

const choiceLabel = (c: AccountChoice) => `${c.organization} · ${c.account.alias} · ${c.account.name}`;

function AssignRow({
  customer,
  choices,
  onAssigned,
}: {
  customer: UnassignedCustomer;
  choices: readonly AccountChoice[];
  onAssigned: (customer: UnassignedCustomer, choice: AccountChoice) => void;
}) {
  const api = pricingApi(useApi().http);
  const [accountId, setAccountId] = useState(customer.billingAccountId ?? "");
  const assign = useSubmit(async () => {
    const choice = choices.find((c) => c.account.id === accountId);
    if (!choice) return;
    await api.assignUsage(customer.customerId, accountId);
    onAssigned(customer, choice);
  });
  const selectId = `assign-${customer.customerId}`;
  const current = choices.find((c) => c.account.id === customer.billingAccountId);
  return (
    <tr data-testid="unassigned-customer" data-customer-id={customer.customerId}>
      <td>
        {customer.customerName}
        <div className="muted cell-note">
          <code>{customer.customerId}</code>
        </div>
      </td>
      <td className="num">{customer.rows}</td>
      <td className="num nowrap">{formatMoney(customer.listPrice, customer.currency)}</td>
      <td>{current ? choiceLabel(current) : <span className="muted">None</span>}</td>
      <td className="row-actions">
        <label htmlFor={selectId} className="visually-hidden">
          Billing account for {customer.customerName}
        </label>
        <select id={selectId} value={accountId} onChange={(e) => setAccountId(e.target.value)}>
          <option value="">Choose a billing account…</option>
          {choices.map((c) => (
            <option key={c.account.id} value={c.account.id}>
              {choiceLabel(c)}
            </option>
          ))}
        </select>{" "}
        <button
          type="button"
          className="btn btn-small btn-primary"
          disabled={!accountId || assign.submitting}
          onClick={() => void assign.run()}
        >
          Assign
        </button>
        <FormError message={assign.formError} />
      </td>
    </tr>
  );
}

/** Operators: a month's usage no billing account takes, and routing each customer tenant to one. */
export function UnassignedUsagePage() {
  const api = useApi();
  const pricing = pricingApi(api.http);
  const [month, setMonth] = useState(() => monthFrom(new Date(), -1));
  const valid = /^\d{4}-(0[1-9]|1[0-2])$/.test(month);
  const usage = useLoad(
    () => (valid ? pricing.unassignedUsage(month).then((r) => r.items) : Promise.resolve([])),
    month,
  );
  const choices = useLoad(() => accountsOfOrganizations(api), "accounts");
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <>
      <PageHeader
        title="Unassigned usage"
        subtitle="Customer tenants whose usage no billing account takes: not onboarded through a provider, or onboarded before billing accounts were connected. Assign each to the billing account that pays for it; from then on all its usage is billed there."
      />
      <div className="filter-bar">
        <label htmlFor="unassigned-month">Month</label>
        <input
          id="unassigned-month"
          type="month"
          value={month}
          onChange={(e) => {
            setMonth(e.target.value);
            setNotice(null);
          }}
        />
      </div>
      {notice ? (
        <div className="alert alert-success" role="status" data-testid="notice">
          {notice}
        </div>
      ) : null}
      {usage.error ? <LoadError error={usage.error} onRetry={() => void usage.reload()} /> : null}
      {choices.error ? <LoadError error={choices.error} onRetry={() => void choices.reload()} /> : null}
      {usage.data && usage.data.length === 0 ? (
        <EmptyState title="All usage is assigned">
          <p>
            Every customer tenant with usage in {valid ? monthLabel(month) : "this month"} is billed to an
            account.
          </p>
        </EmptyState>
      ) : null}
      {usage.data && usage.data.length > 0 && choices.data ? (
        <table className="table" data-testid="unassigned-usage-table">
          <thead>
            <tr>
              <th>Customer tenant</th>
              <th className="num">Rows</th>
              <th className="num">List price</th>
              <th>Assigned to</th>
              <th>Billing account</th>
            </tr>
          </thead>
          <tbody>
            {usage.data.map((c) => (
              <AssignRow
                key={c.customerId}
                customer={c}
                choices={choices.data ?? []}
                onAssigned={(customer, choice) => {
                  setNotice(
                    `${customer.customerName}'s usage is billed to ${choice.account.alias} from now on.`,
                  );
                  void usage.reload();
                }}
              />
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
