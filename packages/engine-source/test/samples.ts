/** Test helpers shared by the vllm and tgi tests: read standard rows out of an exposition. */
import { type MetricId, render, Store, schema } from '@inferlens/core/internal';
import { parse, type Sample } from '@inferlens/prom-parse';
import { expect } from 'vitest';
import type { Snapshot } from '../src/internal.js';

/** The samples of one standard row in an exposition (`_bucket`/`_sum`/`_count` with `part`). */
export function samplesOf(text: string, id: MetricId, part = ''): Sample[] {
  const r = parse(text);
  expect(r.errors).toEqual([]);
  const name = schema[id].prometheus + part;
  return r.families.flatMap((f) => f.samples.filter((s) => s.name === name));
}

/** The one sample of `id` whose labels include `labels`. */
export function sampleValue(
  text: string,
  id: MetricId,
  labels: Record<string, string>,
  part = '',
): number | undefined {
  const found = samplesOf(text, id, part).filter((s) =>
    Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  expect(found.length, `${id}${part} ${JSON.stringify(labels)}`).toBeLessThanOrEqual(1);
  return found[0]?.value;
}

/** A snapshot as core's exposition shows it: mirrored into an empty store, rendered as text. */
export function renderSnapshot(snapshot: Snapshot): string {
  const store = new Store();
  store.addMirror({ mirrored: (id) => snapshot.byId.get(id) });
  return render(store);
}
