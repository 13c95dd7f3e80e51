import type { Plan, PlanPreview } from "../../api/billing-api.ts";
import { EmptyState } from "../../ui/empty-state.tsx";
import { formatMarkup, groupDigits, isNegative, monthLabel } from "./billing-format.ts";

/** "Virtual Machines +5 %, Storage −2 % (discount)". */
export function categoriesSummary(categoryMarkups: Plan["categoryMarkups"]): string {
  return Object.entries(categoryMarkups)
    .map(([name, pct]) => `${name} ${formatMarkup(pct)}`)
    .join(", ");
}

/** "+12.5 %, Virtual Machines +5 %". */
export function planSummary(plan: Plan): string {
  const categories = categoriesSummary(plan.categoryMarkups);
  return categories ? `${formatMarkup(plan.markupPercent)}, ${categories}` : formatMarkup(plan.markupPercent);
}

/** A month's invoices per billing account under the current and the proposed plan, and the difference. */
export function PlanPreviewTable({ preview }: { preview: PlanPreview }) {
  return (
    <section className="card" data-testid="plan-preview">
      <div className="card-header">
        <h2>Preview on {monthLabel(preview.month)}</h2>
      </div>
      <p className="muted">
        Current plan: {planSummary(preview.currentPlan)}. Proposed: {planSummary(preview.proposedPlan)}.
        Nothing is saved until you schedule the plan.
      </p>
      {preview.accounts.length === 0 ? (
        <EmptyState title="No usage to compare">
          <p>No billing account of the organization has usage in {monthLabel(preview.month)}.</p>
        </EmptyState>
      ) : (
        <table className="table table-dense" data-testid="plan-preview-table">
          <thead>
            <tr>
              <th>Billing account</th>
              <th>Currency</th>
              <th className="num">Current plan</th>
              <th className="num">Proposed plan</th>
              <th className="num">Difference</th>
            </tr>
          </thead>
          <tbody>
            {preview.accounts.map((a) => (
              <tr
                key={a.billingAccountId}
                data-testid="preview-account"
                data-alias={a.alias}
                data-current={a.currentTotal}
                data-proposed={a.proposedTotal}
                data-difference={a.difference}
              >
                <td>{a.alias}</td>
                <td>{a.currency}</td>
                <td className="num nowrap">{groupDigits(a.currentTotal)}</td>
                <td className="num nowrap">{groupDigits(a.proposedTotal)}</td>
                <td
                  className={isNegative(a.difference) ? "num nowrap billing-down" : "num nowrap billing-up"}
                  data-testid="preview-difference"
                >
                  {groupDigits(a.difference)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
