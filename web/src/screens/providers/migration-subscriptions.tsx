import type { MigrationSubscription, TechnicalTask } from "../../api/types.ts";
import { formatDateTime } from "../../ui/format-time.ts";
import {
  offerLabel,
  subscriptionStateBadge,
  subscriptionStateLabel,
  taskKindLabel,
  taskStateBadge,
  taskStateLabel,
} from "./migration-labels.ts";

/** The tenant's Azure subscriptions: how each is bought, what happens to it, and whether it is there yet. */
export function MigrationSubscriptions({ subscriptions }: { subscriptions: MigrationSubscription[] }) {
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
              </tr>
            ))}
          </tbody>
        </table>
      )}
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
