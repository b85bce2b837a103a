import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { describe } from 'vitest';
import { itChecksAnApiKey } from '../../http/test/support/api-key.js';
import { serverHandle } from '../../http/test/support/server.js';
import { buildApp } from './app.js';

describe('Hono with header auth', () =>
  itChecksAnApiKey((lens) => {
    const app = buildApp({ lens, auth: { header: 'x-api-key', keys: ['k-1'] } });
    return serverHandle(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server, []);
  }));
