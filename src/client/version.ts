// Whether this build speaks MQTT 5 besides 3.1.1: false here, for tsc's build. The bundles
// take the value from rollup.config.mjs, dist/mqtt_as5.js true and the others false, as a
// constant that every MQTT 5 branch tests first: the 3.1.1 bundle holds none of them, and its
// users pay nothing for MQTT 5.
export const MQTT5: boolean = false;
