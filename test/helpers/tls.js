// Certificates for TLS tests, made with the openssl command line in a temporary folder:
// a CA, a server certificate signed by it for "localhost" and 127.0.0.1, and a second,
// unrelated CA whose certificate must not be accepted for that server.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

function openssl(args, cwd) {
  const r = spawnSync("openssl", args, { cwd, encoding: "utf8" });
  if (r.error || r.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${r.error || r.stderr}`);
}

function haveOpenssl() {
  const r = spawnSync("openssl", ["version"], { encoding: "utf8" });
  return !r.error && r.status === 0;
}

function makeCa(dir, name) {
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "2",
    "-subj", `/CN=${name} test CA`, "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], dir);
}

/** Returns { dir, ca, caFile, otherCa, otherCaFile, certFile, keyFile, cleanup() }; null without openssl. */
function makeCertificates() {
  if (!haveOpenssl()) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mqtt-tls-"));
  makeCa(dir, "ca");
  makeCa(dir, "other");
  openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"], dir);
  fs.writeFileSync(
    path.join(dir, "server.ext"),
    "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
  );
  openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt",
    "-days", "2", "-extfile", "server.ext"], dir);
  // Mosquitto started as root drops to the "mosquitto" user: let it read the files.
  fs.chmodSync(dir, 0o755);
  for (const f of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, f), 0o644);
  return {
    dir,
    caFile: path.join(dir, "ca.crt"),
    ca: fs.readFileSync(path.join(dir, "ca.crt"), "utf8"),
    otherCaFile: path.join(dir, "other.crt"),
    otherCa: fs.readFileSync(path.join(dir, "other.crt"), "utf8"),
    certFile: path.join(dir, "server.crt"),
    keyFile: path.join(dir, "server.key"),
    cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Mosquitto config lines for a second, TLS, listener on `port`. */
function tlsListener(port, certs) {
  return [`listener ${port} 127.0.0.1`, `cafile ${certs.caFile}`, `certfile ${certs.certFile}`, `keyfile ${certs.keyFile}`];
}

module.exports = { makeCertificates, tlsListener, haveOpenssl };
