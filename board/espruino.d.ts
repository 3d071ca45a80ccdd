// Espruino globals that only the board application touches (src/espruino.d.ts declares the
// ones the library shares: E, require, console, timers).
declare const LED1: unknown;
declare const D2: unknown;
declare function digitalWrite(pin: unknown, value: boolean | number): void;
declare function getTime(): number; // seconds since power-on
declare const ESP32: { deepSleep(us: number): void };
