"use strict";
// Conversions between our packets and mqtt-packet's objects that the 3.1.1
// (test/codec/oracle.test.js) and MQTT 5 (test/codec/v5/oracle.test.js) oracle tests share:
// the fields both versions have and name alike.

/** mqtt-packet's cmd for each packet type: 1 "connect" .. 14 "disconnect", 15 "auth" (MQTT 5 only). */
const CMD = [null, "connect", "connack", "publish", "puback", "pubrec", "pubrel", "pubcomp",
  "subscribe", "suback", "unsubscribe", "unsuback", "pingreq", "pingresp", "disconnect", "auth"];

/** A copy of a Buffer's bytes as a plain Uint8Array, as our packets hold them. */
const u8 = (buf) => new Uint8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));

/** Sets on o, mqtt-packet's CONNECT, the will (without properties), user name and password of our CONNECT p. */
function willAndLoginToTheirs(p, o) {
  if (p.will) o.will = { topic: p.will.topic, payload: Buffer.from(p.will.message), qos: p.will.qos, retain: p.will.retain };
  if ("username" in p) o.username = p.username;
  if ("password" in p) o.password = Buffer.from(p.password);
}

/** Sets on p, our CONNECT, the will (without properties), user name and password of mqtt-packet's CONNECT o. */
function willAndLoginToOurs(o, p) {
  if (o.will) p.will = { topic: o.will.topic, message: u8(o.will.payload), qos: o.will.qos, retain: o.will.retain };
  if (o.username !== undefined) p.username = o.username;
  if (o.password !== undefined) p.password = u8(o.password);
}

/** Sets on o, mqtt-packet's PUBLISH, the topic, payload, QoS, flags and packet identifier of our PUBLISH p. */
function publishToTheirs(p, o) {
  Object.assign(o, { topic: p.topicName, payload: Buffer.from(p.payload), qos: p.qos, dup: p.dup, retain: p.retain });
  if (p.qos > 0) o.messageId = p.packetId;
}

/** Our PUBLISH (without properties) from mqtt-packet's PUBLISH o. */
function publishToOurs(o) {
  const p = { type: 3, dup: o.dup, qos: o.qos, retain: o.retain, topicName: o.topic };
  if (o.qos > 0) p.packetId = o.messageId;
  p.payload = u8(o.payload);
  return p;
}

module.exports = { CMD, u8, willAndLoginToTheirs, willAndLoginToOurs, publishToTheirs, publishToOurs };
