import { createLlamaServer } from './app.js';
import { parseServerArgs, USAGE } from './args.js';

let args: ReturnType<typeof parseServerArgs>;
try {
  args = parseServerArgs(process.argv.slice(2));
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (args === 'help') {
  console.log(USAGE);
  process.exit(0);
}
const server = await createLlamaServer(args);
const url = await server.app.listen({ port: args.port, host: args.host });
const facts = server.engine.facts();
console.log(
  `serving ${facts.name} (${facts.file}, ${facts.sequences} sequences × ${facts.contextSize} tokens, ${facts.threads} thread(s)) at ${url}`,
);
console.log(`  POST ${url}/v1/chat/completions, ${url}/v1/completions`);
console.log(`  GET  ${url}/metrics  ${url}/dashboard  ${url}/status`);
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
