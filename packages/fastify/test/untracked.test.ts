import { describe } from 'vitest';
import { itLeavesUntrackedServersAlone } from '../../http/test/support/untracked.js';
import { startFastify } from './app.js';

describe('Fastify 5 beside an untracked http server', () => {
  itLeavesUntrackedServersAlone(startFastify);
});
