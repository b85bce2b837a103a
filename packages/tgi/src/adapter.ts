import type {
  EngineAdapter,
  SampleIndex,
  SnapshotBuilder,
  TargetContext,
} from '@inferlens/engine-source/internal';
import { readTgiInfo, type TgiInfo } from './info.js';
import {
  TGI_ABORT_KIND,
  TGI_FAILURE,
  TGI_FAILURE_KINDS,
  TGI_GAUGES,
  TGI_HISTOGRAMS,
  TGI_SUCCESS,
  TGI_TOKEN_SUMS,
} from './names.js';
import { TtftProxy } from './proxy.js';

/** `/info` is static while a server runs; re-read it this often to notice a restart. */
const INFO_REFRESH_MS = 60_000;

interface TgiTargetData {
  info?: TgiInfo;
  infoAt?: number;
  proxy?: TtftProxy;
}

const first = (samples: SampleIndex, names: readonly string[]) =>
  samples.get(names.find((n) => samples.has(n)) ?? names[0]!);

/**
 * Reads a TGI scrape into the standard rows. TGI has no model label (#3026, wontfix): the model
 * is the target's configured `model`, else `/info`'s `model_id`. Series TGI creates on first use
 * are exported as 0 while absent (success, every failure kind, token sums), since a missing
 * counter means "not yet", so the first increment is not lost to rate().
 */
export function normalizeTgi(
  samples: SampleIndex,
  target: TargetContext,
  out: SnapshotBuilder,
  wallMs: number,
): void {
  const data = target.data as TgiTargetData;
  const key = (labels?: Record<string, string>) => ({
    model: target.model ?? data.info?.modelId ?? 'unknown',
    labels,
  });
  // TGI does not say why a request succeeded (eos, stop sequence or length).
  const ok = first(samples, TGI_SUCCESS);
  out.counter(
    'requests',
    key({ finish_reason: 'unknown' }),
    ok.reduce((a, s) => a + s.value, 0),
  );
  const failures = new Map<string, number>(TGI_FAILURE_KINDS.map((k) => [k, 0]));
  for (const s of first(samples, TGI_FAILURE)) {
    const err = s.labels.err || 'unknown';
    failures.set(err, (failures.get(err) ?? 0) + s.value);
  }
  for (const [err, n] of failures) {
    const aborted = err === TGI_ABORT_KIND;
    out.counter('requests', key({ finish_reason: aborted ? 'abort' : 'error' }), n);
    if (!aborted) out.counter('requestErrors', key({ error_type: err }), n);
  }
  for (const [id, name] of TGI_GAUGES)
    for (const s of samples.get(name)) out.gauge(id, key(), s.value);
  for (const [id, name] of TGI_TOKEN_SUMS) {
    const sum = samples.get(name).reduce((a, s) => a + s.value, 0);
    out.counter(id, key(), sum);
  }
  for (const [id, name] of TGI_HISTOGRAMS)
    for (const h of samples.histograms(name))
      out.histogram(
        id,
        key(h.labels.method ? { method: h.labels.method } : undefined),
        h.histogram,
      );
  data.proxy ??= new TtftProxy();
  const proxy = data.proxy.update(samples, wallMs);
  if (proxy !== undefined) out.gauge('tgiTimeToFirstTokenProxy', key(), proxy);
}

/**
 * A TGI adapter with its own `/info` cache, for `createAutoSource` (a mixed fleet) or
 * `createEngineSource`; `infoOf` reads the cache by target name.
 *
 * @example
 * const fleet = await createAutoSource([tgiAdapter()], { lens, targets: ['http://10.0.0.6:8080'] });
 */
export function tgiAdapter(): EngineAdapter & { infoOf(target: string): TgiInfo | undefined } {
  const byTarget = new Map<string, TgiInfo>();
  return {
    engine: 'tgi',
    metricPrefixes: ['tgi_'],
    // Only TGI answers /info with a model_id and its token limits.
    probe: {
      path: '/info',
      test: (json) => readTgiInfo(json)?.maxTotalTokens !== undefined,
      model: (json) => readTgiInfo(json)?.modelId,
    },
    packageName: '@inferlens/tgi',
    async prepare(target) {
      const data = target.data as TgiTargetData;
      const now = Date.now();
      if (data.info && now - (data.infoAt ?? 0) < INFO_REFRESH_MS) return;
      const res = await target.fetch('/info');
      if (!res.ok) return; // keep the last info; the model label falls back to it or to "unknown"
      let info: TgiInfo | undefined;
      try {
        info = readTgiInfo(JSON.parse(res.text));
      } catch {}
      if (!info) return;
      data.info = info;
      data.infoAt = now;
      byTarget.set(target.name, info);
    },
    normalize: normalizeTgi,
    infoOf: (name) => byTarget.get(name),
  };
}
