// The bounded queue of received messages ([queue_len] of mqtt_as): when it is full, the
// oldest message is dropped and counted, so that a slow consumer cannot exhaust memory.
export interface Message {
  topic: string;
  msg: Uint8Array;
  retained: boolean;
  qos: number;
  dup: boolean;
}

export class MessageQueue {
  discards = 0;
  private items: Message[] = []; // at most `capacity`: shift() stays cheap
  private waiters: ((m: Message) => void)[] = [];

  constructor(private readonly capacity: number) {}

  get(): Promise<Message> {
    const items = this.items;
    const waiters = this.waiters;
    if (items.length) return Promise.resolve(items.shift() as Message);
    return new Promise<Message>(function (resolve) {
      waiters.push(resolve);
    });
  }

  put(message: Message): void {
    const waiter = this.waiters.shift();
    if (waiter) return waiter(message);
    this.items.push(message);
    if (this.items.length > this.capacity) {
      this.items.shift();
      this.discards++;
    }
  }
}
