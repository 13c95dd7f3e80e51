import { useState } from "react";
import {
  invoicesApi,
  type CustomerShare,
  type Invoice,
  type InvoiceLine,
  type LineDay,
} from "../../api/billing-api.ts";
import { useApi } from "../../app/api-context.ts";
import { usePagedList } from "../audit/use-paged-list.ts";
import { EmptyState } from "../../ui/empty-state.tsx";
import { LoadError } from "../../ui/load-error.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { formatMoney, groupDigits } from "./billing-format.ts";
import { ExactAmount } from "./exact-amount.tsx";
import { LineCustomers } from "./line-customers.tsx";

type LineDetailProps = { invoice: Invoice; line: InvoiceLine; operator: boolean };

const dayKey = (d: LineDay) => `${d.customerId}/${d.usageDate}`;

function DayRows({ invoice, line, day, operator }: LineDetailProps & { day: LineDay }) {
  const api = invoicesApi(useApi().http);
  const rows = useLoad(
    () => api.dayRows(invoice.id, line.lineNo, day),
    `${invoice.id}/${line.lineNo}/${dayKey(day)}`,
  );
  return (
    <div className="billing-day-rows" data-testid="day-rows">
      <h3>
        Usage of {rows.data?.[0]?.customerName ?? day.customerId} on {day.usageDate}
      </h3>
      {rows.error ? <LoadError error={rows.error} onRetry={() => void rows.reload()} /> : null}
      {rows.loading && !rows.data ? <p className="muted">Loading…</p> : null}
      {rows.data && rows.data.length === 0 ? (
        <p className="muted">No usage row of this line falls on this day.</p>
      ) : null}
      {rows.data && rows.data.length > 0 ? (
        <table className="table table-dense" data-testid="usage-rows-table">
          <thead>
            <tr>
              <th>Meter</th>
              <th>Category</th>
              <th>Resource</th>
              <th className="num">Quantity</th>
              <th className="num">Unit price</th>
              <th className="num">Rate</th>
              <th className="num">Customer price ({invoice.currency})</th>
              {operator ? (
                <>
                  <th className="num">List price</th>
                  <th className="num">Partner cost</th>
                </>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {rows.data.map((r, i) => (
              <tr key={`${r.entitlementId}/${r.resourceUri}/${r.meterName}/${r.chargeType}/${i}`}>
                <td>
                  {r.meterName}
                  <div className="muted cell-note">{r.chargeType}</div>
                </td>
                <td>
                  {r.meterCategory}{" "}
                  <span className="muted">({r.serviceClass === "iaas" ? "IaaS" : "SaaS"})</span>
                </td>
                <td className="billing-resource">
                  <code title={r.resourceUri}>{r.resourceUri.split("/").slice(-1)[0] || r.resourceUri}</code>
                </td>
                <td className="num nowrap">
                  <ExactAmount value={r.quantity} /> <span className="muted">{r.unit}</span>
                </td>
                <td className="num nowrap">
                  <ExactAmount value={r.unitPrice} /> <span className="muted">{r.pricingCurrency}</span>
                </td>
                <td
                  className="num nowrap"
                  title={`${r.exchangeRate.from} → ${r.exchangeRate.to}, ${r.exchangeRate.source === "partner" ? "the partner's rate" : "Microsoft's rate"} of ${r.exchangeRate.date}`}
                >
                  {r.exchangeRate.rate}{" "}
                  <span className="muted">
                    {r.exchangeRate.source === "partner" ? "partner" : "Microsoft"}
                  </span>
                </td>
                <td className="num nowrap">
                  <ExactAmount value={r.customerPrice} />
                </td>
                {operator ? (
                  <>
                    <td className="num nowrap">
                      <ExactAmount value={r.listPrice} />
                    </td>
                    <td className="num nowrap">
                      <ExactAmount value={r.partnerCost} />
                    </td>
                  </>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

/**
 * What makes up an invoice line: each customer's share, its customer-days with their amounts, then the usage rows
 * of a chosen day.
 */
export function LineDetail({ invoice, line, operator }: LineDetailProps) {
  const api = invoicesApi(useApi().http);
  // Every page carries the shares; the first page's are kept.
  const [shares, setShares] = useState<CustomerShare[] | null>(null);
  const days = usePagedList(
    (cursor) =>
      api.days(invoice.id, line.lineNo, cursor).then((d) => {
        if (!cursor) setShares(d.customers);
        return d.page;
      }),
    `${invoice.id}/${line.lineNo}`,
  );
  const [open, setOpen] = useState<LineDay | null>(null);

  return (
    <section className="card" data-testid="line-detail" data-line-no={line.lineNo}>
      <div className="card-header">
        <h2>
          Line {line.lineNo}: {line.description}
        </h2>
        <span className="nowrap">{formatMoney(line.amount, invoice.currency)}</span>
      </div>
      <p className="muted">
        {line.rowCount} usage rows. The line is the exact sum of its days ({groupDigits(line.exact)}), rounded
        once to the currency&apos;s minor unit. Choose a day to see its usage rows.
      </p>
      {shares ? <LineCustomers invoice={invoice} shares={shares} /> : null}
      {days.error ? <LoadError error={days.error} onRetry={() => void days.reload()} /> : null}
      {!days.loading && !days.error && days.items.length === 0 ? (
        <EmptyState title="No customer-days">
          <p>This line carries no usage of its own, e.g. a correction of an earlier month.</p>
        </EmptyState>
      ) : null}
      {days.items.length > 0 ? <h3 className="billing-line-part">By day</h3> : null}
      {days.items.length > 0 ? (
        <table className="table table-dense" data-testid="line-days-table">
          <thead>
            <tr>
              <th>Day</th>
              <th>Customer tenant</th>
              <th className="num">Customer price ({invoice.currency})</th>
              {operator ? (
                <>
                  <th className="num">List price</th>
                  <th className="num">Partner cost</th>
                </>
              ) : null}
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {days.items.map((d) => {
              const current = open !== null && dayKey(open) === dayKey(d);
              return (
                <tr
                  key={dayKey(d)}
                  className={current ? "row-current" : undefined}
                  data-testid="line-day"
                  data-day={d.usageDate}
                >
                  <td className="nowrap">{d.usageDate}</td>
                  <td className="nowrap">
                    <code>{d.customerId}</code>
                  </td>
                  <td className="num nowrap">
                    <ExactAmount value={d.customerPrice} />
                  </td>
                  {operator ? (
                    <>
                      <td className="num nowrap">
                        <ExactAmount value={d.listPrice} />
                      </td>
                      <td className="num nowrap">
                        <ExactAmount value={d.partnerCost} />
                      </td>
                    </>
                  ) : null}
                  <td className="row-actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() => setOpen(current ? null : d)}
                      aria-label={`Usage rows of ${d.usageDate}`}
                    >
                      {current ? "Hide rows" : "Rows"}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {days.hasMore ? (
        <div className="load-more">
          <button type="button" className="btn" disabled={days.loading} onClick={() => void days.loadMore()}>
            {days.loading ? "Loading…" : "More days"}
          </button>
        </div>
      ) : null}
      {open ? <DayRows invoice={invoice} line={line} day={open} operator={operator} /> : null}
    </section>
  );
}
