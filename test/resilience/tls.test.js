// TLS against Mosquitto with a second listener whose CA and server certificate are made
// here with openssl: with verification on, the client connects and exchanges messages;
// it refuses a server whose certificate does not chain to the given CA, or does not
// match the host name, with CLOSED and the Node TLS error as `cause`.
"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { startMosquitto, freePort } = require("../helpers/brokers.js");
const { makeCertificates, tlsListener } = require("../helpers/tls.js");
const { MQTTClient } = require("../../dist/node/mqtt_as.js");
const { within } = require("./harness.js");

const T = { timeout: 30000 };
let shared = null;

async function tlsBroker(t) {
  if (shared) return shared;
  const certs = makeCertificates();
  if (!certs) return null;
  const tlsPort = await freePort();
  const broker = await startMosquitto({ extra: tlsListener(tlsPort, certs) });
  if (!broker) {
    certs.cleanup();
    return null;
  }
  shared = { certs, broker, tlsPort };
  return shared;
}

test.after(async () => {
  if (!shared) return;
  await shared.broker.close();
  shared.certs.cleanup();
});

async function exchange(t, server, sslFor) {
  const s = await tlsBroker(t);
  if (!s) return t.skip("mosquitto or openssl not installed");
  const client = new MQTTClient({ server, port: s.tlsPort, ssl: sslFor(s.certs), keepalive: 5, responseTime: 2 });
  t.after(() => client.disconnect());
  const got = [];
  client.on("msg", (topic, msg) => got.push(Buffer.from(msg).toString()));
  assert.equal(await within(client.connect(true), 10000, "TLS connect"), false);
  assert.ok(client.up.isSet());
  const topic = `tls/${process.pid}/${server}`;
  assert.equal(await client.subscribe(topic, 2), 2);
  await client.publish(topic, "over tls q0", false, 0);
  await client.publish(topic, "over tls q1", false, 1);
  await client.publish(topic, "over tls q2", false, 2);
  const deadline = Date.now() + 5000;
  while (got.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(got.sort(), ["over tls q0", "over tls q1", "over tls q2"]);
}

/** connect() must reject with CLOSED, its cause a Node TLS error with one of `codes`. */
async function refused(t, server, sslFor, codes) {
  const s = await tlsBroker(t);
  if (!s) return t.skip("mosquitto or openssl not installed");
  const client = new MQTTClient({ server, port: s.tlsPort, ssl: sslFor(s.certs), keepalive: 5, responseTime: 2 });
  t.after(() => client.disconnect());
  const downs = [];
  client.on("down", (e) => downs.push(e));
  const error = await within(client.connect(true).then(() => null, (e) => e), 10000, "TLS refusal");
  assert.ok(error instanceof Error, "connect() rejected");
  assert.equal(error.code, "CLOSED");
  assert.ok(error.cause, "the TLS error is given as cause");
  assert.ok(codes.includes(error.cause.code), `cause code ${error.cause.code}, expected one of ${codes}`);
  assert.equal(client.up.isSet(), false);
  assert.equal(client.isConnected, false);
  assert.deepEqual(downs, [], "no down: it was never up");
}

test("TLS with verification: 127.0.0.1 with servername localhost, messages at QoS 0, 1, 2", T, (t) =>
  exchange(t, "127.0.0.1", (c) => ({ ca: [c.ca], servername: "localhost" }))
);

test("TLS with verification: the host name localhost checked against the certificate", T, (t) =>
  exchange(t, "localhost", (c) => ({ ca: [c.ca] }))
);

test("TLS with verification: the address 127.0.0.1 checked against the certificate's IP SAN", T, (t) =>
  exchange(t, "127.0.0.1", (c) => ({ ca: [c.ca] }))
);

test("TLS refuses a server whose certificate does not chain to the given CA", T, (t) =>
  refused(t, "127.0.0.1", (c) => ({ ca: [c.otherCa], servername: "localhost" }), [
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  ])
);

test("TLS refuses a server whose certificate does not match the host name", T, (t) =>
  refused(t, "127.0.0.1", (c) => ({ ca: [c.ca], servername: "wrong.example" }), ["ERR_TLS_CERT_ALTNAME_INVALID"])
);

test("TLS refuses by default (ssl: true) a server signed by a CA that Node does not trust", T, (t) =>
  refused(t, "127.0.0.1", () => true, [
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "ERR_TLS_CERT_ALTNAME_INVALID",
  ])
);
