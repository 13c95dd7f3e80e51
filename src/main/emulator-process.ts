import path from "node:path";
import { startEmulator } from "../emulator/index.ts";
import type { Config } from "../platform/config.ts";

/**
 * `pcloud emulator`: the offline Microsoft world alone, under `<DATA_DIR>/emulator`, on EMULATOR_PORT. Prints its
 * endpoints for people, or one JSON line for scripts (`--json`); `--seed demo` adds the demo partner tenant and app.
 */
export async function runEmulator(config: Config, opts: { seed: string | null; json: boolean }) {
  const emu = await startEmulator({
    dataDir: path.join(config.dataDir, "emulator"),
    port: config.emulatorPort,
    host: config.host,
  });
  const demo = opts.seed === "demo" ? emu.seedDemo() : null;
  const endpoints = {
    login: emu.baseUrl,
    partnerCenter: `${emu.baseUrl}/v1`,
    graph: `${emu.baseUrl}/v1.0`,
    arm: emu.baseUrl,
    partnerCloud: emu.baseUrl,
    smtp: emu.smtpUrl,
    mailbox: `${emu.baseUrl}/mailbox`,
    ca: emu.caPath,
  };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ...endpoints, ...(demo ? { demo } : {}) })}\n`);
  } else {
    process.stdout.write(
      `\nPartner Cloud emulator is running.\n` +
        `  Entra ID (login):   ${emu.baseUrl}/{tenant}/v2.0/.well-known/openid-configuration\n` +
        `  Partner Center:     ${emu.baseUrl}/v1/customers\n` +
        `  Microsoft Graph:    ${emu.baseUrl}/v1.0/tenantRelationships/delegatedAdminRelationships\n` +
        `  Resource Manager:   ${emu.baseUrl}/subscriptions?api-version=2022-12-01\n` +
        `  Partner cloud v2:   ${emu.baseUrl}/v2/authentication/login\n` +
        `  Mail (SMTP):        ${emu.smtpUrl}   (read it at ${emu.baseUrl}/mailbox)\n` +
        `  Control plane:      ${emu.baseUrl}/_emulator/{faults,latency-profile,clock,scenarios,mail}\n` +
        `  CA certificate:     ${emu.caPath}   (clients: NODE_EXTRA_CA_CERTS=${emu.caPath})\n` +
        (demo
          ? `  Demo partner tenant ${demo.tenantId} (${demo.tenantDomain})\n` +
            `  App client id ${demo.clientId}, client secret ${demo.clientSecret} (shown only now)\n` +
            `  Partner tenant administrator ${demo.partnerAdmin.userName} / ${demo.partnerAdmin.password}\n` +
            `  Subscription ${demo.subscriptionId}\n` +
            `  Partner cloud administrator ${demo.partnerCloud.userName} / ${demo.partnerCloud.password} (account ${demo.partnerCloud.accountAlias})\n` +
            `  Existing tenant to migrate ${demo.existingTenant.domain}: administrator ${demo.existingTenant.admin.userName} / ${demo.existingTenant.admin.password}\n`
          : opts.seed === "demo"
            ? "  The demo partner already exists (its secret was shown when it was created).\n"
            : "") +
        "\n",
    );
  }
  return { stop: () => emu.close() };
}
