import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { EmulatorState } from "../state/emulator-state.ts";
import type { EmulatorClock } from "../control/clock.ts";

const RedirectUri = z.object({ clientId: z.string(), uri: z.string(), addedAt: z.string() });

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

function parse(uri: string): URL | undefined {
  try {
    return new URL(uri);
  } catch {
    return undefined;
  }
}

const isLoopbackHttp = (u: URL) => u.protocol === "http:" && LOOPBACK_HOSTS.has(u.hostname);

/**
 * Entra's rule for reply URLs: https, or plain http on a loopback address; no fragment. For loopback addresses
 * Entra ignores the port when matching (native apps pick a free port at run time).
 */
export function acceptableRedirectUri(uri: string): boolean {
  const u = parse(uri);
  return u !== undefined && u.hash === "" && (u.protocol === "https:" || isLoopbackHttp(u));
}

function matches(registered: string, asked: string): boolean {
  if (registered === asked) return true;
  const r = parse(registered);
  const a = parse(asked);
  if (!r || !a || !isLoopbackHttp(r) || !isLoopbackHttp(a)) return false;
  return r.hostname === a.hostname && r.pathname === a.pathname && r.search === a.search;
}

/** The reply URLs registered per application: the authorize endpoint redirects only to one of these. */
export function openRedirectUris(state: EmulatorState, clock: EmulatorClock) {
  const uris = state.store.collection("entraRedirectUris", RedirectUri);
  return {
    allowed: (clientId: string, uri: string) =>
      uris.filter((r) => r.clientId === clientId).some((r) => matches(r.uri, uri)),
    anyAllowed: (uri: string) => uris.all().some((r) => matches(r.uri, uri)),
    of: (clientId: string) => uris.filter((r) => r.clientId === clientId).map((r) => r.uri),
    add(clientId: string, uri: string): void {
      if (!uris.find((r) => r.clientId === clientId && r.uri === uri))
        uris.add({ clientId, uri, addedAt: clock.nowIso() });
    },
  };
}

export type RedirectUris = ReturnType<typeof openRedirectUris>;

const AddBody = z.object({ uri: z.string().min(1).max(2048) });

/**
 * Control plane: `POST /_emulator/apps/{clientId}/redirect-uris {uri}` registers a reply URL for an application
 * (the emulator's stand-in for the app registration's "Authentication" blade); `GET` lists them.
 */
export function redirectUriRoutes(app: FastifyInstance, state: EmulatorState, redirectUris: RedirectUris) {
  app.post<{ Params: { clientId: string }; Body: unknown }>(
    "/_emulator/apps/:clientId/redirect-uris",
    async (req, reply) => {
      if (!state.app(req.params.clientId))
        return reply.code(404).send({ error: `No application with client id ${req.params.clientId}.` });
      const body = AddBody.safeParse(req.body);
      if (!body.success || !acceptableRedirectUri(body.data.uri))
        return reply.code(400).send({
          error:
            "uri must be an absolute https URL, or http on localhost / 127.0.0.1 / [::1], without a fragment.",
        });
      redirectUris.add(req.params.clientId, body.data.uri);
      return reply
        .code(201)
        .send({ clientId: req.params.clientId, redirectUris: redirectUris.of(req.params.clientId) });
    },
  );
  app.get<{ Params: { clientId: string } }>("/_emulator/apps/:clientId/redirect-uris", (req) =>
    Promise.resolve({ clientId: req.params.clientId, redirectUris: redirectUris.of(req.params.clientId) }),
  );
}
