// asyncio.Event with Promises: wait() resolves once set() has been called.
export class Event {
  private flag = false;
  // What wait() hands out while the flag is clear: one promise for every waiter.
  private promise?: Promise<void>;
  private release?: () => void;

  isSet(): boolean {
    return this.flag;
  }

  set(): void {
    const release = this.release;
    this.flag = true;
    this.promise = this.release = undefined;
    if (release) release();
  }

  clear(): void {
    this.flag = false;
  }

  wait(): Promise<void> {
    const self = this;
    if (self.flag) return Promise.resolve();
    return (self.promise =
      self.promise ||
      new Promise<void>(function (resolve) {
        self.release = resolve;
      }));
  }
}
