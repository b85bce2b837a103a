import express from 'express';
import { describe } from 'vitest';
import { itLeavesUntrackedServersAlone } from '../../http/test/support/untracked.js';
import { startExpress } from './app.js';

describe('Express 5 beside an untracked http server', () => {
  itLeavesUntrackedServersAlone(startExpress(express));
});
