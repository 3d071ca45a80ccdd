// The entry of dist/board.js: hands Espruino's globals to the application and starts it.
// Settings come from Storage (see settings.ts); a bad or missing file is reported by name.
import { start } from "./app";

declare const global: { [name: string]: unknown };

function main(): void {
  const t0 = getTime(); // the RTC: seconds since power-on unless someone set the clock
  const led = typeof LED1 !== "undefined" ? LED1 : D2; // D2: the LED of most ESP32 DevKits
  try {
    global.app = start({
      storage: require("Storage"),
      wifi: require("Wifi"),
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
    console.log("mqtt_as board: " + (e as Error).message);
  }
}

main();
