import type { CustomerShare, Invoice } from "../../api/billing-api.ts";
import { formatMoney } from "./billing-format.ts";
import { ExactAmount } from "./exact-amount.tsx";

/**
 * What each customer tenant owes of a line: its exact amount and its share of the rounded line (the shares add up
 * to the line), for re-billing customers. An update line shows what each customer's days changed by.
 */
export function LineCustomers({ invoice, shares }: { invoice: Invoice; shares: readonly CustomerShare[] }) {
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
          {shares.map((c) => (
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
