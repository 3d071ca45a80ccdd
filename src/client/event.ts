// asyncio.Event with Promises: wait() resolves once set() has been called.
import { Deferred, settler } from "./settle";

export class Event {
  private flag = false;
  // What wait() hands out while the flag is clear: one promise for every waiter.
  private waiters?: Deferred<void> | null;

  isSet(): boolean {
    return this.flag;
  }

  set(): void {
    const waiters = this.waiters;
    this.flag = true;
    this.waiters = null;
    if (waiters) waiters.done();
  }

  clear(): void {
    this.flag = false;
  }

  wait(): Promise<void> {
    if (this.flag) return Promise.resolve();
    return (this.waiters = this.waiters || (settler({}) as Deferred<void>)).promise;
  }
}
