/**
 * Events per second over roughly the last `windowSeconds`, decaying when nothing happens:
 * the "live write load" placement compares between shards, cheap to update on every batch.
 */
export class DecayingRate {
  private value = 0;
  private at = performance.now();

  constructor(private readonly windowSeconds = 10) {}

  add(count: number): void {
    this.value = this.current() + count / this.windowSeconds;
    this.at = performance.now();
  }

  current(): number {
    const dt = (performance.now() - this.at) / 1000;
    return this.value * Math.exp(-dt / this.windowSeconds);
  }
}
