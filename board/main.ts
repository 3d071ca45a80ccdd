// The entry of dist/board.js: hands Espruino's globals to the application and starts it.
// Settings come from Storage (see settings.ts); a bad or missing file is reported by name.
import { describe, start } from "./app";
import { WifiLike } from "./wifi";

declare const global: { [name: string]: unknown };

/** require(name), or undefined where this build of Espruino has no such module. */
function optionalModule(name: string): unknown {
  try {
    return require(name);
  } catch (e) {
    return undefined;
  }
}

function main(): void {
  const t0 = getTime(); // the RTC: seconds since power-on unless someone set the clock
  const led = typeof LED1 !== "undefined" ? LED1 : D2; // D2: the LED of most ESP32 DevKits
  // Looked up on its own, before the object below: Espruino 2v29 does not catch an exception
  // thrown inside an object literal that goes on to hold a function ("Uncaught", and the
  // board is left half started). The Linux build of Espruino has no Wifi module at all.
  const wifi = optionalModule("Wifi") as WifiLike | undefined;
  if (!wifi) {
    console.log('mqtt_as board: no "Wifi" module in this build of Espruino (an ESP32 build has one); nothing started');
    return;
  }
  try {
    global.app = start({
      storage: require("Storage"),
      wifi: wifi,
      setLed: function (on: boolean) {
        digitalWrite(led, on);
      },
      uptime: function () {
        return getTime() - t0;
      },
      log: function (text: string) {
        console.log(text);
      },
    });
  } catch (e) {
    console.log("mqtt_as board: " + describe(e));
  }
}

main();
