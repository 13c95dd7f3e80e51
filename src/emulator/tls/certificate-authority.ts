import fs from "node:fs";
import path from "node:path";
import forge from "node-forge";

export type TlsMaterial = { caPath: string; key: string; cert: string };

const YEAR_MS = 365 * 86_400_000;

function serial(): string {
  return forge.util.bytesToHex(forge.random.getBytesSync(16)).replace(/^[89a-f]/, "1");
}

function createCa(): { key: forge.pki.rsa.PrivateKey; cert: forge.pki.Certificate } {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 10 * YEAR_MS);
  const name = [{ name: "commonName", value: "Partner Cloud Emulator CA" }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { key: keys.privateKey, cert };
}

function createServerCert(
  ca: { key: forge.pki.rsa.PrivateKey; cert: forge.pki.Certificate },
  hosts: string[],
) {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 2 * YEAR_MS);
  cert.setSubject([{ name: "commonName", value: hosts[0] ?? "localhost" }]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: hosts.map((h) =>
        /^[\d.]+$/.test(h) || h.includes(":") ? { type: 7, ip: h } : { type: 2, value: h },
      ),
    },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { key: forge.pki.privateKeyToPem(keys.privateKey), cert: forge.pki.certificateToPem(cert) };
}

/**
 * The emulator's own certificate authority and server certificate, created once into `dir` and reused after.
 * Microsoft's SDKs refuse plain HTTP, so clients trust the CA file (NODE_EXTRA_CA_CERTS for Node processes).
 */
export function ensureTls(dir: string, hosts: string[] = ["localhost", "127.0.0.1"]): TlsMaterial {
  fs.mkdirSync(dir, { recursive: true });
  const caPath = path.join(dir, "ca.pem");
  const keyPath = path.join(dir, "server-key.pem");
  const certPath = path.join(dir, "server.pem");
  if (!fs.existsSync(caPath) || !fs.existsSync(keyPath) || !fs.existsSync(certPath)) {
    const ca = createCa();
    const server = createServerCert(ca, hosts);
    fs.writeFileSync(path.join(dir, "ca-key.pem"), forge.pki.privateKeyToPem(ca.key), { mode: 0o600 });
    fs.writeFileSync(keyPath, server.key, { mode: 0o600 });
    fs.writeFileSync(certPath, server.cert);
    fs.writeFileSync(caPath, forge.pki.certificateToPem(ca.cert));
  }
  return { caPath, key: fs.readFileSync(keyPath, "utf8"), cert: fs.readFileSync(certPath, "utf8") };
}
