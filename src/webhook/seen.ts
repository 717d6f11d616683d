/** Event ids already accepted, so a redelivered event runs once. Bounded: the oldest ids are forgotten first. */
export class SeenIds {
  private readonly ids = new Set<string>();

  constructor(readonly capacity = 10_000) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    if (this.ids.has(id)) return;
    this.ids.add(id);
    // A Set iterates in insertion order: the first value is the oldest.
    while (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
  }

  get size(): number {
    return this.ids.size;
  }
}
