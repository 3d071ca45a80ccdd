// A first-in, first-out list. Array#shift copies the whole array on Node, which made a
// long line of waiting publishes quadratic; here shift() moves an index, and the array is
// compacted once the consumed half outweighs the rest.
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined; // not kept alive by the list
    if (this.head > 32 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}
