/**
 * writ's metrics registry on prom-client (the Prometheus client for Node): counters, gauges and histograms
 * with declared label names, the default process metrics, rendered in the text format on the admin port.
 * Families are created at start; the decision path only increments and observes.
 */
import {
  Counter as PromCounter,
  Gauge as PromGauge,
  Histogram as PromHistogram,
  Registry,
  collectDefaultMetrics,
} from 'prom-client';

type Labels = Readonly<Record<string, string>>;

/** A monotonically increasing series family. */
export interface Counter {
  inc(labels?: Labels, by?: number): void;
}

/** A series family that is set to its current value. */
export interface Gauge {
  set(value: number, labels?: Labels): void;
  /** Drops every series of the family (an info gauge whose label changed). */
  reset(): void;
}

/** A distribution of observed values (seconds, for durations). */
export interface Histogram {
  observe(value: number, labels?: Labels): void;
}

/** A series' key within its family: the label values in the family's declared order. */
const seriesKey = (labelNames: readonly string[], labels: Labels | undefined) =>
  labels === undefined ? '' : labelNames.map((n) => labels[n] ?? '').join('\u0000');

/** A registry of metric families, with prom-client's default process metrics (`process_*`, `nodejs_*`). */
export class MetricsRegistry {
  /** The prom-client registry (one per writ instance, so tests can run several). */
  readonly registry = new Registry();
  private readonly collectors: (() => void)[] = [];
  private readonly counters = new Map<
    string,
    {
      prom: PromCounter;
      series: Map<string, { labels: Labels | undefined; value: number }>;
      labelNames: string[];
    }
  >();
  private readonly gauges = new Map<
    string,
    { prom: PromGauge; values: Map<string, number>; labelNames: string[] }
  >();
  private readonly histograms = new Map<
    string,
    { prom: PromHistogram; children: Map<string, { observe(value: number): void }>; labelNames: string[] }
  >();

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Registers a function run before every render, to copy state kept elsewhere into gauges. */
  collect(fn: () => void): void {
    this.collectors.push(fn);
  }

  private readonly kinds = new Map<string, string>();

  private checkName(name: string, kind: string): void {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new TypeError(`invalid metric name "${name}"`);
    const known = this.kinds.get(name);
    if (known !== undefined && known !== kind) throw new TypeError(`metric "${name}" is already a ${known}`);
    this.kinds.set(name, kind);
  }

  /** Registers (or returns) a counter family with these label names. */
  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    this.checkName(name, 'counter');
    let c = this.counters.get(name);
    if (c === undefined) {
      const series = new Map<string, { labels: Labels | undefined; value: number }>();
      // A measured choice: prom-client hashes the labels on every inc() (about 1 us each here). The decision
      // path only adds to a number in a map keyed by the label values; prom-client is told at scrape time.
      const prom = new PromCounter({
        name,
        help,
        labelNames: [...labelNames],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const s of series.values()) {
            if (s.labels === undefined) this.inc(s.value);
            else this.inc(s.labels, s.value);
          }
        },
      });
      c = { prom, series, labelNames: [...labelNames] };
      this.counters.set(name, c);
    }
    const { series, labelNames: names } = c;
    return {
      inc(labels, by = 1) {
        const key = seriesKey(names, labels);
        const s = series.get(key);
        if (s === undefined)
          series.set(key, { labels: labels === undefined ? undefined : { ...labels }, value: by });
        else s.value += by;
      },
    };
  }

  /** Registers (or returns) a gauge family with these label names. */
  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    this.checkName(name, 'gauge');
    let g = this.gauges.get(name);
    if (g === undefined) {
      const prom = new PromGauge({ name, help, labelNames: [...labelNames], registers: [this.registry] });
      g = { prom, values: new Map(), labelNames: [...labelNames] };
      this.gauges.set(name, g);
    }
    const { prom, values, labelNames: names } = g;
    return {
      set(value, labels) {
        if (labels === undefined) prom.set(value);
        else prom.set(labels, value);
        values.set(seriesKey(names, labels), value);
      },
      reset() {
        prom.reset();
        values.clear();
      },
    };
  }

  /** Registers (or returns) a histogram family; `buckets` in the observed unit (seconds for durations). */
  histogram(
    name: string,
    help: string,
    labelNames: readonly string[],
    buckets: readonly number[],
  ): Histogram {
    this.checkName(name, 'histogram');
    let h = this.histograms.get(name);
    if (h === undefined) {
      const prom = new PromHistogram({
        name,
        help,
        labelNames: [...labelNames],
        buckets: [...buckets],
        registers: [this.registry],
      });
      h = { prom, children: new Map(), labelNames: [...labelNames] };
      this.histograms.set(name, h);
    }
    const { prom, children, labelNames: names } = h;
    return {
      observe(value, labels) {
        const key = seriesKey(names, labels);
        let child = children.get(key);
        if (child === undefined) {
          child = labels === undefined ? prom : prom.labels(labels);
          children.set(key, child);
        }
        child.observe(value);
      },
    };
  }

  /** The current value of one counter or gauge series (tests and the console), or 0. */
  value(name: string, labels?: Labels): number {
    const c = this.counters.get(name);
    if (c !== undefined) return c.series.get(seriesKey(c.labelNames, labels))?.value ?? 0;
    const g = this.gauges.get(name);
    return g?.values.get(seriesKey(g.labelNames, labels)) ?? 0;
  }

  /** Every family in the Prometheus text exposition format (version 0.0.4). */
  async render(): Promise<string> {
    for (const fn of this.collectors) fn();
    return this.registry.metrics();
  }

  /** The content type of `render()`'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
