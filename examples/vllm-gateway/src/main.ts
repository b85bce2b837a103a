import { parseCli, USAGE } from './args.js';
import { createGateway } from './gateway.js';

async function main(): Promise<void> {
  let args: ReturnType<typeof parseCli>;
  try {
    args = parseCli(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args === 'help') return void console.log(USAGE);
  const gateway = await createGateway(args);
  for (const u of gateway.upstreams)
    console.log(
      `upstream ${u.url}: ${u.engine}${u.detection.by ? ` (by ${u.detection.by})` : ` — ${u.detection.message}`}${u.models.length ? `, ${u.models.join(', ')}` : ', no models found yet'}`,
    );
  console.log(
    `gateway listening on ${gateway.url} — OpenAI API at ${gateway.url}/v1, metrics at ${gateway.url}/metrics, fleet status at ${gateway.url}/status`,
  );
  const stop = () => void gateway.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
