/**
 * How long Microsoft takes, per route, as a seeded distribution in real milliseconds: what a "microsoft" latency
 * profile injects once it is divided by a time factor (a factor of 600 turns the two minutes a customer tenant
 * takes to create into 200 ms). Figures are typical observations, not promises: creating a customer tenant takes
 * minutes, an order is accepted in seconds and provisioned later, reads answer in a few hundred milliseconds.
 */
export type LatencyRange = { readonly route: string; readonly minMs: number; readonly maxMs: number };

const SECOND = 1000;
const MINUTE = 60 * SECOND;

const MICROSOFT: readonly LatencyRange[] = [
  { route: "POST /:tenant/oauth2/v2.0/token", minMs: 80, maxMs: 400 },
  { route: "HEAD /v1/domains/:domain", minMs: 150, maxMs: 600 },
  { route: "POST /v1/validations/address", minMs: 300, maxMs: 1500 },
  { route: "POST /v1/customers", minMs: 1 * MINUTE, maxMs: 4 * MINUTE },
  { route: "GET /v1/customers/:id", minMs: 200, maxMs: 900 },
  { route: "GET /v1/customers", minMs: 300, maxMs: 1500 },
  { route: "POST /v1/customers/:id/agreements", minMs: 500, maxMs: 3 * SECOND },
  { route: "POST /v1/customers/:id/applicationconsents", minMs: 2 * SECOND, maxMs: 15 * SECOND },
  { route: "POST /v1/customers/:id/carts", minMs: 1 * SECOND, maxMs: 4 * SECOND },
  { route: "POST /v1/customers/:id/carts/:cartId/checkout", minMs: 5 * SECOND, maxMs: 40 * SECOND },
  { route: "GET /v1/customers/:id/subscriptions", minMs: 300, maxMs: 2 * SECOND },
  {
    route: "PUT /subscriptions/:sub/providers/Microsoft.Authorization/roleAssignments/:name",
    minMs: 1 * SECOND,
    maxMs: 8 * SECOND,
  },
  {
    route: "PUT /subscriptions/:sub/providers/Microsoft.Authorization/policyAssignments/:name",
    minMs: 1 * SECOND,
    maxMs: 6 * SECOND,
  },
  { route: "GET /subscriptions", minMs: 150, maxMs: 800 },
  { route: "POST /v2/authentication/login", minMs: 200, maxMs: 1200 },
];

export const latencyProfiles: Readonly<Record<string, readonly LatencyRange[]>> = {
  microsoft: MICROSOFT,
  none: [],
};
