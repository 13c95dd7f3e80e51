import { estimatesApi, type EstimateScopeKind } from "../../api/billing-api.ts";
import { useApi } from "../../app/api-context.ts";
import { formatDate } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { unlessForbidden } from "../../ui/unless-forbidden.ts";
import { useLoad } from "../../ui/use-load.ts";
import { formatMoney, monthLabel } from "./billing-format.ts";

const methodLabel: Record<string, string> = {
  proration: "prorated by days",
  "run-rate": "the run rate of complete days",
  "day-of-week": "each weekday's usage so far",
};

/**
 * The month not yet invoiced: its usage so far and where it is heading, per billing currency. An estimate, not an
 * invoice: Microsoft's data arrives a day or more late and may still change.
 */
export function EstimateCard({ scope, id }: { scope: EstimateScopeKind; id: string }) {
  const api = estimatesApi(useApi().http);
  const estimate = useLoad(() => unlessForbidden(api.of(scope, id), null), `${scope}/${id}`);

  if (estimate.error) return <LoadError error={estimate.error} onRetry={() => void estimate.reload()} />;
  const e = estimate.data;
  if (!e) return null;
  return (
    <section className="card" data-testid="estimate-card">
      <div className="card-header">
        <h2>{monthLabel(e.month)} so far</h2>
        <span className="muted">as of {formatDate(e.asOf)}</span>
      </div>
      {e.estimates.length === 0 ? (
        <p className="muted">No Azure usage has arrived for {monthLabel(e.month)} yet.</p>
      ) : (
        <table className="table table-dense">
          <thead>
            <tr>
              <th>Currency</th>
              <th className="num">Month to date</th>
              <th className="num">Month end (estimate)</th>
              <th className="num">Likely range</th>
              <th>How</th>
            </tr>
          </thead>
          <tbody>
            {e.estimates.map((c) => (
              <tr key={c.currency} data-testid="estimate" data-currency={c.currency}>
                <td>{c.currency}</td>
                <td className="num nowrap">{formatMoney(c.mtd, c.currency)}</td>
                <td className="num nowrap">
                  <strong>{formatMoney(c.eom, c.currency)}</strong>
                </td>
                <td className="num nowrap">
                  {formatMoney(c.low, c.currency)} – {formatMoney(c.high, c.currency)}
                </td>
                <td className="muted">
                  From {c.daysSampled} days, {methodLabel[c.method] ?? c.method}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="field-hint">
        What the month would cost at this pace: usage reaches the partner a day or more late, and early spikes
        or quiet days sway the projection. The invoice may differ.
      </p>
    </section>
  );
}
