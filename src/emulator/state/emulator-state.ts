import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

const Tenant = z.object({ id: z.string(), domain: z.string(), displayName: z.string() });
const App = z.object({
  clientId: z.string(),
  tenantId: z.string(),
  displayName: z.string(),
  secretSha256: z.string(),
  servicePrincipalId: z.string(),
});
const State = z.object({ tenants: z.array(Tenant), apps: z.array(App) });

export type EmulatedTenant = z.infer<typeof Tenant>;
export type EmulatedApp = z.infer<typeof App>;

const hash = (s: string) => createHash("sha256").update(s).digest("hex");

/**
 * The emulated world, kept as one JSON file so a restarted emulator still knows its tenants and apps. Written
 * whole to a temporary file and renamed, so a crash never leaves half a file.
 */
export function openEmulatorState(dir: string) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "state.json");
  const state = fs.existsSync(file)
    ? State.parse(JSON.parse(fs.readFileSync(file, "utf8")))
    : { tenants: [], apps: [] };
  const save = () => {
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 1));
    fs.renameSync(`${file}.tmp`, file);
  };
  return {
    tenant(idOrDomain: string): EmulatedTenant | undefined {
      const key = idOrDomain.toLowerCase();
      return state.tenants.find((t) => t.id === key || t.domain === key);
    },
    addTenant(input: { domain: string; displayName: string; id?: string }): EmulatedTenant {
      const t = {
        id: input.id ?? randomUUID(),
        domain: input.domain.toLowerCase(),
        displayName: input.displayName,
      };
      state.tenants.push(t);
      save();
      return t;
    },
    app(clientId: string): EmulatedApp | undefined {
      return state.apps.find((a) => a.clientId === clientId);
    },
    /** Registers an application with a client secret; only the secret's hash is kept. */
    addApp(input: { tenantId: string; displayName: string; secret: string; clientId?: string }): EmulatedApp {
      const a = {
        clientId: input.clientId ?? randomUUID(),
        tenantId: input.tenantId,
        displayName: input.displayName,
        secretSha256: hash(input.secret),
        servicePrincipalId: randomUUID(),
      };
      state.apps.push(a);
      save();
      return a;
    },
    secretMatches: (app: EmulatedApp, secret: string) => hash(secret) === app.secretSha256,
  };
}

export type EmulatorState = ReturnType<typeof openEmulatorState>;
