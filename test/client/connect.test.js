"use strict";
// connect(): the CONNECT packet, CONNACK handling, refusals, timeouts and argument checks.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { useFakeClock, makeClient, connectUp, advance, track, rejectsWith, text, flush, T, MQTTClient, FakeBroker, CONNACK_REASON, MQTT5 } = require("./helpers.js");

useFakeClock();

test("connect(clean): CONNECT carries id, keepalive, clean flag, will, user, password; resolves with session present; up", async () => {
  const { client, broker } = makeClient({
    clientId: "dev-1",
    keepalive: 30,
    will: { topic: "status/dev-1", msg: "gone", qos: 1, retain: true },
    user: "alice",
    password: "s3cret",
  });
  let ups = 0;
  client.on("up", () => ups++);
  assert.equal(client.isConnected, false);
  const promise = track(client.connect(true));
  await flush();
  const [connect, ...rest] = broker.take();
  assert.equal(rest.length, 0);
  assert.equal(connect.type, T.CONNECT);
  assert.deepEqual([...broker.writes[0].subarray(2, 8)], [0, 4, 77, 81, 84, 84]); // "MQTT" [MQTT-3.1.2-1]
  assert.equal(connect.protocolLevel, MQTT5 ? 5 : 4);
  assert.equal(connect.clientId, "dev-1");
  assert.equal(connect.keepAlive, 30);
  assert.equal(connect.cleanSession, true);
  assert.equal(connect.will.topic, "status/dev-1");
  assert.equal(text(connect.will.message), "gone");
  assert.equal(connect.will.qos, 1);
  assert.equal(connect.will.retain, true);
  assert.equal(connect.username, "alice");
  assert.equal(text(connect.password), "s3cret");
  // Not up before the CONNACK.
  assert.equal(promise.state, "pending");
  assert.equal(client.up.isSet(), false);
  assert.equal(client.isConnected, false);
  assert.equal(ups, 0);

  broker.send({ type: T.CONNACK, sessionPresent: false, returnCode: 0 });
  await flush();
  assert.equal(promise.state, "resolved");
  assert.equal(promise.value, false);
  assert.equal(client.up.isSet(), true);
  assert.equal(client.down.isSet(), false);
  assert.equal(client.isConnected, true);
  assert.equal(ups, 1);
  await client.disconnect();
});

test("a transport's socket that reports both connect and secureConnect gets one CONNECT", async () => {
  const { client, broker } = makeClient();
  const promise = client.connect();
  await flush(); // the fake socket has emitted "connect"
  broker.sockets[0].emit("secureConnect");
  await flush();
  assert.deepEqual(broker.take().map((p) => p.type), [T.CONNECT]);
  broker.send({ type: T.CONNACK, sessionPresent: false, returnCode: 0 });
  await promise;
  await client.disconnect();
});

test("connect(false) sends cleanSession false and resolves true when the broker has a session", async () => {
  const { client, broker } = makeClient({ clientId: "dev-2" });
  const { sessionPresent, connect } = await connectUp(client, broker, { clean: false, sessionPresent: true });
  assert.equal(connect.cleanSession, false);
  assert.equal(connect.will, undefined);
  assert.equal(connect.username, undefined);
  assert.equal(connect.password, undefined);
  assert.equal(sessionPresent, true);
  await client.disconnect();
});

test("a will given as bytes goes out as those bytes", async () => {
  const { client, broker } = makeClient({ will: { topic: "w", msg: new Uint8Array([0, 255, 7]) } });
  const { connect } = await connectUp(client, broker);
  assert.deepEqual([...connect.will.message], [0, 255, 7]);
  assert.equal(connect.will.qos, 0);
  assert.equal(connect.will.retain, false);
  await client.disconnect();
});

for (let code = 1; code <= 5; code++) {
  test("CONNACK return code " + code + " rejects CONNACK_REFUSED with returnCode and closes the socket", async () => {
    const { client, broker } = makeClient();
    let ups = 0;
    client.on("up", () => ups++);
    const promise = client.connect();
    await flush();
    broker.send({ type: T.CONNACK, sessionPresent: false, returnCode: code });
    const error = await rejectsWith(promise, "CONNACK_REFUSED");
    assert.equal(error.returnCode, MQTT5 ? CONNACK_REASON[code] : code); // MQTT 5: the reason code that means it
    assert.equal(broker.socket.closed, true);
    assert.equal(client.up.isSet(), false);
    assert.equal(client.isConnected, false);
    assert.equal(ups, 0);
    // The client may try again.
    broker.take();
    const again = await connectUp(client, broker);
    assert.equal(again.sessionPresent, false);
    assert.equal(broker.sockets.length, 2);
    await client.disconnect();
  });
}

test("no CONNACK within responseTime: TIMEOUT and the socket is destroyed", async () => {
  const { client, broker } = makeClient({ responseTime: 2 }); // ticker period 500 ms
  const promise = track(client.connect());
  await flush();
  assert.equal(broker.take()[0].type, T.CONNECT);
  await advance(1500);
  assert.equal(promise.state, "pending");
  assert.equal(broker.socket.destroyed, false);
  await advance(500);
  assert.equal(promise.state, "rejected");
  assert.equal(promise.error.code, "TIMEOUT");
  assert.equal(broker.socket.destroyed, true);
  assert.equal(client.up.isSet(), false);
});

