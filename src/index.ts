// The public exports, nothing else. keepConnected is in its own module: see keep-connected.ts.
export { MQTTClient } from "./client/client";
export { config } from "./client/config";
// Types only, for TypeScript users (dist/types/): nothing of them is in the bundle.
export type { Config, WillConfig } from "./client/config";
export type { MsgCallback, DownCallback } from "./client/client";
export type { Message } from "./client/queue";
export type { Event as MqttEvent } from "./client/event"; // not Event: the DOM has one
export type { QoS } from "./codec/types";
export type { Properties, UserProperty, UserPropertyMap } from "./codec/v5/types";
export type { SubscribeOptions } from "./client/v5";
