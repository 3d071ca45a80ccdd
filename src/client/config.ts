import { QoS } from "../codec/types";
import { Properties } from "../codec/v5/types";
import { SocketLike } from "../transport/link";
import { Store } from "../store/store";

export interface WillConfig {
  topic: string;
  msg: string | Uint8Array;
  retain?: boolean;
  qos?: QoS;
  properties?: Properties; // MQTT 5: the will's properties
}

// mqtt_as names in brackets.
export interface Config {
  server: string; // [server]
  port: number; // [port] 0: 1883, or 8883 with ssl
  clientId: string; // [client_id] absent: a random id; not a string: connect() refuses BAD_ARGUMENT
  user?: string; // [user]
  password?: string; // [password]
  keepalive: number; // [keepalive] seconds; 0 turns pings off
  pingInterval: number; // [ping_interval] seconds; 0: a quarter of keepalive
  responseTime: number; // [response_time] seconds to wait for an acknowledgement
  maxRepubs: number; // [max_repubs] retransmissions (DUP set) before giving up
  will: WillConfig | null; // [will]
  ssl: boolean | object; // [ssl] [ssl_params]
  queueLen: number; // [queue_len]
  maxPacketSize: number; // largest packet accepted from the broker, and sent to it; 0: no bound
  maxInflight: number; // QoS>0 publishes awaiting acknowledgement before publish() waits
  debug: boolean; // [DEBUG]
  transport?: (opts: object) => SocketLike;
  store?: Store; // keeps the session (QoS 1 and 2 publishes, ids) through resets: see store.ts
  // MQTT 5 (dist/mqtt_as5.js; the 3.1.1 bundle refuses protocolVersion 5 at connect())
  protocolVersion?: 4 | 5; // absent: 4
  properties?: Properties; // the CONNECT's; maximumPacketSize absent: maxPacketSize
}

/** The defaults, merged under what is given to `new MQTTClient(cfg)`. */
export const config = {
  server: "",
  port: 0,
  keepalive: 60,
  pingInterval: 0,
  responseTime: 10,
  maxRepubs: 4,
  will: null,
  ssl: false,
  queueLen: 10,
  maxPacketSize: 8192,
  maxInflight: 4,
  debug: false,
};

/**
 * The given settings over the defaults. The defaults are the prototype, not copied: on
 * Espruino a client then holds only the settings it was given (each property is memory).
 */
export function resolveConfig(cfg: Partial<Config>): Config {
  const merged = Object.create(config);
  const given = (cfg || {}) as { [key: string]: unknown };
  for (const key in given) if (given[key] !== undefined) merged[key] = given[key];
  // Absent: a random id. One of another type (a number from JSON settings) is refused by
  // connect(), not replaced: a random id would break a persistent session without a word.
  if (merged.clientId === undefined) merged.clientId = randomClientId();
  return merged;
}

function randomClientId(): string {
  return "mqtt_as_" + ((Math.random() * 0x100000000) >>> 0).toString(16);
}
