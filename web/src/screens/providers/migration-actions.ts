import type { MigrationView } from "../../api/types.ts";

/** What the migration panel needs to let the requester act: send the invitation again, leave a subscription out. */
export type MigrationActions = {
  providerId: string;
  /** Organization and cost-center admins of the provider send the invitation again and choose the subscriptions. */
  mayAct: boolean;
  /** The view the server answered after one of their actions. */
  onChanged: (view: MigrationView) => void;
};
