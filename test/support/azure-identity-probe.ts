// Runs Microsoft's own @azure/identity, unmodified, in a process of its own (NODE_EXTRA_CA_CERTS is read only at
// process start) and prints what it got as one JSON line.
import { ClientSecretCredential } from "@azure/identity";

const [authorityHost = "", tenant = "", clientId = "", secret = "", scope = ""] = process.argv.slice(2);
try {
  const credential = new ClientSecretCredential(tenant, clientId, secret, {
    authorityHost,
    disableInstanceDiscovery: true,
  });
  const token = await credential.getToken(scope);
  process.stdout.write(
    `${JSON.stringify({ ok: true, token: token.token, expiresOnTimestamp: token.expiresOnTimestamp })}\n`,
  );
} catch (e) {
  process.stdout.write(
    `${JSON.stringify({ ok: false, name: (e as Error).name, message: (e as Error).message })}\n`,
  );
}
