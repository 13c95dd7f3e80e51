import { useState } from "react";
import type { CostCenter } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { Dialog } from "../../ui/dialog.tsx";
import { FormError } from "../../ui/form-error.tsx";
import { LoadError } from "../../ui/load-error.tsx";
import { SelectField } from "../../ui/select-field.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { useSubmit } from "../../ui/use-submit.ts";

type Props = { costCenter: CostCenter; onChanged: () => Promise<void>; onClose: () => void };

/** Cost-center administrators manage every workspace of the cost center and may create new ones in it. */
export function CostCenterAdminsDialog({ costCenter, onChanged, onClose }: Props) {
  const api = useApi();
  const users = useLoad(() => api.users.list(costCenter.orgId), costCenter.orgId);
  const [userId, setUserId] = useState("");
  const adminIds = new Set(costCenter.admins.map((a) => a.userId));
  const candidates = (users.data ?? []).filter((u) => !adminIds.has(u.id) && u.status === "active");

  const add = useSubmit(async () => {
    if (!userId) return;
    await api.costCenters.addAdmin(costCenter.id, userId);
    setUserId("");
    await onChanged();
  });
  const remove = useSubmit(async (id: string) => {
    await api.costCenters.removeAdmin(costCenter.id, id);
    await onChanged();
  });

  return (
    <Dialog
      title={`Administrators of ${costCenter.name}`}
      onClose={onClose}
      wide
      footer={
        <button type="button" className="btn" onClick={onClose}>
          Done
        </button>
      }
    >
      <p className="muted">
        They administer every workspace in this cost center and can create new workspaces in it.
      </p>
      <FormError message={add.formError ?? remove.formError} />
      {costCenter.admins.length === 0 ? (
        <p className="empty-inline">
          No cost-center administrators yet. Organization administrators manage it meanwhile.
        </p>
      ) : (
        <ul className="plain-list" data-testid="cost-center-admins">
          {costCenter.admins.map((a) => (
            <li key={a.userId}>
              <span>
                <strong>{a.name}</strong> <span className="muted">{a.email}</span>
              </span>
              <button
                type="button"
                className="btn btn-small"
                disabled={remove.submitting}
                onClick={() => void remove.run(a.userId)}
                aria-label={`Remove ${a.name} as administrator`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {users.error ? <LoadError error={users.error} onRetry={() => void users.reload()} /> : null}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void add.run();
        }}
      >
        <SelectField
          id="cost-center-admin-user"
          label="Add administrator"
          value={userId}
          onChange={setUserId}
          options={[
            { value: "", label: candidates.length ? "Choose a user…" : "No other active users" },
            ...candidates.map((u) => ({ value: u.id, label: `${u.name} (${u.email})` })),
          ]}
        />
        <button type="submit" className="btn btn-primary" disabled={add.submitting || !userId}>
          Add
        </button>
      </form>
    </Dialog>
  );
}
