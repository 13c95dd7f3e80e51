import { useState } from "react";
import { ApiError } from "../../api/api-error.ts";
import type { BillingAccount, DiscoveredAccount, Discovery } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { useScope } from "../../scope/scope-context.ts";
import { FormDialog } from "../../ui/form-dialog.tsx";
import { formatDateTime } from "../../ui/format-time.ts";
import { SelectField } from "../../ui/select-field.tsx";
import { TextField } from "../../ui/text-field.tsx";
import { useSubmit } from "../../ui/use-submit.ts";
import { countryName } from "./billing-accounts-data.ts";
import { EligibilityBadge, EligibilityReasons } from "./eligibility-reasons.tsx";

type Props = {
  orgId: string;
  /** The cost center to connect for by default (the current scope's), or null for the organization. */
  defaultCostCenterId: string | null;
  onConnected: (account: BillingAccount) => void;
  onClose: () => void;
};

const connectionNote: Record<DiscoveredAccount["connection"], string | null> = {
  none: null,
  this_organization: "Already connected to this organization.",
  another_organization: "Connected to another organization; it can be connected to one organization only.",
};

const selectable = (a: DiscoveredAccount) => a.eligibility.eligible && a.connection === "none";

/**
 * Connecting a partner cloud account in two steps: sign in as its Account Administrator to list the accounts
 * those credentials may bill, then pick one. The password is sent once and cleared from the form right away.
 */
export function ConnectBillingAccountDialog({ orgId, defaultCostCenterId, onConnected, onClose }: Props) {
  const api = useApi();
  const { contexts, permissions } = useScope();
  const [userName, setUserName] = useState("");
  const [password, setPassword] = useState("");
  const [discovery, setDiscovery] = useState<Discovery | null>(null);
  const [alias, setAlias] = useState("");
  const [notice, setNotice] = useState<string | null>(null);

  const costCenters = contexts.costCenters.filter((c) => c.orgId === orgId);
  const targets = [
    ...(permissions.isOrgAdmin ? [{ value: "", label: "The whole organization" }] : []),
    ...costCenters.map((c) => ({ value: c.id, label: `Cost center ${c.name}` })),
  ];
  const [target, setTarget] = useState(
    defaultCostCenterId && costCenters.some((c) => c.id === defaultCostCenterId)
      ? defaultCostCenterId
      : (targets[0]?.value ?? ""),
  );

  const discover = useSubmit(async () => {
    const secret = password;
    setPassword("");
    setNotice(null);
    const found = await api.billingAccounts.discover(orgId, userName.trim(), secret);
    setDiscovery(found);
    setAlias(found.accounts.find(selectable)?.alias ?? "");
  }, ["userName", "password"]);

  const connect = useSubmit(async () => {
    if (!discovery) return;
    try {
      const account = await api.billingAccounts.connect(orgId, {
        ticket: discovery.ticket,
        accountAlias: alias,
        ...(target ? { costCenterId: target } : {}),
      });
      onConnected(account);
    } catch (e) {
      if (e instanceof ApiError && e.code === "connection_ticket_invalid") {
        setDiscovery(null);
        setNotice(`${e.message} Sign in to the partner cloud again to list the accounts.`);
        return;
      }
      throw e;
    }
  }, ["accountAlias", "costCenterId"]);

  if (!discovery) {
    return (
      <FormDialog
        title="Connect a partner cloud account"
        submitLabel="Sign in and list accounts"
        submitting={discover.submitting}
        formError={discover.formError ?? notice}
        onSubmit={() => void discover.run()}
        onClose={onClose}
      >
        <p className="muted">
          Sign in with the partner cloud credentials of an <strong>Account Administrator</strong>. Partner
          Cloud uses them once to list the accounts they may bill; the password is not stored.
        </p>
        <TextField
          id="partner-cloud-username"
          label="Partner cloud username"
          value={userName}
          onChange={setUserName}
          autoComplete="off"
          error={discover.fieldError("userName")}
        />
        <TextField
          id="partner-cloud-password"
          label="Partner cloud password"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="off"
          error={discover.fieldError("password")}
        />
      </FormDialog>
    );
  }

  const chosen = discovery.accounts.find((a) => a.alias === alias);
  return (
    <FormDialog
      title="Choose the account to bill"
      wide
      submitLabel="Connect account"
      submitting={connect.submitting}
      formError={connect.formError}
      onSubmit={() => void connect.run()}
      onClose={onClose}
    >
      <p className="muted">
        Signed in as <strong>{discovery.partnerCloudUser}</strong>. Choose within 10 minutes (until{" "}
        {formatDateTime(discovery.ticketExpiresAt)}); accounts that cannot pay for the optimized Azure options
        say why.
      </p>
      <fieldset className="field account-choices">
        <legend>Account to connect</legend>
        {discovery.accounts.length === 0 ? (
          <p className="empty-inline">These credentials may not bill any account.</p>
        ) : null}
        {discovery.accounts.map((a) => {
          const note = connectionNote[a.connection];
          const id = `account-${a.alias}`;
          return (
            <div
              key={a.alias}
              className={selectable(a) ? "choice" : "choice choice-disabled"}
              data-testid="discovered-account"
              data-alias={a.alias}
            >
              <input
                type="radio"
                id={id}
                name="account"
                value={a.alias}
                checked={alias === a.alias}
                disabled={!selectable(a)}
                onChange={() => setAlias(a.alias)}
              />
              <label htmlFor={id}>
                <span className="choice-title">
                  {a.alias} · {a.name}
                  <EligibilityBadge eligibility={a.eligibility} />
                </span>
                <span className="choice-detail">
                  {countryName(a.country)}
                  {a.parentAlias ? ` · under ${a.parentAlias}` : ""}
                </span>
              </label>
              {note ? <p className="choice-note">{note}</p> : null}
              <EligibilityReasons eligibility={a.eligibility} />
            </div>
          );
        })}
        {connect.fieldError("accountAlias") ? (
          <p className="field-error" role="alert">
            {connect.fieldError("accountAlias")}
          </p>
        ) : null}
      </fieldset>
      {targets.length > 1 ? (
        <SelectField
          id="billing-account-target"
          label="Connect for"
          value={target}
          onChange={setTarget}
          options={targets}
          error={connect.fieldError("costCenterId")}
          hint="Accounts connected for a cost center pay for the providers of its workspaces."
        />
      ) : null}
      {chosen ? null : (
        <p className="field-hint">No account is chosen yet; only eligible accounts can be connected.</p>
      )}
    </FormDialog>
  );
}
