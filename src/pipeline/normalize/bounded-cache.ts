/**
 * A small memo for pure functions of short strings seen over and over (principals, tool names). Keys are
 * the exact input; the size is capped and the whole map is dropped when full, so input an attacker churns
 * costs a recompute, never memory. Values must be immutable (frozen or primitive): every caller shares them.
 */
export class BoundedCache<V extends NonNullable<unknown> | null> {
  private readonly map = new Map<string, V>();

  /** `maxEntries` bounds the entries, `maxKeyLength` the characters of a key worth storing. */
  constructor(
    private readonly maxEntries: number,
    private readonly maxKeyLength: number,
  ) {}

  /** The memoized `compute(key)`; a longer key is computed every time, never hashed or stored. */
  get(key: string, compute: (key: string) => V): V {
    if (key.length > this.maxKeyLength) return compute(key);
    const hit = this.map.get(key);
    if (hit !== undefined) return hit;
    const value = compute(key);
    if (this.map.size >= this.maxEntries) this.map.clear();
    this.map.set(key, value);
    return value;
  }
}
