import { createLens } from '@inferlens/core';
import { DiagConsoleLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { defaultResource } from '@opentelemetry/resources';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { createMetricProducer } from '../src/index.js';

/** A reader that only collects, as exporter-prometheus does at a scrape. */
class PullReader extends MetricReader {
  protected override onForceFlush = () => Promise.resolve();
  protected override onShutdown = () => Promise.resolve();
}

describe(`the producer on OTel JS SDK ${process.env.OTEL_SDK_MAJOR}`, () => {
  it('runs on the SDK major its vitest project names (peers ^2 || ^3)', () => {
    // The resource's telemetry.sdk.version is @opentelemetry/core's, which moves with the SDK.
    const sdkVersion = String(defaultResource().attributes['telemetry.sdk.version']);
    expect(process.env.OTEL_SDK_MAJOR).toMatch(/^[23]$/);
    expect(sdkVersion.split('.')[0]).toBe(process.env.OTEL_SDK_MAJOR);
  });

  it('runs on the API minor that SDK major wants (1.9 for SDK 2, 1.10 for SDK 3)', () => {
    // Registering a logger puts the API's global, which records the API's version, in place.
    diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.NONE);
    const global = (globalThis as Record<symbol, { version?: string } | undefined>)[
      Symbol.for('opentelemetry.js.api.1')
    ];
    diag.disable();
    expect(global?.version).toMatch(process.env.OTEL_SDK_MAJOR === '3' ? /^1\.10\./ : /^1\.9\./);
  });

  it('hands its metrics to a MetricReader of that SDK', async () => {
    const lens = createLens({ engine: 'vllm' });
    const r = lens.request({ model: 'm' });
    r.started();
    r.tokens(1);
    r.finish({ finishReason: 'stop', promptTokens: 3 });
    const reader = new PullReader({ metricProducers: [createMetricProducer(lens)] });
    const provider = new MeterProvider({ readers: [reader] });
    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    const metrics = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const ttft = metrics.find((m) => m.descriptor.name === 'gen_ai.server.time_to_first_token');
    expect(ttft?.dataPoints).toHaveLength(1);
    expect(ttft?.dataPoints[0]?.attributes['gen_ai.request.model']).toBe('m');
    await provider.shutdown();
  });
});
