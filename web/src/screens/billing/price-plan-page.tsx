import { useState } from "react";
import { pricingApi, type PlanPreview, type PricePlan } from "../../api/billing-api.ts";
import { useApi } from "../../app/api-context.ts";
import { useScope } from "../../scope/scope-context.ts";
import { EmptyState } from "../../ui/empty-state.tsx";
import { FormError } from "../../ui/form-error.tsx";
import { formatDate } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { TextField } from "../../ui/text-field.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { useSubmit } from "../../ui/use-submit.ts";
import { formatMarkup, monthFrom, monthLabel } from "./billing-format.ts";
import { PlanFields } from "./plan-form.tsx";
import { categoryFields, planInputOf, type PlanDraft } from "./plan-input.ts";
import { categoriesSummary, PlanPreviewTable, planSummary } from "./plan-preview.tsx";

const statusLabel: Record<PricePlan["status"], string> = {
  past: "Past",
  current: "Applies now",
  scheduled: "Scheduled",
};

const statusBadge: Record<PricePlan["status"], string> = {
  past: "badge",
  current: "badge badge-ok",
  scheduled: "badge badge-accent",
};

const emptyDraft = (): PlanDraft => ({ direction: "markup", percent: "", categories: [] });

/** Billing → Price plan: what the organization pays over Microsoft's list price, now and from future months. */
export function PricePlanPage() {
  const api = pricingApi(useApi().http);
  const { orgId } = useScope();
  const plans = useLoad(() => (orgId ? api.plans(orgId) : Promise.resolve([])), orgId ?? "");
  const [draft, setDraft] = useState<PlanDraft>(emptyDraft);
  const [effectiveFrom, setEffectiveFrom] = useState(() => monthFrom(new Date(), 1));
  const [previewMonth, setPreviewMonth] = useState(() => monthFrom(new Date(), -1));
  const [preview, setPreview] = useState<PlanPreview | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const fields = [
    "markupPercent",
    "effectiveFrom",
    "month",
    ...draft.categories.filter((c) => c.category.trim()).flatMap((c) => categoryFields(c.category)),
  ];

  const previewing = useSubmit(async () => {
    if (!orgId) return;
    setNotice(null);
    setPreview(await api.preview(orgId, { ...planInputOf(draft), month: previewMonth }));
  }, fields);
  const saving = useSubmit(async () => {
    if (!orgId) return;
    const plan = await api.createPlan(orgId, { ...planInputOf(draft), effectiveFrom });
    setNotice(
      `From ${monthLabel(plan.effectiveFrom)} the organization pays ${planSummary(plan)} on Microsoft's list price.`,
    );
    setDraft(emptyDraft());
    setPreview(null);
    await plans.reload();
  }, fields);
  const fieldError = (path: string) => saving.fieldError(path) ?? previewing.fieldError(path);
  const change = (next: PlanDraft) => {
    setDraft(next);
    setPreview(null);
  };

  const current = (plans.data ?? []).filter((p) => p.status !== "past");
  return (
    <>
      <PageHeader
        title="Price plan"
        subtitle="Customers pay Microsoft's list price plus the plan's markup (or less its discount). A new plan starts with a month that has not begun, so nothing that may already be billed is repriced."
      />
      {notice ? (
        <div className="alert alert-success" role="status" data-testid="notice">
          {notice}
        </div>
      ) : null}
      {plans.error ? <LoadError error={plans.error} onRetry={() => void plans.reload()} /> : null}
      {plans.data && current.length === 0 ? (
        <EmptyState title="List price, no markup">
          <p>
            No plan is set: usage is billed at Microsoft&apos;s list price in the account&apos;s currency.
          </p>
        </EmptyState>
      ) : null}
      {current.length > 0 ? (
        <table className="table" data-testid="price-plans-table">
          <thead>
            <tr>
              <th>From</th>
              <th>Markup</th>
              <th>Meter categories</th>
              <th>Status</th>
              <th>Set</th>
            </tr>
          </thead>
          <tbody>
            {current.map((p) => (
              <tr key={p.id} data-testid="price-plan" data-status={p.status} data-from={p.effectiveFrom}>
                <td>{monthLabel(p.effectiveFrom)}</td>
                <td>{formatMarkup(p.markupPercent)}</td>
                <td>
                  {Object.keys(p.categoryMarkups).length === 0 ? (
                    <span className="muted">All at the plan&apos;s markup</span>
                  ) : (
                    categoriesSummary(p.categoryMarkups)
                  )}
                </td>
                <td>
                  <span className={statusBadge[p.status]}>{statusLabel[p.status]}</span>
                </td>
                <td>{formatDate(p.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <section className="card billing-plan-form" data-testid="plan-form">
        <div className="card-header">
          <h2>Schedule a plan</h2>
        </div>
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void saving.run();
          }}
        >
          <FormError message={saving.formError ?? previewing.formError} />
          <TextField
            id="plan-effective-from"
            label="From month"
            type="month"
            value={effectiveFrom}
            onChange={setEffectiveFrom}
            error={fieldError("effectiveFrom")}
            hint="A month that has not started. A plan already scheduled for that month is replaced."
          />
          <PlanFields draft={draft} onChange={change} fieldError={fieldError} />
          <div className="inline-form">
            <TextField
              id="plan-preview-month"
              label="Preview on the usage of"
              type="month"
              value={previewMonth}
              onChange={(m) => {
                setPreviewMonth(m);
                setPreview(null);
              }}
              error={fieldError("month")}
            />
            <button
              type="button"
              className="btn"
              disabled={previewing.submitting}
              onClick={() => void previewing.run()}
            >
              {previewing.submitting ? "Working…" : "Preview"}
            </button>
            <button type="submit" className="btn btn-primary" disabled={saving.submitting}>
              {saving.submitting ? "Working…" : "Schedule plan"}
            </button>
          </div>
        </form>
      </section>
      {preview ? <PlanPreviewTable preview={preview} /> : null}
    </>
  );
}
