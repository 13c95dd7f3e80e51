import { useState } from "react";
import { pricingApi, type ExchangeRate } from "../../api/billing-api.ts";
import { useApi } from "../../app/api-context.ts";
import { ConfirmDialog } from "../../ui/confirm-dialog.tsx";
import { EmptyState } from "../../ui/empty-state.tsx";
import { FormError } from "../../ui/form-error.tsx";
import { formatDateTime } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { TextField } from "../../ui/text-field.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { useSubmit } from "../../ui/use-submit.ts";
import { monthFrom, monthLabel } from "./billing-format.ts";

/** Operators: the partner's own monthly exchange rates, used instead of Microsoft's for that month's usage. */
export function ExchangeRatesPage() {
  const api = pricingApi(useApi().http);
  const rates = useLoad(() => api.exchangeRates(), "exchange-rates");
  const [from, setFrom] = useState("USD");
  const [to, setTo] = useState("");
  const [month, setMonth] = useState(() => monthFrom(new Date(), 0));
  const [rate, setRate] = useState("");
  const [removing, setRemoving] = useState<ExchangeRate | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const save = useSubmit(async () => {
    setNotice(null);
    const key = { from: from.trim().toUpperCase(), to: to.trim().toUpperCase(), month };
    const saved = await api.setExchangeRate(key, rate.trim());
    setNotice(`1 ${saved.from} = ${saved.rate} ${saved.to} for ${monthLabel(saved.month)}.`);
    setRate("");
    await rates.reload();
  }, ["from", "to", "month", "rate"]);

  return (
    <>
      <PageHeader
        title="Exchange rates"
        subtitle="Usage is priced in US dollars and billed in the account's currency at Microsoft's monthly rate, unless the partner sets its own rate for that month here."
      />
      {notice ? (
        <div className="alert alert-success" role="status" data-testid="notice">
          {notice}
        </div>
      ) : null}
      <section className="card" data-testid="exchange-rate-form">
        <div className="card-header">
          <h2>Set a rate</h2>
        </div>
        <form
          noValidate
          className="billing-rate-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save.run();
          }}
        >
          <FormError message={save.formError} />
          <TextField
            id="rate-from"
            label="From currency"
            value={from}
            onChange={setFrom}
            error={save.fieldError("from")}
            maxLength={3}
            autoComplete="off"
          />
          <TextField
            id="rate-to"
            label="To currency"
            value={to}
            onChange={setTo}
            error={save.fieldError("to")}
            hint="E.g. EUR, GBP, JPY"
            maxLength={3}
            autoComplete="off"
          />
          <TextField
            id="rate-month"
            label="Month"
            type="month"
            value={month}
            onChange={setMonth}
            error={save.fieldError("month")}
          />
          <TextField
            id="rate-value"
            label="Rate"
            value={rate}
            onChange={setRate}
            error={save.fieldError("rate")}
            hint="Units of the target currency per unit of the source, e.g. 0.92"
            inputMode="decimal"
            autoComplete="off"
          />
          <button type="submit" className="btn btn-primary" disabled={save.submitting}>
            {save.submitting ? "Working…" : "Set rate"}
          </button>
        </form>
      </section>
      {rates.error ? <LoadError error={rates.error} onRetry={() => void rates.reload()} /> : null}
      {rates.data && rates.data.length === 0 ? (
        <EmptyState title="Microsoft's rates apply">
          <p>
            No rate of the partner&apos;s own is set: every month uses Microsoft&apos;s rate on the usage
            rows.
          </p>
        </EmptyState>
      ) : null}
      {rates.data && rates.data.length > 0 ? (
        <table className="table" data-testid="exchange-rates-table">
          <thead>
            <tr>
              <th>Month</th>
              <th>From</th>
              <th>To</th>
              <th className="num">Rate</th>
              <th>Set</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {rates.data.map((r) => (
              <tr key={`${r.from}/${r.to}/${r.month}`} data-testid="exchange-rate">
                <td>{monthLabel(r.month)}</td>
                <td>{r.from}</td>
                <td>{r.to}</td>
                <td className="num">{r.rate}</td>
                <td>
                  {formatDateTime(r.setAt)}
                  <div className="muted cell-note">by {r.setBy}</div>
                </td>
                <td className="row-actions">
                  <button
                    type="button"
                    className="btn btn-small btn-danger-quiet"
                    onClick={() => setRemoving(r)}
                    aria-label={`Remove the ${r.from} to ${r.to} rate of ${r.month}`}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {removing ? (
        <ConfirmDialog
          title={`Remove the ${removing.from} → ${removing.to} rate of ${monthLabel(removing.month)}?`}
          confirmLabel="Remove rate"
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await api.deleteExchangeRate(removing);
            setNotice(
              `${monthLabel(removing.month)} goes back to Microsoft's ${removing.from} → ${removing.to} rate.`,
            );
            await rates.reload();
          }}
        >
          <p>
            Usage of {monthLabel(removing.month)} is then converted at Microsoft&apos;s rate again. Invoices
            already finalized do not change; drafts do when they are drafted again.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
