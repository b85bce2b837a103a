import { createServer, type Server } from 'node:http';

/**
 * A server of bad exporters on one port, each on its own path:
 * - `/broken`: a NaN gauge, a histogram without `+Inf`, a counter that goes down on every scrape,
 *   a duplicate series, a malformed line;
 * - `/huge`: 100,000 series of one family, a request id as a label;
 * - `/openmetrics-no-eof`, `/html`: a healthy body under a Content-Type Prometheus trips over;
 * - `/hostile`: escape sequences and a 100 kB value in a label;
 * - `/slow`: answers after `slowMs`;
 * - `/auth`: 401 unless `Authorization: Bearer secret` (or basic `ops:pw`), then a healthy body.
 */
export interface Exporters {
  url: string;
  scrapes: Record<string, number>;
  close(): Promise<void>;
}

const HEALTHY = `# HELP llm_requests_total Number of finished requests by finish reason.
# TYPE llm_requests_total counter
llm_requests_total{model_name="m",engine="e",finish_reason="stop"} 5
`;

function broken(n: number): string {
  return [
    '# HELP vllm:num_requests_running Number of requests in model execution batches.',
    '# TYPE vllm:num_requests_running gauge',
    'vllm:num_requests_running{model_name="m",engine="0"} NaN',
    '# HELP vllm:num_requests_waiting Number of requests waiting to be processed.',
    '# TYPE vllm:num_requests_waiting gauge',
    'vllm:num_requests_waiting{model_name="m",engine="0"} 1',
    'vllm:num_requests_waiting{engine="0",model_name="m"} 2',
    '# HELP vllm:prompt_tokens_total Number of prefill tokens processed.',
    '# TYPE vllm:prompt_tokens_total counter',
    // Goes down on every scrape: what two processes behind one port look like.
    `vllm:prompt_tokens_total{model_name="m",engine="0"} ${1000 - n * 10}`,
    '# HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.',
    '# TYPE vllm:time_to_first_token_seconds histogram',
    'vllm:time_to_first_token_seconds_bucket{model_name="m",engine="0",le="0.1"} 3',
    'vllm:time_to_first_token_seconds_bucket{model_name="m",engine="0",le="1"} 5',
    'vllm:time_to_first_token_seconds_sum{model_name="m",engine="0"} 2.5',
    'vllm:time_to_first_token_seconds_count{model_name="m",engine="0"} 5',
    'vllm:generation_tokens_total{model_name="m" 12',
    '',
  ].join('\n');
}

function huge(): string {
  const lines = ['# HELP app_requests_total Requests.', '# TYPE app_requests_total counter'];
  for (let i = 0; i < 100_000; i++) lines.push(`app_requests_total{request_id="r${i}"} 1`);
  return `${lines.join('\n')}\n`;
}

export async function startExporters(slowMs = 5000): Promise<Exporters> {
  const scrapes: Record<string, number> = {};
  const big = huge();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    scrapes[path] = (scrapes[path] ?? 0) + 1;
    const send = (body: string, status = 200) => {
      res.writeHead(status, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(body);
    };
    if (path === '/broken') return send(broken(scrapes[path]));
    if (path === '/huge') return send(big);
    if (path === '/openmetrics-no-eof') {
      res.writeHead(200, { 'content-type': 'application/openmetrics-text; version=1.0.0' });
      return res.end(
        HEALTHY.replace('llm_requests_total ', 'llm_requests ').replace(
          /TYPE llm_requests_total/,
          'TYPE llm_requests',
        ),
      );
    }
    if (path === '/hostile') {
      // Escape sequences that clear the screen and set the title, and a 100 kB label value.
      const value = `\u001b[2J\u001b]0;owned\u0007${'x'.repeat(100_000)}`;
      return send(`# TYPE llm_requests_total counter\nllm_requests_total{engine="${value}"} NaN\n`);
    }
    if (path === '/html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(HEALTHY);
    }
    if (path === '/slow') {
      const t = setTimeout(() => send(HEALTHY), slowMs);
      res.on('close', () => clearTimeout(t));
      return;
    }
    if (path === '/auth') {
      const ok = [`Bearer secret`, `Basic ${Buffer.from('ops:pw').toString('base64')}`];
      return ok.includes(req.headers.authorization ?? '')
        ? send(HEALTHY)
        : send('unauthorized\n', 401);
    }
    send('not found\n', 404);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    scrapes,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
