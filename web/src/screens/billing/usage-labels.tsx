import type { UsageImport } from "../../api/billing-api.ts";

export const sourceLabel: Record<UsageImport["source"], string> = {
  file: "File",
  partner_center: "Partner Center",
  graph: "Microsoft Graph",
};

export const kindLabel: Record<UsageImport["kind"], string> = {
  unbilled: "Unbilled (provisional)",
  billed: "Billed (final)",
};

const stateLabel: Record<UsageImport["state"], string> = {
  staging: "Reading",
  publishing: "Publishing",
  done: "Done",
  failed: "Failed",
};

const stateBadge: Record<UsageImport["state"], string> = {
  staging: "badge badge-accent",
  publishing: "badge badge-accent",
  done: "badge badge-ok",
  failed: "badge badge-off",
};

export function ImportStateBadge({ state }: { state: UsageImport["state"] }) {
  return (
    <span className={stateBadge[state]} data-testid="import-state" data-state={state}>
      {stateLabel[state]}
    </span>
  );
}
