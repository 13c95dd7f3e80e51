import type { HttpClient } from "./http-client.ts";
import type { CapturedMail, Page } from "./types.ts";

export function mailboxApi(http: HttpClient) {
  return {
    list: () => http.get<Page<CapturedMail>>("/mailbox", { limit: 200 }),
  };
}
