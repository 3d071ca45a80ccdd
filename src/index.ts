// The public exports, nothing else.
export { mqttError } from "./codec/errors";
