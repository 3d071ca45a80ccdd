// Keeps the board on WiFi. Espruino's Wifi gives up after its first attempts and never
// reconnects by itself (docs/architecture.md), so this retries with exponential backoff and follows the
// module's `disconnected`/`connected` events for as long as it runs.

/** What the board needs from require("Wifi"). */
export interface WifiLike {
  connect(ssid: string, options: { password: string }, callback: (err: unknown) => void): void;
  on(event: string, callback: (details?: unknown) => void): void;
  removeListener(event: string, callback: (details?: unknown) => void): void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export interface WifiOptions {
  minDelay?: number; // ms before the first retry (default 1000)
  maxDelay?: number; // ms, the longest wait between attempts (default 60000)
  onUp?: () => void; // on every transition to connected
  onDown?: (reason: unknown) => void; // on every transition to disconnected
  log?: (text: string) => void;
  timers?: Timers; // default: the global setTimeout/clearTimeout
}

export interface WifiLink {
  isUp(): boolean;
  stop(): void;
}

/** Delay before retry number `failures` (0-based): minDelay doubled each time, capped. */
export function backoff(failures: number, minDelay: number, maxDelay: number): number {
  return Math.min(maxDelay, minDelay * Math.pow(2, Math.min(failures, 30)));
}

export function keepWifi(wifi: WifiLike, ssid: string, password: string, opts?: WifiOptions): WifiLink {
  const options = opts || {};
  const minDelay = options.minDelay || 1000;
  const maxDelay = Math.max(minDelay, options.maxDelay || 60000);
  const timers: Timers = options.timers || {
    setTimeout: function (fn: () => void, ms: number) {
      return setTimeout(fn, ms);
    },
    clearTimeout: function (id: unknown) {
      clearTimeout(id);
    },
  };
  const log = options.log || function () {};
  let up = false;
  let attempting = false;
  let stopped = false;
  let failures = 0;
  let timer: unknown = null;

  function attempt(): void {
    timer = null;
    if (stopped || up || attempting) return;
    attempting = true;
    try {
      wifi.connect(ssid, { password: password }, connected);
    } catch (e) {
      connected(e || "connect threw");
    }
  }

  function connected(err: unknown): void {
    attempting = false;
    if (stopped) return;
    if (err) {
      log("WiFi: connection failed: " + err);
      schedule();
    } else becameUp();
  }

  function becameUp(): void {
    failures = 0;
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
    if (up) return;
    up = true;
    log("WiFi: connected to " + ssid);
    if (options.onUp) options.onUp();
  }

  function schedule(): void {
    if (stopped || up || attempting || timer !== null) return;
    const delay = backoff(failures++, minDelay, maxDelay);
    log("WiFi: retry in " + delay + " ms");
    timer = timers.setTimeout(attempt, delay);
  }

  function onConnected(): void {
    if (!stopped) becameUp();
  }

  function onDisconnected(details?: unknown): void {
    if (stopped) return;
    if (up) {
      up = false;
      log("WiFi: disconnected");
      if (options.onDown) options.onDown(details);
    }
    // Reconnect at once after a loss; backoff applies from the first failed attempt on.
    if (!attempting && timer === null) attempt();
  }

  wifi.on("connected", onConnected);
  wifi.on("disconnected", onDisconnected);
  attempt();
  return {
    isUp: function () {
      return up;
    },
    stop: function () {
      stopped = true;
      wifi.removeListener("connected", onConnected);
      wifi.removeListener("disconnected", onDisconnected);
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
    },
  };
}