test("a CONNACK trickled a byte at a time does not put off the responseTime deadline", async () => {
  const { client, broker } = makeClient({ responseTime: 2 }); // ticker period 500 ms
  const promise = track(client.connect());
  await flush();
  assert.equal(broker.take()[0].type, T.CONNECT);
  // A CONNACK header claiming 128 bytes of body, then one body byte every 400 ms.
  broker.sendRaw(new Uint8Array([0x20, 0x80, 0x01]));
  for (let t = 0; t < 2000; t += 400) {
    await advance(400);
    if (promise.state !== "pending") break;
    broker.sendRaw(new Uint8Array([0]));
  }
  await advance(100);
  assert.equal(promise.state, "rejected");
  assert.equal(promise.error.code, "TIMEOUT");
});

test("a socket that never opens: TIMEOUT after responseTime", async () => {
  const { client, broker } = makeClient({}, { mode: "silent" });
  const promise = track(client.connect());
  await advance(900);
  assert.equal(promise.state, "pending");
  await advance(100);
  assert.equal(promise.state, "rejected");
  assert.equal(promise.error.code, "TIMEOUT");
  assert.equal(broker.socket.destroyed, true);
  assert.equal(broker.writes.length, 0);
});

test("a socket error while connecting rejects CLOSED with the cause", async () => {
  const { client, broker } = makeClient({}, { mode: "error" });
  const error = await rejectsWith(client.connect(), "CLOSED");
  assert.ok(error.cause instanceof Error);
  assert.equal(broker.writes.length, 0);
});

test("empty clientId with clean=false: BAD_ARGUMENT [MQTT-3.1.3-7], no socket opened", async () => {
  const { client, broker } = makeClient({ clientId: "" });
  await rejectsWith(client.connect(false), "BAD_ARGUMENT");
  assert.equal(broker.transportCalls, 0);
  // An empty id with a clean session is allowed [MQTT-3.1.3-6].
  const { connect } = await connectUp(client, broker, { clean: true });
  assert.equal(connect.clientId, "");
  await client.disconnect();
});

test("connect while connecting or connected: BAD_ARGUMENT, the first connection is unaffected", async () => {
  const { client, broker } = makeClient();
  const first = track(client.connect());
  await rejectsWith(client.connect(), "BAD_ARGUMENT");
  await flush();
  assert.equal(broker.sockets.length, 1);
  assert.equal(broker.take().length, 1);
  broker.send({ type: T.CONNACK, sessionPresent: false, returnCode: 0 });
  await flush();
  assert.equal(first.state, "resolved");
  await rejectsWith(client.connect(), "BAD_ARGUMENT");
  await flush();
  assert.equal(broker.sockets.length, 1);
  assert.equal(broker.socket.closed, false);
  assert.equal(client.up.isSet(), true);
  assert.deepEqual(broker.take(), []);
  await client.disconnect();
});

test("no server: BAD_ARGUMENT, no socket opened", async () => {
  const broker = new FakeBroker();
  const client = new MQTTClient({ transport: broker.transport, clientId: "x" });
  await rejectsWith(client.connect(), "BAD_ARGUMENT");
  assert.equal(broker.transportCalls, 0);
});

test("a transport that throws synchronously: CLOSED with cause; the client can connect later", async () => {
  const { client, broker } = makeClient({}, { mode: "throw" });
  const error = await rejectsWith(client.connect(), "CLOSED");
  assert.ok(error.cause instanceof Error);
  assert.match(error.cause.message, /ECONNREFUSED/);
  assert.equal(client.up.isSet(), false);
  broker.mode = "open";
  await connectUp(client, broker);
  assert.equal(client.up.isSet(), true);
  await client.disconnect();
});

test("the transport gets host and port (0 means 1883)", async () => {
  const { client, broker } = makeClient();
  let opts = null;
  broker.onTransport = (o) => (opts = o);
  await connectUp(client, broker);
  assert.equal(opts.host, "broker.test");
  assert.equal(opts.port, 1883);
  await client.disconnect();
});

test("disconnect() sends DISCONNECT, closes the socket, sets down, and down callbacks get no error", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  const downs = [];
  client.on("down", (...args) => downs.push(args));
  await client.disconnect();
  await flush();
  const sent = broker.take();
  assert.deepEqual(sent.map((p) => p.type), [T.DISCONNECT]);
  assert.equal(broker.socket.closed, true);
  assert.equal(client.up.isSet(), false);
  assert.equal(client.down.isSet(), true);
  assert.equal(downs.length, 1);
  assert.equal(downs[0][0], undefined);
});

test("a packet other than CONNACK first: PROTOCOL [MQTT-3.2.0-1]", async () => {
  const { client, broker } = makeClient();
  const promise = client.connect();
  await flush();
  broker.send({ type: T.PINGRESP });
  const error = await rejectsWith(promise, "PROTOCOL");
  assert.ok(error);
  assert.equal(broker.socket.destroyed, true);
});
