// A bounded first-in, first-out queue ([queue_len] of mqtt_as): when it is full, put() drops
// the oldest item and counts it, so that a slow consumer cannot exhaust memory. The client's
// received messages wait in one; its publishes waiting for an in-flight slot in another,
// unbounded here (memory bounds it: session.ts, hasRoom()).
// Two stacks rather than Array#shift, which moves every element (on Node for long arrays, on
// Espruino always): a long line would cost time quadratic in its length. put() pushes onto
// one; shift() pops the other, refilled by reversing the first.

import { QoS } from "../codec/types";
import { Properties } from "../codec/v5/types";

export interface Message {
  topic: string;
  msg: Uint8Array;
  retained: boolean;
  qos: QoS;
  dup: boolean;
  properties?: Properties; // MQTT 5
}

export class Queue<T> {
  discards = 0;
  /** The client's queue of received messages: PUBLISH packets over maxPacketSize that were
   *  skipped (MQTT 3.1.1; set by the client, not on its other queue). */
  oversized!: number;
  length = 0;
  private input: T[] = [];
  private output: T[] = [];
  private waiters: ((item: T) => void)[] = []; // get() calls awaiting an item

  constructor(private readonly capacity: number) {}

  /** The oldest item, taken now; undefined when empty. */
  shift(): T | undefined {
    const self = this;
    if (!self.length) return undefined;
    if (!self.output.length) {
      self.output = self.input.reverse();
      self.input = [];
    }
    self.length--;
    return self.output.pop();
  }

  /** The oldest item, once there is one. */
  get(): Promise<T> {
    const waiters = this.waiters;
    if (this.length) return Promise.resolve(this.shift() as T);
    return new Promise<T>(function (resolve) {
      waiters.push(resolve);
    });
  }

  put(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) return waiter(item);
    this.input.push(item);
    if (++this.length > this.capacity) {
      this.shift();
      this.discards++;
    }
  }
}
