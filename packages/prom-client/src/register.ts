import type { Lens } from '@inferlens/core';
import { register as globalRegister } from 'prom-client';
import { fail } from './errors.js';
import { FamilyMetric } from './family-metric.js';
import { familyKey, isRegistry, type RegistryLike } from './registry.js';

/**
 * Shows every metric of the lens inside a prom-client `Registry`, read at scrape time: one
 * registry metric per schema family, with the schema's Prometheus names, the lens's constant
 * labels and the overflow series, then the series engine sources mirror into the store (vLLM,
 * TGI: their own labels and buckets), as `lens.render()` shows them. Each scrape (`metrics()`,
 * `getMetricsAsJSON()`, cluster aggregation) runs the lens's collect hooks once, then reads the
 * store.
 *
 * Throws at setup, registering nothing, when a name is taken in the registry. Returns a function
 * that takes the metrics out again.
 *
 * @example
 * import { createLens } from '@inferlens/core';
 * import { registerLens } from '@inferlens/prom-client';
 * import { collectDefaultMetrics, register } from 'prom-client';
 *
 * const lens = createLens({ engine: 'my-engine' });
 * collectDefaultMetrics();
 * const unregister = registerLens(lens, register);
 * // GET /metrics: res.end(await register.metrics()) shows process_* and llm_* metrics.
 */
export function registerLens(lens: Lens, registry: RegistryLike = globalRegister): () => void {
  if (!lens || typeof lens.collect !== 'function' || !lens.store)
    fail('registerLens: expected a Lens from createLens() as the first argument');
  if (!isRegistry(registry))
    fail('registerLens: expected a prom-client Registry (e.g. `register` or `new Registry()`)');
  const collect = collectOnce(lens);
  const ours = [...lens.store.families()].map(
    (f) => new FamilyMetric(f, registry, collect, lens.store),
  );
  const taken = new Map(registry.getMetricsAsArray().map((m) => [familyKey(m.name, m.type), m]));
  const clashes: string[] = [];
  for (const m of ours) {
    const other = taken.get(familyKey(m.name, m.type));
    if (other === undefined) continue;
    clashes.push(
      other instanceof FamilyMetric
        ? `"${m.name}" (an inferlens lens is already registered here)`
        : `"${m.name}" (registry has "${other.name}")`,
    );
  }
  if (clashes.length)
    fail(`registerLens: metric names already taken in this registry: ${clashes.join(', ')}`);
  for (const m of ours) registry.registerMetric(m);
  return function unregisterLens(): void {
    for (const m of ours)
      if (registry.getSingleMetric(m.name) === m) registry.removeSingleMetric(m.name);
  };
}

/**
 * The registry asks every family for its values at once; they share one run of the collect
 * hooks (which may poll an engine) instead of one per family.
 */
function collectOnce(lens: Lens): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () =>
    (pending ??= lens
      .collect()
      .catch(() => lens.drop('listener_error'))
      .finally(() => {
        pending = undefined;
      }));
}
