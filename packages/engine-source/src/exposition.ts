import {
  CONTENT_TYPES,
  type ExpositionFormat,
  type Lens,
  type MetricId,
  metricIds,
  negotiate,
  render,
  type ScrapeResult,
  Store,
  schema,
} from '@inferlens/core';

/** Something that adds mirrored series to a lens's exposition: an engine source. */
export interface MirrorProvider {
  /** Sample lines per metric id, in the given format. */
  renderMirror(openMetrics: boolean): ReadonlyMap<MetricId, string>;
}

const providers = new WeakMap<Lens, Set<MirrorProvider>>();

/** Attaches `provider` to `lens`; {@link scrape} then shows its series. Returns the detach. */
export function attachMirror(lens: Lens, provider: MirrorProvider): () => void {
  let set = providers.get(lens);
  if (!set) providers.set(lens, (set = new Set()));
  set.add(provider);
  return () => set.delete(provider);
}

/** The family name a format writes in HELP/TYPE: OpenMetrics drops a counter's `_total`. */
function familyName(id: MetricId, om: boolean): string {
  const d = schema[id];
  return om && d.kind === 'counter' ? d.prometheus.replace(/_total$/, '') : d.prometheus;
}

const headers: Partial<Record<ExpositionFormat, Map<string, string>>> = {};

/**
 * HELP/TYPE/UNIT lines of every family, taken from core's own renderer (a throwaway store with one
 * series per family), so mirrored families have exactly the headers core writes.
 */
function headerOf(name: string, format: ExpositionFormat): string {
  let map = headers[format];
  if (!map) {
    const store = new Store();
    for (const id of metricIds) store.family(id).series([]);
    map = new Map();
    for (const [n, block] of splitBlocks(render(store, format)).blocks)
      map.set(n, block.slice(0, block.length - samplesOf(block).length));
    headers[format] = map;
  }
  return map.get(name) ?? '';
}

/** The sample lines of a block: everything after its header (comment) lines. */
function samplesOf(block: string): string {
  const i = block.search(/^[^#]/m);
  return i < 0 ? '' : block.slice(i);
}

/** Core's output cut into family blocks (each starts at its `# HELP` line), by family name. */
function splitBlocks(text: string): { blocks: Map<string, string> } {
  const blocks = new Map<string, string>();
  let body = text.endsWith('# EOF\n') ? text.slice(0, -6) : text;
  if (body && !body.endsWith('\n')) body += '\n';
  const starts: number[] = body.startsWith('# HELP ') ? [0] : [];
  for (let i = body.indexOf('\n# HELP '); i >= 0; i = body.indexOf('\n# HELP ', i + 1))
    starts.push(i + 1);
  for (let k = 0; k < starts.length; k++) {
    const block = body.slice(starts[k], starts[k + 1] ?? body.length);
    const name = block.slice(7, block.indexOf(' ', 7));
    blocks.set(name, (blocks.get(name) ?? '') + block);
  }
  return { blocks };
}

/**
 * Renders several lenses and the engine sources attached to them as one exposition: series of the
 * same family share one HELP/TYPE block, whichever lens or source they come from.
 */
export function renderMerged(lenses: readonly Lens[], format: ExpositionFormat): string {
  const om = format === 'openmetrics';
  const blocks = new Map<string, string>();
  for (const lens of lenses)
    for (const [name, block] of splitBlocks(render(lens.store, format)).blocks) {
      const had = blocks.get(name);
      blocks.set(name, had === undefined ? block : had + samplesOf(block));
    }
  for (const lens of lenses)
    for (const p of providers.get(lens) ?? [])
      for (const [id, lines] of p.renderMirror(om)) {
        if (!lines) continue;
        const name = familyName(id, om);
        blocks.set(name, (blocks.get(name) ?? headerOf(name, format)) + lines);
      }
  // Schema order, as core renders; families a lens renders that the schema lacks go last.
  let out = '';
  for (const id of metricIds) {
    const name = familyName(id, om);
    const b = blocks.get(name);
    if (b !== undefined) out += b;
    blocks.delete(name);
  }
  for (const b of blocks.values()) out += b;
  return om ? `${out}# EOF\n` : out;
}

/**
 * Collects (which scrapes engine targets configured to scrape at collection), then renders the
 * lenses with their engine sources in the format `accept` asks for. Use it instead of
 * `lens.scrape()` wherever a lens has an engine source attached.
 *
 * @example
 * const lens = createLens({ engine: 'vllm' });
 * createVllmSource({ lens, targets: ['http://10.0.0.5:8000'] });
 * app.get('/metrics', async (req, res) => {
 *   const { contentType, body } = await scrape(lens, req.headers.accept);
 *   res.type(contentType).send(body);
 * });
 */
export async function scrape(
  lens: Lens | readonly Lens[],
  accept?: string | null,
): Promise<ScrapeResult> {
  const lenses = Array.isArray(lens) ? (lens as readonly Lens[]) : [lens as Lens];
  await Promise.all(lenses.map((l) => l.collect()));
  const format = negotiate(accept);
  return { contentType: CONTENT_TYPES[format], body: renderMerged(lenses, format) };
}
