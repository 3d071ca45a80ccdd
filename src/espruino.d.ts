// Globals of the two platforms that src/ may touch, typed only as far as it uses them.
// `E` exists on Espruino only; `require` on both (Espruino resolves "net" and "tls" itself).
declare const E: {
  toString(bytes: Uint8Array): string;
  toFlatString(str: string): string | undefined;
  toUint8Array(str: string): Uint8Array;
  toArrayBuffer(str: string): ArrayBuffer;
  getSizeOf(obj: unknown, depth?: number): number;
  sum(view: ArrayLike<number>): number;
  CRC32(data: ArrayLike<number>): number;
};
// Espruino's process.memory(gc): JsVars free and the bytes of one; Node's has neither.
declare const process: { memory(gc?: boolean): { free: number; blocksize: number } };
declare function require(name: string): any;
declare const console: { log(...args: unknown[]): void };
declare function setTimeout(fn: (...args: any[]) => void, ms: number, ...args: unknown[]): unknown; // args: to fn (both platforms)
declare function clearTimeout(id: unknown): void;
declare function setInterval(fn: () => void, ms: number): unknown;
declare function clearInterval(id: unknown): void;
