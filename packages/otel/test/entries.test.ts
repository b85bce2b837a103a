import { readFileSync } from 'node:fs';
import { createLens } from '@inferlens/core';
import { describe, expect, it, vi } from 'vitest';
import * as main from '../src/index.js';
import * as otlp from '../src/otlp-entry.js';
import * as prometheus from '../src/prometheus-entry.js';

/** Every module `file` reaches through its imports (value imports; `import type` is erased). */
function reach(file: URL, seen = new Set<string>()): Set<string> {
  if (seen.has(file.href)) return seen;
  seen.add(file.href);
  const source = readFileSync(file, 'utf8');
  const specifiers = [
    ...source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms),
    ...source.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ].map((m) => m[1]!);
  for (const specifier of specifiers) {
    if (specifier.startsWith('.')) reach(new URL(specifier.replace(/\.js$/, '.ts'), file), seen);
    else seen.add(specifier);
  }
  return seen;
}
/** The packages an entry reaches (`@inferlens/core/internal` is `@inferlens/core`). */
const packagesOf = (entry: string) => [
  ...new Set(
    [...reach(new URL(`../src/${entry}.ts`, import.meta.url))]
      .filter((m) => !m.startsWith('file:'))
      .map((m) => (m.startsWith('node:') ? m : m.split('/').slice(0, 2).join('/'))),
  ),
];

describe('the three doors of @inferlens/otel (#15)', () => {
  it('the producer door reaches no exporter, so installing it pulls none', () => {
    expect(packagesOf('index').sort()).toEqual([
      '@inferlens/core',
      '@opentelemetry/api',
      '@opentelemetry/resources',
      '@opentelemetry/sdk-metrics',
    ]);
  });

  it('each exporter door reaches its own exporter and not the other one', () => {
    const push = packagesOf('otlp-entry');
    expect(push).toContain('@opentelemetry/exporter-metrics-otlp-http');
    // No exporter-prometheus and no node: module, so Worker bundles stay small.
    expect(push.filter((m) => m.includes('exporter-prometheus') || m.startsWith('node:'))).toEqual(
      [],
    );
    const pull = packagesOf('prometheus-entry');
    expect(pull).toContain('@opentelemetry/exporter-prometheus');
    expect(pull.filter((m) => m.includes('otlp'))).toEqual([]);
  });

  it('lists every exporter a door reaches as an optional peer, and no exporter as a dependency', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const exporters = [...packagesOf('otlp-entry'), ...packagesOf('prometheus-entry')].filter((m) =>
      m.includes('exporter'),
    );
    for (const name of exporters) {
      expect(pkg.peerDependencies[name], name).toBeDefined();
      expect(pkg.peerDependenciesMeta[name], name).toEqual({ optional: true });
    }
    expect(Object.keys(pkg.dependencies)).toEqual(['@inferlens/core']);
    for (const name of ['@opentelemetry/sdk-metrics', '@opentelemetry/resources'])
      expect(pkg.peerDependencies[name]).toBe('^2.0.0 || ^3.0.0');
  });

  it('the OTLP door carries the producer too, the same functions', () => {
    expect(otlp.createOtlpReader).toBeTypeOf('function');
    expect(otlp.createMetricProducer).toBe(main.createMetricProducer);
    expect(otlp.traceIdFromActiveSpan).toBe(main.traceIdFromActiveSpan);
    expect('createPrometheusExporter' in otlp).toBe(false);
    expect(Object.keys(prometheus)).toEqual(['createPrometheusExporter']);
    expect('createOtlpReader' in main || 'createPrometheusExporter' in main).toBe(false);
  });
});

describe('a missing exporter (#15)', () => {
  const missing = (name: string) => () => {
    throw Object.assign(new Error(`Cannot find package '${name}'`), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
  };

  it('createOtlpReader fails at setup naming the package to install', async () => {
    vi.resetModules();
    vi.doMock('@opentelemetry/exporter-metrics-otlp-http', missing('x'));
    try {
      const door = await import('../src/otlp-entry.js');
      // The producer still works from this door without the exporter.
      expect(door.createMetricProducer(createLens({ engine: 'vllm' }))).toBeDefined();
      expect(() => door.createOtlpReader(createLens({ engine: 'vllm' }))).toThrow(
        /^\[@inferlens\/otel\] createOtlpReader: needs @opentelemetry\/exporter-metrics-otlp-http, an optional peer dependency that is not installed.*npm install @opentelemetry\/exporter-metrics-otlp-http/,
      );
    } finally {
      vi.doUnmock('@opentelemetry/exporter-metrics-otlp-http');
      vi.resetModules();
    }
  });

  it('createPrometheusExporter fails at setup naming the package to install', async () => {
    vi.resetModules();
    vi.doMock('@opentelemetry/exporter-prometheus', missing('x'));
    try {
      const door = await import('../src/prometheus-entry.js');
      expect(() => door.createPrometheusExporter(createLens({ engine: 'vllm' }))).toThrow(
        /^\[@inferlens\/otel\] createPrometheusExporter: needs @opentelemetry\/exporter-prometheus.*npm install @opentelemetry\/exporter-prometheus/,
      );
    } finally {
      vi.doUnmock('@opentelemetry/exporter-prometheus');
      vi.resetModules();
    }
  });
});
