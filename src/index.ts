// The public exports, nothing else.
export { MQTTClient } from "./client/client";
export { config } from "./client/config";
export { keepConnected } from "./client/keep-connected";
