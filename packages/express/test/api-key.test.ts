import express from 'express';
import { describe } from 'vitest';
import { itChecksAnApiKey } from '../../http/test/support/api-key.js';
import { serverHandle } from '../../http/test/support/server.js';
import { buildApp } from './app.js';

describe('Express with header auth', () =>
  itChecksAnApiKey((lens) =>
    serverHandle(
      buildApp(express, { lens, auth: { header: 'x-api-key', keys: ['k-1'] } }).listen(
        0,
        '127.0.0.1',
      ),
      [],
    ),
  ));
