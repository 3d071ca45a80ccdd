// The one cyclic timer that serves every timeout of a connection, as lwIP's does: time is
// counted in elapsed milliseconds of ticks, so no clock is read and a fake timer drives it.
export class Ticker {
  now = 0;
  private timer: unknown = null;

  start(periodMs: number, onTick: (now: number) => void): void {
    this.stop();
    const self = this;
    this.timer = setInterval(function () {
      self.now += periodMs;
      onTick(self.now);
    }, periodMs);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
