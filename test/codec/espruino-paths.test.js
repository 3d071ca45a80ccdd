"use strict";
// The codec's Espruino-only paths (typeof E !== "undefined"), run in a Node vm context with the
// shim's E (test/espruino/vm-shim.js), against the same modules run on Node, which take
// Node's paths: the same input must give the same packets, or the same refusal. In
// particular the last topic name that decodePublish() remembers (on either path) must never
// let through a topic that the general path refuses, whatever came before it.
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { BUILD, strippedContext, plain } = require("./espruino-context.js");
const { installEspruinoGlobals } = require("../espruino/vm-shim.js");
const onNode = require("../../build/codec/decode-client.js");

function onEspruino() {
  const { context, load } = strippedContext();
  installEspruinoGlobals(context);
  assert.equal(load(path.join(BUILD, "platform.js")).onEspruino, true, "the context has E");
  return load(path.join(BUILD, "decode-client.js"));
}

/** A PUBLISH's header byte and body: topic name bytes, packet id (QoS 1), payload. */
function publish(topicBytes, qos = 0, payload = [1, 2]) {
  const body = [topicBytes.length >> 8, topicBytes.length & 255, ...topicBytes, ...(qos ? [0, 7] : []), ...payload];
  return [0x30 | (qos << 1), Uint8Array.from(body)];
}

const ascii = (s) => Array.from(s, (c) => c.charCodeAt(0));

const TOPICS = [
  ["a/b", ascii("a/b")],
  ["a/b again", ascii("a/b")],
  ["another topic", ascii("sensors/t1")],
  ["a/b after another", ascii("a/b")],
  ["a wildcard +", ascii("a/+")],
  ["a/b after a refused one", ascii("a/b")],
  ["a wildcard #", ascii("a/#")],
  ["the same wildcard again", ascii("a/#")],
  ["empty", []],
  ["empty again", []],
  ["U+0000", [0x61, 0]],
  ["UTF-8 caf\u00e9", [0x63, 0x61, 0x66, 0xc3, 0xa9]],
  ["the same UTF-8 again", [0x63, 0x61, 0x66, 0xc3, 0xa9]],
  ["bad UTF-8 (a lone continuation byte)", [0x61, 0x80]],
  ["the same bad UTF-8 again", [0x61, 0x80]],
  ["a/b at the end", ascii("a/b")],
];

test("decodePublish on Espruino's path gives Node's packet or Node's refusal, topic after topic", () => {
  const espruino = onEspruino();
  for (const [name, bytes] of TOPICS) {
    for (const qos of [0, 1]) {
      const [header, body] = publish(bytes, qos);
      let expected;
      try {
        expected = { packet: plain(onNode.decodePublish(header, body)) };
      } catch (error) {
        expected = { code: error.code };
      }
      let actual;
      try {
        actual = { packet: plain(espruino.decodePublish(header, body)) };
      } catch (error) {
        actual = { code: error.code };
      }
      assert.deepEqual(actual, expected, `${name}, QoS ${qos}`);
    }
  }
  // The table holds refusals and acceptances both, so that the comparison means something.
  const refused = TOPICS.filter(([, bytes]) => {
    try {
      onNode.decodePublish(...publish(bytes));
      return false;
    } catch (error) {
      return error.code === "PROTOCOL";
    }
  });
  assert.equal(refused.length, 8);
});

// publishPacket() on Node remembers the last topic checked and encoded; on Espruino it encodes
// each time. Both must write mqtt-packet's bytes, or refuse alike, whatever topic came before.
// (Strings on Espruino are 8-bit: no surrogates here.)
const PUBLISH_TOPICS = ["a/b", "a/b", "sensors/t1", "a/b", "a/+", "a/b", "a/#", "a/#", "", "", "a\0", "caf\u00e9",
  "caf\u00e9", "a/b", "x".repeat(65536), "x".repeat(65535), "a/b"];

test("publishPacket on Node's and Espruino's paths gives mqtt-packet's bytes or the same refusal, topic after topic", () => {
  const mqttPacket = require("mqtt-packet");
  const { context, load } = strippedContext();
  installEspruinoGlobals(context);
  const espruino = load(path.join(BUILD, "encode-client.js"));
  const node = require("../../build/codec/encode-client.js");
  const U8 = require("node:vm").runInContext("Uint8Array", context);
  let refused = 0;
  for (const [i, topic] of PUBLISH_TOPICS.entries()) {
    for (const qos of [0, 1]) {
      const payload = Uint8Array.from([i, 1, 2]);
      const outcome = (encoder, bytes) => {
        try {
          return { bytes: Array.from(encoder.publishPacket(topic, bytes, qos, i % 2 === 1, false, qos ? 7 : undefined)) };
        } catch (error) {
          return { code: error.code };
        }
      };
      const onNode = outcome(node, payload);
      assert.deepEqual(outcome(espruino, new U8(payload)), onNode, `${JSON.stringify(topic).slice(0, 20)}, QoS ${qos}`);
      if (onNode.code) {
        assert.equal(onNode.code, "BAD_ARGUMENT");
        refused++;
        continue;
      }
      const theirs = mqttPacket.generate({ cmd: "publish", topic, payload: Buffer.from(payload), qos, retain: i % 2 === 1, dup: false, messageId: qos ? 7 : undefined });
      assert.deepEqual(onNode.bytes, Array.from(theirs), `${topic}, QoS ${qos}`);
    }
  }
  assert.equal(refused, 2 * 7, "a/+, a/#, a/#, empty, empty, U+0000 and over 64 KB, at each QoS");
});
