// A loopback TCP proxy between a client and a broker, for fault injection:
//   cut({ afterBytes, direction })  destroy every current connection now, or, with afterBytes,
//                                   forward only that many bytes of the next chunk in
//                                   `direction` ("up": client->broker, "down": broker->client)
//                                   and then destroy both sides (a cut inside a packet)
//   blackhole(on)                   stop forwarding both ways without closing (half-open);
//                                   new connections are accepted and then ignored too
//   refuse(on)                      reset every new connection at once (the path is down)
//   closeAfterConnack(on)           forward the broker's first 4 bytes (CONNACK), then close
// It records every connection in `connections` ({ openedAt, closedAt, connacked }) so that
// tests can measure the supervisor's backoff between attempts.
"use strict";
const net = require("node:net");

async function startProxy({ targetHost = "127.0.0.1", targetPort, port = 0 }) {
  const live = new Set(); // { client, upstream, record, poisoned }
  const connections = [];
  let blackholed = false;
  let refusing = false;
  let connackCut = false;
  let armedCut = null; // { afterBytes, direction }

  function kill(pair) {
    if (pair.dead) return;
    pair.dead = true;
    live.delete(pair);
    if (pair.record.closedAt === null) pair.record.closedAt = Date.now();
    pair.client.destroy();
    if (pair.upstream) pair.upstream.destroy();
  }

  function forward(pair, direction, chunk) {
    if (pair.dead) return;
    if (blackholed) {
      pair.poisoned = true; // bytes were lost: this stream can never be resumed
      return;
    }
    const to = direction === "up" ? pair.upstream : pair.client;
    if (armedCut && armedCut.direction === direction && chunk.length > armedCut.afterBytes) {
      const n = armedCut.afterBytes;
      armedCut = null;
      pair.record.cutMidPacket = true;
      to.write(chunk.subarray(0, n), () => kill(pair));
      setTimeout(() => kill(pair), 50); // in case the write callback never comes
      return;
    }
    if (direction === "down" && connackCut && !pair.record.connacked) {
      pair.record.connacked = true;
      // CONNACK is 4 bytes [MQTT-3.2]; end() sends them before the FIN.
      pair.client.end(chunk.subarray(0, 4));
      pair.upstream.destroy();
      pair.dead = true;
      live.delete(pair);
      pair.record.closedAt = Date.now();
      pair.client.on("close", () => pair.client.destroy());
      pair.record.closedAfterConnack = true;
      setTimeout(() => pair.client.destroy(), 1000).unref();
      return;
    }
    if (direction === "down" && !pair.record.connacked && chunk.length >= 4) pair.record.connacked = true;
    to.write(chunk);
  }

  const server = net.createServer((client) => {
    const record = {
      openedAt: Date.now(),
      closedAt: null,
      connacked: false,
      refused: false,
      cutMidPacket: false,
      closedAfterConnack: false,
    };
    connections.push(record);
    client.on("error", () => {});
    if (refusing) {
      record.refused = true;
      record.closedAt = Date.now();
      client.resetAndDestroy();
      return;
    }
    const pair = { client, upstream: null, record, dead: false, poisoned: false };
    live.add(pair);
    client.on("close", () => kill(pair));
    if (blackholed) {
      // Accept, but never reach the broker: like a path that silently drops everything.
      pair.poisoned = true;
      client.on("data", () => {});
      return;
    }
    client.pause();
    const upstream = net.connect({ host: targetHost, port: targetPort });
    pair.upstream = upstream;
    upstream.on("error", () => {});
    upstream.on("connect", () => client.resume());
    upstream.on("close", () => {
      // Half-open: the broker's side may give up while the client still believes in it.
      if (blackholed) pair.poisoned = true;
      else kill(pair);
    });
    client.on("data", (chunk) => forward(pair, "up", chunk));
    upstream.on("data", (chunk) => forward(pair, "down", chunk));
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });

  return {
    host: "127.0.0.1",
    port: server.address().port,
    connections,
    /** Connections open right now. */
    get liveCount() {
      return live.size;
    },
    cut({ afterBytes, direction = "up" } = {}) {
      if (afterBytes === undefined) {
        for (const pair of [...live]) kill(pair);
      } else {
        armedCut = { afterBytes, direction };
      }
    },
    /** True while an armed cut has not happened yet. */
    get cutPending() {
      return armedCut !== null;
    },
    blackhole(on) {
      blackholed = !!on;
      if (!on) for (const pair of [...live]) if (pair.poisoned) kill(pair);
    },
    refuse(on) {
      refusing = !!on;
    },
    closeAfterConnack(on) {
      connackCut = !!on;
    },
    async close() {
      for (const pair of [...live]) kill(pair);
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

module.exports = { startProxy };
