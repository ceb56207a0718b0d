/**
 * A tiny metrics registry (counters and gauges with labels) rendered in the Prometheus text format on
 * the admin port. Written here rather than taken from prom-client: writ needs a handful of series,
 * and this keeps the dependency list (and the Node 24 surface) small.
 */

type Labels = Readonly<Record<string, string>>;

/** A monotonically increasing series family. */
export interface Counter {
  inc(labels?: Labels, by?: number): void;
}

/** A series family that is set to its current value. */
export interface Gauge {
  set(value: number, labels?: Labels): void;
}

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly values: Map<string, number>;
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function labelKey(labels: Labels | undefined): string {
  if (labels === undefined) return '';
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k]!)}"`).join(',')}}`;
}

/** A registry of metric families. */
export class MetricsRegistry {
  private readonly families = new Map<string, Family>();
  private readonly collectors: (() => void)[] = [];

  /** Registers a function run before every render, to copy state kept elsewhere into gauges. */
  collect(fn: () => void): void {
    this.collectors.push(fn);
  }

  private family(name: string, help: string, type: Family['type']): Family {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new TypeError(`invalid metric name "${name}"`);
    let f = this.families.get(name);
    if (f === undefined) {
      f = { name, help, type, values: new Map() };
      this.families.set(name, f);
    } else if (f.type !== type) throw new TypeError(`metric "${name}" is already a ${f.type}`);
    return f;
  }

  /** Registers (or returns) a counter family. */
  counter(name: string, help: string): Counter {
    const f = this.family(name, help, 'counter');
    return {
      inc(labels, by = 1) {
        const k = labelKey(labels);
        f.values.set(k, (f.values.get(k) ?? 0) + by);
      },
    };
  }

  /** Registers (or returns) a gauge family. */
  gauge(name: string, help: string): Gauge {
    const f = this.family(name, help, 'gauge');
    return {
      set(value, labels) {
        f.values.set(labelKey(labels), value);
      },
    };
  }

  /** The current value of one series (tests and the console), or 0. */
  value(name: string, labels?: Labels): number {
    return this.families.get(name)?.values.get(labelKey(labels)) ?? 0;
  }

  /** Every family in the Prometheus text exposition format (version 0.0.4). */
  render(): string {
    for (const fn of this.collectors) fn();
    const out: string[] = [];
    for (const f of this.families.values()) {
      out.push(
        `# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`,
        `# TYPE ${f.name} ${f.type}`,
      );
      if (f.values.size === 0 && f.type === 'counter') out.push(`${f.name} 0`);
      for (const [k, v] of f.values) out.push(`${f.name}${k} ${v}`);
    }
    return `${out.join('\n')}\n`;
  }
}
