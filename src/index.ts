// The public exports, nothing else. keepConnected is in its own module: see keep-connected.ts.
export { MQTTClient } from "./client/client";
export { config } from "./client/config";
