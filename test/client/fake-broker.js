"use strict";
// A scripted fake socket and broker for the client's state machine tests.
//
// `broker.transport` goes into the client's config; each call makes a FakeSocket that
// emits 'connect' on a later turn (setImmediate, which the tests' mock.timers leave real),
// decodes every write with the codec's PacketParser and the server-side decoders, and lets
// the test script the broker's side with `send(packet)` (encoded with the codec) or
// `sendRaw(bytes)`. Optional auto-replies (CONNACK, SUBACK, PINGRESP) serve the tests that
// are about something else.
//
// Under MQTT 5 (test/client/mqtt5.js) it speaks MQTT 5 with the same script: the packets a
// test sends are written as 3.1.1 packets and sent as their MQTT 5 equals (a return code as
// the reason code that means it), and what the client writes reads as 3.1.1 packets where a
// 3.1.1 packet can say it (reason code 0 and default subscription options left out).
const { EventEmitter } = require("node:events");
const { encode } = require("../../build/codec/broker/encode.js");
const { encode5 } = require("../../build/codec/broker/encode5.js");
const { PacketParser } = require("../../build/codec/parser.js");
const { serverDecoders } = require("../../build/codec/broker/decoders-all.js");
const { serverDecoders5 } = require("../../build/codec/broker/decode5.js");
const { MQTT5 } = require("../../build/client/version.js");

const T = {
  CONNECT: 1,
  CONNACK: 2,
  PUBLISH: 3,
  PUBACK: 4,
  PUBREC: 5,
  PUBREL: 6,
  PUBCOMP: 7,
  SUBSCRIBE: 8,
  SUBACK: 9,
  UNSUBSCRIBE: 10,
  UNSUBACK: 11,
  PINGREQ: 12,
  PINGRESP: 13,
  DISCONNECT: 14,
};
const NAMES = {};
for (const k in T) NAMES[T[k]] = k;

// CONNACK return codes 1..5 of 3.1.1 as MQTT 5 reason codes (the table in 3.2.2.2).
const CONNACK_REASON = [0, 0x84, 0x85, 0x88, 0x86, 0x87];

/** The bytes of `packet` (3.1.1's words) in the version this process speaks. */
function packetBytes(packet) {
  return MQTT5 ? encode5(toV5(packet)) : encode(packet);
}

/** A 3.1.1 packet as MQTT 5 sends it: reason codes where 3.1.1 has return codes or none. */
function toV5(p) {
  if (p.type === T.CONNACK && p.reasonCode === undefined) return Object.assign({}, p, { reasonCode: CONNACK_REASON[p.returnCode] });
  if (p.type === T.SUBACK && !p.reasonCodes) return Object.assign({}, p, { reasonCodes: p.returnCodes });
  if (p.type === T.UNSUBACK && !p.reasonCodes) return Object.assign({}, p, { reasonCodes: [0] }); // the client unsubscribes one filter a time
  return p;
}

/** What the client wrote under MQTT 5, in 3.1.1's words where they say it all. */
function fromV5(p) {
  const out = Object.assign({}, p);
  if (p.type === T.CONNECT) {
    out.cleanSession = p.cleanStart;
    delete out.cleanStart;
  }
  if (p.reasonCode === 0 && !p.properties) delete out.reasonCode;
  if (p.subscriptions) {
    out.subscriptions = p.subscriptions.map((s) =>
      s.noLocal || s.retainAsPublished || s.retainHandling ? s : { topicFilter: s.topicFilter, qos: s.qos }
    );
  }
  return out;
}

