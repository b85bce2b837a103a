import {
  CONTENT_TYPES,
  type ExpositionFormat,
  type Lens,
  negotiate,
  type RenderOptions,
  render,
  type ScrapeResult,
} from '@inferlens/core/internal';
import { fail } from './errors.js';
import { FamilyMetric } from './family-metric.js';
import { familyKey, isRegistry, OPENMETRICS, type RegistryLike } from './registry.js';
import { withoutMetrics } from './text.js';

const EOF = '# EOF\n';

/**
 * Serves the lens and prom-client registries (default metrics, the app's own) from one
 * `/metrics`. Checks names at setup and throws when a registry metric would clash with ours;
 * returns `scrape(accept)`, which collects, renders the lens, then appends each registry's
 * `metrics()` in the same format, with a single `# EOF` at the end for OpenMetrics. `scrape`
 * takes core's render options (`{ prefix, prefixOnly }`) for the lens's part.
 *
 * The format is the one `Accept` asks for when the registries can write it; otherwise theirs,
 * because a prom-client registry renders only its own content type (text 0.0.4 by default, which
 * every Prometheus accepts). A registry whose `metrics()` rejects is left out of that scrape and
 * counted as `listener_error`; a clashing metric registered after setup is left out and counted
 * as `name_clash` in `inferlens_events_dropped_total`. Nothing throws at scrape time.
 *
 * @example
 * import { collectDefaultMetrics, Registry } from 'prom-client';
 * const registry = new Registry();
 * collectDefaultMetrics({ register: registry });
 * const scrape = scrapeWith(lens, [registry]);
 * // in the /metrics handler:
 * const { contentType, body } = await scrape(req.headers.accept);
 * res.writeHead(200, { 'content-type': contentType }).end(body);
 */
export function scrapeWith(
  lens: Lens,
  registries: RegistryLike | readonly RegistryLike[],
): (accept?: string | null, options?: RenderOptions) => Promise<ScrapeResult> {
  if (!lens || typeof lens.collect !== 'function' || !lens.store)
    fail('scrapeWith: expected a Lens from createLens() as the first argument');
  const list: readonly RegistryLike[] = Array.isArray(registries) ? registries : [registries];
  list.forEach((r, i) => {
    if (!isRegistry(r)) fail(`scrapeWith: registries[${i}] is not a prom-client Registry`);
  });
  const types = new Set(list.map((r) => r.contentType));
  if (types.size > 1)
    fail(`scrapeWith: registries must share one content type, got ${[...types].join(' and ')}`);
  const theirFormat: ExpositionFormat | undefined =
    list.length === 0
      ? undefined
      : list[0]!.contentType === OPENMETRICS
        ? 'openmetrics'
        : 'prometheus';
  const ours = new Map(
    [...lens.store.families()].map((f) => [
      familyKey(f.def.prometheus, f.def.kind),
      f.def.prometheus,
    ]),
  );
  const clashes = findClashes(ours, list);
  if (clashes.length) fail(`scrapeWith: metric names clash: ${clashes.join('; ')}`);

  async function renderRegistry(r: RegistryLike, om: boolean): Promise<string> {
    let text: string;
    try {
      text = await r.metrics();
    } catch {
      lens.drop('listener_error');
      return '';
    }
    // Metrics registered after setup are checked again here: a second family of the same name
    // would make Prometheus reject the whole scrape, so the registry's copy is left out.
    const late = r.getMetricsAsArray().filter((m) => ours.has(familyKey(m.name, m.type)));
    if (late.length) {
      lens.series('eventsDropped', { reason: 'name_clash' }).inc(late.length);
      text = withoutMetrics(text, late);
    }
    // OpenMetrics allows no blank line and one `# EOF`, which goes after everything.
    if (om)
      return text
        .split('\n')
        .filter((l) => l !== '' && l !== '# EOF')
        .map((l) => `${l}\n`)
        .join('');
    return text.trim() === '' ? '' : text;
  }

  return async function scrape(
    accept?: string | null,
    options?: RenderOptions,
  ): Promise<ScrapeResult> {
    await lens.collect();
    const format = theirFormat ?? negotiate(accept);
    const om = format === 'openmetrics';
    const parts = await Promise.all(list.map((r) => renderRegistry(r, om)));
    // `options.prefix` applies to the lens's metrics only: the registries' are the app's own.
    let body = render(lens.store, format, options);
    if (om) body = body.slice(0, -EOF.length);
    for (const p of parts) body += p;
    if (om) body += EOF;
    return { contentType: CONTENT_TYPES[format], body };
  };
}

function findClashes(ours: Map<string, string>, list: readonly RegistryLike[]): string[] {
  const clashes: string[] = [];
  const seen = new Map<string, string>();
  list.forEach((r, i) => {
    const own = new Map<string, string>();
    for (const m of r.getMetricsAsArray()) {
      const key = familyKey(m.name, m.type);
      if (m instanceof FamilyMetric)
        clashes.push(
          `registries[${i}] already shows the lens through registerLens(); serve that registry alone, or drop registerLens()`,
        );
      else if (ours.has(key))
        clashes.push(
          `registries[${i}] has "${m.name}", which inferlens publishes as "${ours.get(key)}"`,
        );
      else if (seen.has(key))
        clashes.push(`registries[${i}] has "${m.name}", also in ${seen.get(key)}`);
      own.set(key, `registries[${i}]`);
    }
    // Names inside one registry are prom-client's to police; only clashes between them are ours.
    for (const [key, where] of own) seen.set(key, where);
  });
  return [...new Set(clashes)];
}
