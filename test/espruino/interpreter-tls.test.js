"use strict";
// TLS on a real Espruino interpreter (ESPRUINO, skipped where unset), against Mosquitto's TLS
// listener, the CA given in DER as Espruino's mbedtls wants it. A TLS socket takes about 2,100
// to 2,800 JsVars there: on the ESP32's heap the client connects and a message goes both
// ways; beside the library on the ESP32-C3's it cannot fit, and connect() must refuse with
// TOO_LARGE rather than have the interpreter fail an internal assertion (it did:
// ASSERT(jsvIsFlatString(v))).
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { ESPRUINO, NO_ESPRUINO, bundleSource, runEspruino, printedObject, checkRun } = require("../helpers/espruino.js");
const { startMosquitto, freePort } = require("../helpers/brokers.js");
const { makeCertificates, tlsListener } = require("../helpers/tls.js");

test("interpreter: ssl with a DER ca connects where the heap holds a TLS socket (ESP32), and is refused TOO_LARGE where not (ESP32-C3)", { timeout: 60000 }, async (t) => {
  if (!ESPRUINO) return t.skip(NO_ESPRUINO);
  const certs = makeCertificates();
  if (!certs) return t.skip("openssl is not installed");
  t.after(() => certs.cleanup());
  const port = await freePort();
  const broker = await startMosquitto({ extra: tlsListener(port, certs) });
  if (!broker) return t.skip("mosquitto is not installed");
  t.after(() => broker.close());
  // PEM to DER, as the README says.
  execFileSync("openssl", ["x509", "-in", certs.caFile, "-outform", "DER", "-out", path.join(certs.dir, "ca.der")]);
  const der = fs.readFileSync(path.join(certs.dir, "ca.der")).toString("base64");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "espruino-tls-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const source = bundleSource(path.join(__dirname, "..", "..", "dist", "mqtt_as.js"));
  checkRun(await runEspruino(dir, `require("Storage").write("mqtt_as", ${JSON.stringify(source)});\n`, "write.js"));
  const run = await runEspruino(
    dir,
    `var m=require("mqtt_as"),got=[];` +
      `var c=new m.MQTTClient({server:"127.0.0.1",port:${port},clientId:"tls",keepalive:0,ssl:{ca:atob(${JSON.stringify(der)})}});` +
      `c.on("msg",function(topic,msg){got.push(E.toString(msg));});` +
      `function out(o){o.free=process.memory().free;o.total=process.memory().total;print("RESULT "+JSON.stringify(o));}` +
      `c.connect().then(function(){return c.subscribe("tls/t",1);}).then(function(){return c.publish("tls/t","over tls",false,1);})` +
      `.then(function(){setTimeout(function(){out({got:got});c.disconnect();},500);},function(e){out({code:e.code,message:e.message});});\n`,
    "tls.js"
  );
  const tail = checkRun(run);
  const result = printedObject(run.output, "RESULT");
  assert.ok(result, "no RESULT" + tail);
  t.diagnostic(JSON.stringify(result));
  if (result.total > 8000) assert.deepEqual(result.got, ["over tls"], "the ESP32's heap" + tail);
  else assert.equal(result.code, "TOO_LARGE", "the ESP32-C3's heap" + tail);
});
