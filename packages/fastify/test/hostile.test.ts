import { describe } from 'vitest';
import { itSurvivesHugeLabels } from '../../http/test/support/hostile.js';
import { serverHandle } from '../../http/test/support/server.js';
import { buildApp } from './app.js';

describe('Fastify with hostile label values', () =>
  itSurvivesHugeLabels(async (lens) => {
    const app = await buildApp({
      lens,
      labels: { tenant: (req) => req.headers['x-tenant'] as string | undefined },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const handle = await serverHandle(app.server, []);
    return { ...handle, close: () => handle.close().then(() => app.close()) };
  }));
