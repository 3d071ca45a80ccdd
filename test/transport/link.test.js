"use strict";
// The link over a socket that handles its listeners as Espruino does: a listener that is
// stopped midway (Espruino stops code that runs out of memory, past every catch) is removed,
// and nothing calls it again. The link must notice on the client's tick (verify()), or the
// connection stays up, deaf or unable to send, for as long as nothing else ends it.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { openLink } = require("../../build/transport/link.js");

const STOPPED = new Error("stopped midway (as out of memory)");

/** A socket whose listeners are removed once one is stopped midway. */
function espruinoSocket() {
  const listeners = {};
  return {
    writes: [],
    removed: [],
    on(event, cb) {
      (listeners[event] = listeners[event] || []).push(cb);
    },
    emit(event, arg) {
      for (const cb of (listeners[event] || []).slice()) {
        try {
          cb(arg);
        } catch (error) {
          if (error !== STOPPED) throw error;
          listeners[event] = listeners[event].filter((other) => other !== cb);
          this.removed.push(event);
        }
      }
    },
    write(data) {
      this.writes.push(data);
      return true;
    },
    destroy() {
      this.destroyed = true;
    },
  };
}

/** A link whose client is stopped midway once, on the event `stopOn`. */
function linkStoppedOn(stopOn) {
  const socket = espruinoSocket();
  const events = [];
  let stopped = false;
  const link = openLink({ server: "broker.test", port: 1883, ssl: false, transport: () => socket }, (event, value) => {
    events.push([event, value]);
    if (event === stopOn && !stopped) {
      stopped = true;
      throw STOPPED;
    }
  });
  socket.emit("connect");
  return { socket, link, events };
}

const EVENT = { OPEN: 0, DATA: 1, DRAIN: 2, CLOSE: 3 };

test("a drain handler stopped midway: verify() closes the link with a cause, and the socket", () => {
  const { socket, link, events } = linkStoppedOn(EVENT.DRAIN);
  link.verify();
  assert.deepEqual(events.map((e) => e[0]), [EVENT.OPEN], "verify() does nothing while no handler was stopped");
  socket.emit("drain");
  assert.deepEqual(socket.removed, ["drain"], "the socket removed the stopped handler");
  link.verify();
  const closes = events.filter((e) => e[0] === EVENT.CLOSE);
  assert.equal(closes.length, 1, "one CLOSE");
  assert.match(String(closes[0][1] && closes[0][1].message), /socket handler stopped/);
  assert.equal(socket.destroyed, true);
});

// What the data handler's catch can catch closes the link at once, with that error; code
// stopped past the catch is what verify() is for (tested on the interpreter, which can run
// out of memory: test/espruino/interpreter.test.js).
test("an error thrown while the data handler runs closes the link at once, with that error", () => {
  const { socket, events } = linkStoppedOn(EVENT.DATA);
  socket.emit("data", new Uint8Array([0xd0, 0]));
  assert.deepEqual(socket.removed, [], "the handler caught it");
  assert.deepEqual(events.map((e) => e[0]), [EVENT.OPEN, EVENT.DATA, EVENT.CLOSE]);
  assert.equal(events[2][1], STOPPED);
  assert.equal(socket.destroyed, true);
});

test("data and drain handlers that return: verify() leaves the link open", () => {
  const { socket, link, events } = linkStoppedOn(-1);
  socket.emit("data", new Uint8Array([0xd0, 0]));
  socket.emit("drain");
  link.verify();
  assert.deepEqual(events.map((e) => e[0]), [EVENT.OPEN, EVENT.DATA, EVENT.DRAIN]);
  assert.notEqual(socket.destroyed, true);
});
