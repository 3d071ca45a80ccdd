// What the session log needs from where it keeps its files: Espruino's Storage (flash) or a
// folder (Node). Files are made with a fixed size and written once per byte, as NOR flash
// allows: the log never writes a byte it wrote before.
export interface Medium {
  /** The names of the files that start with `prefix` followed by "#" or "~". */
  files(prefix: string): string[];
  /** `length` bytes at `offset` of file `name`; bytes not yet written read as 0xFF. */
  read(name: string, offset: number, length: number): Uint8Array;
  /** Writes `bytes` at `offset`; with `size` (at offset 0) first makes the file, of that size.
   *  Throws when the medium cannot (full, or the bytes were written before). */
  write(name: string, bytes: Uint8Array, offset: number, size?: number): void;
  /** Removes a file. */
  erase(name: string): void;
  /** CRC-32 (IEEE) of the bytes. */
  crc(bytes: Uint8Array): number;
  /** Bytes of each file beyond its size (Storage's 32-byte header). */
  overhead: number;
}
