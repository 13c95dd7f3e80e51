/**
 * Decoded strings of recently seen byte sequences. Usage files repeat a few values per column row after row (the
 * customer, the day, the currency, a handful of meter categories), so comparing a field's bytes with those already
 * decoded is cheaper than decoding again, and equal values come back as the same string.
 */
export class ByteStringCache<T> {
  private readonly keys: Buffer[] = [];
  private readonly values: T[] = [];
  private next = 0;

  constructor(
    private readonly size: number,
    private readonly decode: (bytes: Buffer, start: number, end: number) => T,
  ) {}

  get(bytes: Buffer, start: number, end: number): T {
    const length = end - start;
    const { keys } = this;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      if (key === undefined || key.length !== length) continue;
      let i = 0;
      while (i < length && key[i] === bytes[start + i]) i++;
      if (i === length) return this.values[k] as T;
    }
    const value = this.decode(bytes, start, end);
    const slot = this.next;
    this.next = (slot + 1) % this.size;
    keys[slot] = Buffer.from(bytes.subarray(start, end));
    this.values[slot] = value;
    return value;
  }
}
