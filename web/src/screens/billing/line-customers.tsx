import { invoicesApi, type Invoice, type InvoiceLine } from "../../api/billing-api.ts";
import { useApi } from "../../app/api-context.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { formatMoney } from "./billing-format.ts";
import { ExactAmount } from "./exact-amount.tsx";

/**
 * What each customer tenant owes of a line: its exact amount and its share of the rounded line (the shares add up
 * to the line), for re-billing customers. An update line shows what each customer's days changed by.
 */
export function LineCustomers({ invoice, line }: { invoice: Invoice; line: InvoiceLine }) {
  const api = invoicesApi(useApi().http);
  const shares = useLoad(() => api.customers(invoice.id, line.lineNo), `${invoice.id}/${line.lineNo}`);
  if (shares.error) return <LoadError error={shares.error} onRetry={() => void shares.reload()} />;
  if (!shares.data) return null;
  return (
    <div className="billing-line-part">
      <h3>By customer</h3>
      <table className="table table-dense" data-testid="line-customers-table">
        <thead>
          <tr>
            <th>Customer tenant</th>
            <th className="num">Exact ({invoice.currency})</th>
            <th className="num">Share of the line</th>
          </tr>
        </thead>
        <tbody>
          {shares.data.map((c) => (
            <tr key={c.customerId} data-testid="line-customer">
              <td className="nowrap">
                <code>{c.customerId}</code>
              </td>
              <td className="num nowrap">
                <ExactAmount value={c.exact} />
              </td>
              <td className="num nowrap" data-testid="customer-share">
                {formatMoney(c.amount, invoice.currency)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
