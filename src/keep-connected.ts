// The supervisor's exports: a module of its own (dist/keep-connected.js), because the client
// does no connection management (mqtt_as.compat) and its bundle carries only what it uses.
export { keepConnected } from "./client/keep-connected";
export type { KeepConnectedOptions, Supervisor } from "./client/keep-connected";
