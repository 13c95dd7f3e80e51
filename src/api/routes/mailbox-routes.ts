import { z } from "zod";
import { readCapturedMail } from "../../integrations/mail/index.ts";
import type { ApiDeps, App } from "../context.ts";
import { errorResponses } from "../schemas.ts";

/** The embedded mailbox of a local installation, for operators trying the product (absent with a real relay). */
export function mailboxRoutes(app: App, deps: ApiDeps): void {
  const dir = deps.mailboxDir;
  if (!dir) return;
  app.get(
    "/api/v1/mailbox",
    {
      config: { auth: "operator" },
      schema: {
        operationId: "listCapturedMail",
        tags: ["mailbox"],
        summary: "Mail captured by the embedded mailbox, newest first (operators)",
        querystring: z.object({
          limit: z.coerce
            .number()
            .int()
            .min(1, "limit must be at least 1")
            .max(200, "limit must be at most 200")
            .default(50),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                to: z.array(z.string()),
                subject: z.string(),
                text: z.string(),
                receivedAt: z.string(),
              }),
            ),
            nextCursor: z.null(),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => ({ items: await readCapturedMail(dir, req.query.limit), nextCursor: null }),
  );
}
