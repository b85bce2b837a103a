import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { describe } from 'vitest';
import { itSurvivesHugeLabels } from '../../http/test/support/hostile.js';
import { serverHandle } from '../../http/test/support/server.js';
import { buildApp } from './app.js';

describe('Hono with hostile label values', () =>
  itSurvivesHugeLabels((lens) => {
    const app = buildApp({ lens, labels: { tenant: (c) => c.req.header('x-tenant') } });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    return serverHandle(server as Server, []);
  }));
