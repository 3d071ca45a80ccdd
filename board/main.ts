// The entry of dist/board.js: hands Espruino's globals to the application and starts it.
// Settings come from Storage (see settings.ts); a bad or missing file is reported by name.
import { describe, Platform, start } from "./app";
import { readSettings } from "./settings";
import { SleepPlatform, wake } from "./sleep-cycle";
import { WifiLike } from "./wifi";
import { Store } from "../src/store/store";

declare const global: { [name: string]: unknown };

/** The session store of the low-power mode: its files in Storage, and the flash they take. */
const STORE_NAME = "mqtt_as_session";
const STORE_BYTES = 16384;

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
    const platform: Platform = {
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
    };
    const settings = readSettings(platform.storage);
    if (settings.sleep > 0) wake(sleepPlatform(platform), settings);
    else global.app = start(platform);
  } catch (e) {
    console.log("mqtt_as board: " + describe(e));
  }
}

/** The low-power mode's additions: deep sleep, and the session store in flash. */
function sleepPlatform(platform: Platform): SleepPlatform {
  const p = platform as SleepPlatform;
  p.deepSleep = function (us: number) {
    ESP32.deepSleep(us);
  };
  p.onStay = function (app) {
    global.app = app;
  };
  const stores = optionalModule("flash-store") as { flashStore(name: string, options: { maxBytes: number }): Store } | undefined;
  try {
    if (stores) p.store = stores.flashStore(STORE_NAME, { maxBytes: STORE_BYTES });
    else console.log('mqtt_as board: no "flash-store" module in Storage: a wake that cannot reach the broker loses its messages');
  } catch (e) {
    // Storage too full for the store, say: the board still wakes, publishes and sleeps.
    console.log("mqtt_as board: no session store: " + describe(e));
  }
  return p;
}

main();