/** Lets every pending promise reaction, nextTick and setImmediate run. */
async function flush(rounds = 3) {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

class FakeSocket extends EventEmitter {
  constructor(broker, opts, index) {
    super();
    this.broker = broker;
    this.opts = opts;
    this.index = index;
    this.destroyed = false;
    this.ended = false;
    this.writes = []; // raw Uint8Array copies
    this.corked = 0; // Node's cork() depth
    this.corkedWrites = []; // for each write: whether it was made while corked
    this.packets = []; // decoded packets written by the client on this socket
    this.parseError = null;
    this.parser = new PacketParser(MQTT5 ? serverDecoders5 : serverDecoders, 0, (decoded) => {
      const packet = MQTT5 ? fromV5(decoded) : decoded;
      this.packets.push(packet);
      broker.packets.push(packet);
      broker.log.push("client:" + NAMES[packet.type]);
      broker.autoReply(this, packet);
    });
  }

  write(data) {
    // Espruino throws when a socket has closed under the writer.
    if (this.broker.writeThrows) throw new Error("This socket is closed");
    const bytes = new Uint8Array(data);
    this.writes.push(bytes);
    this.corkedWrites.push(this.corked > 0);
    this.broker.writes.push(bytes);
    if (this.destroyed || this.ended) this.broker.writesAfterClose++;
    try {
      this.parser.push(bytes);
    } catch (error) {
      this.parseError = error;
      this.broker.parseErrors.push(error);
    }
    return this.broker.writeReturns;
  }

  cork() {
    this.corked++;
  }

  uncork() {
    if (this.corked) this.corked--;
  }

  get writableCorked() {
    return this.corked;
  }

  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    // A Node socket emits 'close' after destroy(), on a later turn.
    setImmediate(() => this.emit("close"));
  }

  end() {
    if (this.ended) return;
    this.ended = true;
    // A Node socket emits 'finish' once what was written is flushed, on a later turn.
    setImmediate(() => this.emit("finish"));
  }

  get closed() {
    return this.destroyed || this.ended;
  }

  /** The broker's side: bytes from the broker to the client. */
  sendRaw(bytes) {
    this.emit("data", Buffer.from(bytes));
  }

  send(packet) {
    this.sendRaw(packetBytes(packet));
  }
}

class FakeBroker {
  constructor(options = {}) {
    this.sockets = [];
    this.packets = []; // every decoded packet the client wrote, over all sockets
    this.writes = []; // every raw write
    this.log = []; // "client:TYPE" entries; tests may push their own markers
    this.parseErrors = [];
    this.writesAfterClose = 0;
    this.writeReturns = true;
    this.writeThrows = false;
    this.transportCalls = 0;
    // What happens to the next transport() calls:
    //   "open" (emit connect), "silent" (never connect), "error" (emit error), "throw".
    this.mode = options.mode || "open";
    // Auto-replies: connack = { sessionPresent, returnCode } or null; suback: granted QoS
    // (or a function (subscription) => code) or null; pingresp: boolean.
    this.auto = {
      connack: options.connack === undefined ? null : options.connack,
      suback: options.suback === undefined ? null : options.suback,
      pingresp: !!options.pingresp,
    };
    this.onTransport = null; // (opts) => void, called on each transport() call
    this.transport = (opts) => this.open(opts);
  }

  open(opts) {
    this.transportCalls++;
    if (this.onTransport) this.onTransport(opts);
    if (this.mode === "throw") throw new Error("ECONNREFUSED (thrown)");
    const socket = new FakeSocket(this, opts, this.sockets.length);
    this.sockets.push(socket);
    if (this.mode === "open") {
      setImmediate(() => {
        if (!socket.destroyed) socket.emit("connect");
      });
    } else if (this.mode === "error") {
      setImmediate(() => {
        socket.emit("error", new Error("ECONNREFUSED"));
        socket.emit("close");
      });
    }
    return socket;
  }

  get socket() {
    return this.sockets[this.sockets.length - 1];
  }

  send(packet) {
    this.socket.send(packet);
  }

  sendRaw(bytes) {
    this.socket.sendRaw(bytes);
  }

  /** The connection ends from the broker's (or network's) side. */
  drop() {
    const socket = this.socket;
    socket.emit("end");
    socket.emit("close");
  }

  /** Decoded packets written since the last take(), and forgets them. */
  take() {
    const out = this.packets;
    this.packets = [];
    return out;
  }

  /** Decoded packets since the last take() of the given type name ("PUBLISH"), not consumed. */
  seen(name) {
    return this.packets.filter((p) => p.type === T[name]);
  }

  /** Replies on a later turn: a real broker never answers inside the client's write(). */
  autoReply(socket, packet) {
    setImmediate(() => {
      if (!socket.closed) this.replyTo(socket, packet);
    });
  }

  replyTo(socket, packet) {
    const auto = this.auto;
    if (packet.type === T.CONNECT && auto.connack) {
      socket.send({
        type: T.CONNACK,
        sessionPresent: !!auto.connack.sessionPresent,
        returnCode: auto.connack.returnCode || 0,
      });
    } else if (packet.type === T.SUBSCRIBE && auto.suback !== null) {
      socket.send({
        type: T.SUBACK,
        packetId: packet.packetId,
        returnCodes: packet.subscriptions.map((s) =>
          typeof auto.suback === "function" ? auto.suback(s) : auto.suback === true ? s.qos : auto.suback
        ),
      });
    } else if (packet.type === T.PINGREQ && auto.pingresp) {
      socket.send({ type: T.PINGRESP });
    }
  }
}

module.exports = { FakeBroker, FakeSocket, T, NAMES, flush, packetBytes, CONNACK_REASON, MQTT5 };
