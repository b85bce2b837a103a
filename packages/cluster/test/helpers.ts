import { schema } from '@inferlens/core/internal';
import { parse } from '@inferlens/prom-parse';

/** The sum of the samples of standard row `id` whose labels include `labels`. */
export function sumOf(
  text: string,
  id: keyof typeof schema,
  labels: Record<string, string> = {},
): number {
  return parse(text)
    .families.flatMap((f) => f.samples)
    .filter(
      (s) =>
        s.name === schema[id].prometheus &&
        Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    )
    .reduce((a, s) => a + s.value, 0);
}
