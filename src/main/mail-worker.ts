import type { Mailer } from "../integrations/mail/index.ts";
import type { Notifications } from "../modules/notifications/index.ts";
import type { Logger } from "../platform/log.ts";

/** Delivers the mail outbox every second until stopped. */
export function startMailWorker(deps: {
  notifications: Notifications;
  mailer: Mailer;
  log: Logger;
  intervalMs?: number;
}) {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      const sent = await deps.notifications.deliverDue(deps.mailer);
      if (sent > 0) deps.log.info({ sent }, "mail delivered");
    } catch (e) {
      deps.log.error({ err: e }, "mail delivery failed");
    }
  };
  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(tick);
  }, deps.intervalMs ?? 1000);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
