import { useState } from "react";
import type { MigrationSubscription, TechnicalTask } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { ConfirmDialog } from "../../ui/confirm-dialog.tsx";
import { formatDateTime } from "../../ui/format-time.ts";
import {
  offerLabel,
  subscriptionStateBadge,
  subscriptionStateLabel,
  taskKindLabel,
  taskStateBadge,
  taskStateLabel,
} from "./migration-labels.ts";
import type { MigrationActions } from "./migration-actions.ts";

/** Subscriptions still on their way, which the requester may keep out of the migration. */
const leavable = new Set<MigrationSubscription["state"]>(["waiting", "blocked"]);

/**
 * The tenant's Azure subscriptions: how each is bought, what happens to it, and whether it is there yet. While the
 * migration waits for them, its requester may leave one out (it stays as it is).
 */
export function MigrationSubscriptions({
  subscriptions,
  choosing,
  providerId,
  mayAct,
  onChanged,
}: MigrationActions & { subscriptions: MigrationSubscription[]; choosing: boolean }) {
  const api = useApi();
  const [leaving, setLeaving] = useState<MigrationSubscription | null>(null);
  const actions = choosing && mayAct && subscriptions.some((s) => leavable.has(s.state));
  return (
    <div>
      <h3 id="migration-subscriptions-heading">Subscriptions</h3>
      {subscriptions.length === 0 ? (
        <p className="empty-inline">
          The tenant&apos;s subscriptions are listed once its administrator has accepted the invitation.
        </p>
      ) : (
        <table
          className="table table-dense"
          aria-labelledby="migration-subscriptions-heading"
          data-testid="migration-subscriptions"
        >
          <thead>
            <tr>
              <th>Subscription</th>
              <th>Offer</th>
              <th>What happens</th>
              <th>State</th>
              {actions ? <th aria-label="Actions" /> : null}
            </tr>
          </thead>
          <tbody>
            {subscriptions.map((s) => (
              <tr
                key={s.subscriptionId}
                data-testid="migration-subscription"
                data-subscription-id={s.subscriptionId}
                data-state={s.state}
              >
                <td>
                  {s.displayName}
                  <br />
                  <code className="muted">{s.subscriptionId}</code>
                </td>
                <td className="nowrap">{offerLabel[s.offer]}</td>
                <td>
                  {s.note}
                  {s.targetSubscriptionId && s.targetSubscriptionId !== s.subscriptionId ? (
                    <>
                      <br />
                      <span className="muted">
                        Now in <code>{s.targetSubscriptionId}</code>
                      </span>
                    </>
                  ) : null}
                </td>
                <td className="nowrap">
                  <span className={subscriptionStateBadge[s.state]}>{subscriptionStateLabel[s.state]}</span>
                </td>
                {actions ? (
                  <td className="row-actions">
                    {leavable.has(s.state) ? (
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-label={`Leave ${s.displayName} out`}
                        onClick={() => setLeaving(s)}
                      >
                        Leave out…
                      </button>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {leaving ? (
        <ConfirmDialog
          title={`Leave ${leaving.displayName} out of the migration?`}
          confirmLabel="Leave it out"
          onClose={() => setLeaving(null)}
          onConfirm={async () => {
            onChanged(await api.migration.leaveOutSubscription(providerId, leaving.subscriptionId));
          }}
        >
          <p>
            It stays as it is: billed as today and outside the partner&apos;s care, and its technical task is
            cancelled. The provider is ready once the other subscriptions are under the partner.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

/** What the partner's technical account manager does by hand, and how far they are. */
export function MigrationTasks({ tasks }: { tasks: TechnicalTask[] }) {
  if (tasks.length === 0) return null;
  return (
    <div>
      <h3 id="migration-tasks-heading">The technical account manager&apos;s tasks</h3>
      <p className="field-hint">
        The partner&apos;s technical account manager contacts you for these; the provider is ready once they
        are done.
      </p>
      <table
        className="table table-dense"
        aria-labelledby="migration-tasks-heading"
        data-testid="migration-tasks"
      >
        <thead>
          <tr>
            <th>Task</th>
            <th>Subscription</th>
            <th>State</th>
            <th>Done</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((t) => (
            <tr key={t.id} data-testid="migration-task" data-task-id={t.id} data-state={t.state}>
              <td>
                {t.title}
                <br />
                <span className="muted">{taskKindLabel[t.kind]}</span>
              </td>
              <td>{t.subscriptionName}</td>
              <td className="nowrap">
                <span className={taskStateBadge[t.state]}>{taskStateLabel[t.state]}</span>
              </td>
              <td>
                {t.completedAt ? formatDateTime(t.completedAt) : <span className="muted">—</span>}
                {t.note ? (
                  <>
                    <br />
                    <span className="muted">{t.note}</span>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
