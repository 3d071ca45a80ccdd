// A bounded first-in, first-out queue ([queue_len] of mqtt_as) of received messages: when it
// is full, put() drops the oldest item and counts it, so that a slow consumer cannot exhaust
// memory. Array#shift moves every element (on Espruino always), which queueLen keeps few.

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
  private items: T[] = [];
  private waiters: ((item: T) => void)[] = []; // get() calls awaiting an item

  constructor(private readonly capacity: number) {}

  /** The oldest item, taken now; undefined when empty. */
  shift(): T | undefined {
    if (!this.length) return undefined;
    this.length--;
    return this.items.shift();
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
    this.items.push(item);
    if (++this.length > this.capacity) {
      this.shift();
      this.discards++;
    }
  }
}
