import express from 'express';
import { describe } from 'vitest';
import { itSurvivesHugeLabels } from '../../http/test/support/hostile.js';
import { serverHandle } from '../../http/test/support/server.js';
import { buildApp } from './app.js';

describe('Express 5 with hostile label values', () =>
  itSurvivesHugeLabels((lens) => {
    const app = buildApp(express, {
      lens,
      labels: { tenant: (req) => req.headers['x-tenant'] as string | undefined },
    });
    return serverHandle(app.listen(0, '127.0.0.1'), []);
  }));
