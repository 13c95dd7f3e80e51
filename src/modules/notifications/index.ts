export { createNotifications } from "./outbox.ts";
export type { Notifications } from "./outbox.ts";
