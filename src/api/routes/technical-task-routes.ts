import { z } from "zod";
import { ok } from "../../platform/result.ts";
import type { ApiDeps, App } from "../context.ts";
import { callerOf, respond } from "../respond.ts";
import { errorResponses, id, strict } from "../schemas.ts";
import { TechnicalTaskSchema } from "./onboarding-routes.ts";

const taskParams = z.object({ taskId: id("technicalTask", "taskId") });
const conflict = { 409: errorResponses[400] };

/** Operators: the technical account manager's work that migrations wait for. */
export function technicalTaskRoutes(app: App, deps: ApiDeps): void {
  const { onboarding } = deps;

  app.get(
    "/api/v1/technical-tasks",
    {
      schema: {
        operationId: "listTechnicalTasks",
        tags: ["onboarding"],
        summary: "Operators: the technical account manager's tasks (default: open), oldest first",
        querystring: strict({
          state: z
            .enum(["open", "done", "all"], { error: "state must be open, done or all" })
            .optional()
            .describe("open (default), done, or all"),
        }),
        response: { 200: z.object({ items: z.array(TechnicalTaskSchema) }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const tasks = await onboarding.migrateTenant.tasks(callerOf(req), req.query.state ?? "open");
      return respond(req, reply, tasks.ok ? ok({ items: tasks.value }) : tasks);
    },
  );

  app.post(
    "/api/v1/technical-tasks/:taskId/complete",
    {
      schema: {
        operationId: "completeTechnicalTask",
        tags: ["onboarding"],
        summary: "Operators: complete a technical task",
        description:
          "A move is completed with the new subscription the resources moved into (`targetSubscriptionId`); Azure " +
          "is asked that it is in the customer's tenant, enabled and under the partner before anything is recorded.",
        params: taskParams,
        body: strict({
          note: z.string().max(1000, "note must be at most 1000 characters").optional(),
          targetSubscriptionId: z
            .string()
            .regex(
              /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
              "targetSubscriptionId must be a subscription id (a GUID), e.g. 00000000-0000-0000-0000-000000000000",
            )
            .optional(),
        }),
        response: { 200: TechnicalTaskSchema, ...errorResponses, ...conflict },
      },
    },
    async (req, reply) =>
      respond(
        req,
        reply,
        await onboarding.migrateTenant.completeTask(callerOf(req), req.params.taskId, req.body),
      ),
  );
}
