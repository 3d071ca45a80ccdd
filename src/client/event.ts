// asyncio.Event with Promises: wait() resolves once set() has been called.
export class Event {
  private flag = false;
  private waiters: (() => void)[] = [];

  isSet(): boolean {
    return this.flag;
  }

  set(): void {
    this.flag = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (let i = 0; i < waiters.length; i++) waiters[i]();
  }

  clear(): void {
    this.flag = false;
  }

  wait(): Promise<void> {
    if (this.flag) return Promise.resolve();
    const waiters = this.waiters;
    return new Promise<void>(function (resolve) {
      waiters.push(resolve);
    });
  }
}
