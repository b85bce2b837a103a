import { describe } from 'vitest';
import { itLeavesUntrackedServersAlone } from '../../http/test/support/untracked.js';
import { startHono } from './app.js';

describe('Hono 4 on @hono/node-server beside an untracked http server', () => {
  itLeavesUntrackedServersAlone(startHono);
});
