/**
 * A small Prometheus registry: histograms that are observed, gauges that are
 * read when scraped, rendered in the text exposition format (version 0.0.4).
 * goldsmith needs three metrics, not a client library.
 */

type Labels = Record<string, string>;

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const formatLabels = (labels: Labels) => {
  const entries = Object.entries(labels);
  return entries.length === 0 ? '' : `{${entries.map(([name, value]) => `${name}="${escapeLabel(value)}"`).join(',')}}`;
};
const formatNumber = (value: number) => (Number.isFinite(value) ? String(value) : value > 0 ? '+Inf' : '-Inf');

/** A histogram with fixed upper bounds, one series per label set. */
export class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
  ) {}

  observe(value: number, labels: Labels = {}): void {
    const key = JSON.stringify(labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, entry);
    }
    this.buckets.forEach((bound, index) => {
      if (value <= bound) entry.counts[index]! += 1;
    });
    entry.sum += value;
    entry.count += 1;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const { labels, counts, sum, count } of this.series.values()) {
      this.buckets.forEach((bound, index) => lines.push(`${this.name}_bucket${formatLabels({ ...labels, le: formatNumber(bound) })} ${counts[index]}`));
      lines.push(`${this.name}_bucket${formatLabels({ ...labels, le: '+Inf' })} ${count}`);
      lines.push(`${this.name}_sum${formatLabels(labels)} ${sum}`);
      lines.push(`${this.name}_count${formatLabels(labels)} ${count}`);
    }
    return lines;
  }
}

/**
 * The metrics `/metrics` serves.
 *
 * @example
 * const registry = new MetricsRegistry();
 * const ack = registry.histogram('goldsmith_slack_ack_seconds', 'Slack ack latency.', [0.01, 0.1, 1]);
 * registry.gauge('goldsmith_jobs', 'Jobs by state.', () => [[{ state: 'queued' }, 2]]);
 * ack.observe(0.004);
 * registry.render(); // '# HELP goldsmith_jobs ...'
 */
export class MetricsRegistry {
  private readonly renderers: Array<() => string[]> = [];

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    const histogram = new Histogram(name, help, buckets);
    this.renderers.push(() => histogram.render());
    return histogram;
  }

  /** A gauge whose samples are read at each scrape. */
  gauge(name: string, help: string, collect: () => Array<[Labels, number]>): void {
    this.renderers.push(() => [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, ...collect().map(([labels, value]) => `${name}${formatLabels(labels)} ${formatNumber(value)}`)]);
  }

  /** The text exposition format, ending with a newline. */
  render(): string {
    return `${this.renderers.flatMap((render) => render()).join('\n')}\n`;
  }
}
