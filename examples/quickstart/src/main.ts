import { createLens, instrument } from '@inferlens/core';
import { createGpuSource } from '@inferlens/nvml';
import { SimulatedEngine } from '@inferlens/testkit';
import { parseCli, type QuickstartArgs, USAGE } from './args.js';
import { startLoad } from './load.js';
import { createQuickstartApp } from './server.js';
import { snapshot, startSummary } from './summary.js';

/** Tests parse this exact prefix; keep it stable. */
const LISTENING = 'inferlens quickstart listening on';

function readArgs(): QuickstartArgs {
  try {
    const args = parseCli(process.argv.slice(2));
    if (args !== 'help') return args;
    console.log(USAGE);
    process.exit(0);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}

const args = readArgs();
// A KV budget of 5k tokens and 32 sequences, so the default load shows queueing and the odd
// preemption rather than an idle GPU.
const engine = new SimulatedEngine({
  model: args.model,
  seed: args.seed,
  kvBlocks: 320,
  maxBatch: 32,
  failureRate: args.failureRate,
});
const lens = createLens({
  engine: 'simulated',
  constLabels: args.workerId ? { worker_id: args.workerId } : {},
});
const instrumentation = instrument(engine, { lens });
// The real GPUs of this machine, if it has any: on one without, /metrics says
// inferlens_nvml_up{reason="library_not_found"} 0 and /status says why. Nothing else changes.
const gpus = createGpuSource({ lens, intervalMs: 5000 });
const app = await createQuickstartApp(engine, lens, gpus);
const startedAt = performance.now();

try {
  await app.listen({ port: args.port, host: args.host });
} catch (error) {
  console.error(
    `inferlens quickstart: cannot listen on ${args.host}:${args.port}: ${(error as Error).message}`,
  );
  process.exit(1);
}
{
  const { port } = app.server.address() as { port: number };
  const host = args.host.includes(':') ? `[${args.host}]` : args.host;
  const url = `http://${host}:${port}`;
  console.log(`${LISTENING} ${url}`);
  console.log(`  try: curl ${url}/v1/chat/completions -H 'content-type: application/json' \\`);
  console.log(`         -d '{"messages":[{"role":"user","content":"Hello"}],"max_tokens":32}'`);
  console.log(`  metrics: curl ${url}/metrics   dashboard: open ${url}/dashboard`);
  console.log(
    args.load
      ? `  load: ${args.concurrency} clients, ${args.rps || 'unlimited'} req/s (--no-load to stop it)`
      : '  load: off',
  );
  const stopSummary = startSummary(lens, (line) => console.log(line));
  const load = args.load
    ? startLoad({
        url,
        model: args.model,
        concurrency: args.concurrency,
        rps: args.rps,
        seed: args.seed,
      })
    : undefined;

  let closing = false;
  const shutdown = async (why: string) => {
    if (closing) return;
    closing = true;
    stopSummary();
    // Should anything hold the process open, do not hang; say so and fail.
    setTimeout(() => {
      console.error('inferlens quickstart: forced exit after 5 s of shutdown');
      process.exit(1);
    }, 5000).unref();
    await load?.stop();
    // Aborts what external clients still wait for; their streams end with finish_reason "abort".
    engine.close();
    void app.close();
    // Streams end within a few microtasks; 100 ms lets their last bytes out. Then every socket
    // goes, including those fetch opened ahead of a request that never came, which
    // closeIdleConnections() does not count as idle.
    setTimeout(() => app.server.closeAllConnections(), 100);
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    const total = snapshot(lens, performance.now());
    console.log(
      `inferlens quickstart stopped (${why}) after ${seconds} s: ${total.requests} requests, ${total.generationTokens} tokens`,
    );
    instrumentation.stop();
    gpus.close();
    lens.close();
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  if (args.duration !== undefined)
    setTimeout(() => void shutdown('duration'), args.duration * 1000).unref();
}
