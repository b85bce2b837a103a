import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as main from '../src/index.js';
import * as otlp from '../src/otlp-entry.js';

/** Every module `file` reaches through its imports (value imports; `import type` is erased). */
function reach(file: URL, seen = new Set<string>()): Set<string> {
  if (seen.has(file.href)) return seen;
  seen.add(file.href);
  const source = readFileSync(file, 'utf8');
  for (const [, specifier] of source.matchAll(
    /^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms,
  )) {
    if (specifier!.startsWith('.')) reach(new URL(specifier!.replace(/\.js$/, '.ts'), file), seen);
    else seen.add(specifier!);
  }
  return seen;
}

describe('@inferlens/otel/otlp (#11)', () => {
  it('reaches no exporter-prometheus and no node: module, so Worker bundles stay small', () => {
    const reached = [...reach(new URL('../src/otlp-entry.ts', import.meta.url))];
    expect(reached).toContain('@opentelemetry/exporter-metrics-otlp-http');
    expect(
      reached.filter((m) => m.includes('exporter-prometheus') || m.startsWith('node:')),
    ).toEqual([]);
    // The main door does reach it, so the check can fail.
    expect([...reach(new URL('../src/index.ts', import.meta.url))]).toContain(
      '@opentelemetry/exporter-prometheus',
    );
  });

  it('exports what the main door exports for OTLP, the same functions', () => {
    expect(otlp.createOtlpReader).toBe(main.createOtlpReader);
    expect(otlp.createMetricProducer).toBe(main.createMetricProducer);
    expect(otlp.traceIdFromActiveSpan).toBe(main.traceIdFromActiveSpan);
    expect('createPrometheusExporter' in otlp).toBe(false);
  });
});
