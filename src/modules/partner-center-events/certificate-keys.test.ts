import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { describe, test } from "node:test";
import forge from "node-forge";
import { allowedCertificateUrl, MICROSOFT_CERTIFICATE_ORIGIN, publicKeyIn } from "./certificate-keys.ts";

const PARTNER_CENTER = "https://127.0.0.1:8443";
const origins = [PARTNER_CENTER, MICROSOFT_CERTIFICATE_ORIGIN];
const now = new Date("2026-11-02T09:00:00Z");
const DAY = 86_400_000;

/** A certificate like Microsoft's: its own key, issued by `organization`, valid between the given times. */
function certificate(organization: string, notBefore: Date, notAfter: Date) {
  const keys = forge.pki.rsa.generateKeyPair(1024);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = "01";
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: "commonName", value: "pcnotifications.microsoft.com" }]);
  cert.setIssuer([
    { name: "organizationName", value: organization },
    { name: "commonName", value: "Issuing CA" },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const pem = forge.pki.certificateToPem(cert);
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
  return { pem, der: new Uint8Array(Buffer.from(der, "binary")) };
}

const bytes = (text: string) => new Uint8Array(Buffer.from(text));

void describe("Partner Center's certificate URLs and keys", () => {
  const urls: [string, boolean][] = [
    [`${MICROSOFT_CERTIFICATE_ORIGIN}/cert/pcnotifications.microsoft.com.cer`, true],
    [`${MICROSOFT_CERTIFICATE_ORIGIN}:443/cert/pcnotifications.microsoft.com.cer`, true],
    [`${PARTNER_CENTER}/_emulator/webhook-certificate`, true],
    ["http://3psostorageacct.blob.core.windows.net/cert/pcnotifications.microsoft.com.cer", false],
    ["https://evil.blob.core.windows.net/cert/pcnotifications.microsoft.com.cer", false],
    ["https://3psostorageacct.blob.core.windows.net.evil.test/cert/x.cer", false],
    ["https://user:pw@3psostorageacct.blob.core.windows.net/cert/x.cer", false],
    ["https://127.0.0.1:8444/_emulator/webhook-certificate", false],
    ["https://169.254.169.254/metadata", false],
    ["/cert/pcnotifications.microsoft.com.cer", false],
    ["file:///etc/passwd", false],
  ];
  for (const [url, allowed] of urls)
    void test(`${url} is ${allowed ? "fetched" : "refused"}`, () => {
      const answer = allowedCertificateUrl(url, origins);
      assert.equal(answer.ok, allowed);
      if (!answer.ok) assert.equal(answer.error.code, "partner_center_event_certificate_refused");
    });

  void test("a PEM public key (the emulator's) gives its RSA key; an EC key and garbage are refused", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey;
    const key = publicKeyIn(bytes(rsa.export({ type: "spki", format: "pem" }).toString()), now);
    assert.ok(key.ok && key.value.equals(rsa));
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey;
    const refused = publicKeyIn(bytes(ec.export({ type: "spki", format: "pem" }).toString()), now);
    assert.ok(!refused.ok && /not an RSA key/.test(refused.error.message));
    const garbage = publicKeyIn(bytes("<html>not found</html>"), now);
    assert.ok(!garbage.ok && /neither a certificate nor a public key/.test(garbage.error.message));
  });

  void test("Microsoft's certificate is read as PEM, DER or bare base64 while valid; expired or issued by another is refused", () => {
    const valid = certificate(
      "Microsoft Corporation",
      new Date(now.getTime() - DAY),
      new Date(now.getTime() + DAY),
    );
    const body = valid.pem.replace(/-----[^-]+-----/g, "");
    for (const form of [bytes(valid.pem), valid.der, bytes(body)]) {
      const key = publicKeyIn(form, now);
      assert.ok(key.ok, key.ok ? "" : key.error.message);
    }
    const expired = certificate(
      "Microsoft Corporation",
      new Date(now.getTime() - 3 * DAY),
      new Date(now.getTime() - DAY),
    );
    const late = publicKeyIn(bytes(expired.pem), now);
    assert.ok(!late.ok && /valid from/.test(late.error.message));
    const other = certificate("Contoso Ltd", new Date(now.getTime() - DAY), new Date(now.getTime() + DAY));
    const foreign = publicKeyIn(bytes(other.pem), now);
    assert.ok(!foreign.ok && /not issued by Microsoft Corporation/.test(foreign.error.message));
  });
});
