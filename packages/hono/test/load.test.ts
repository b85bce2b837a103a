import { describe } from 'vitest';
import { itSurvivesSseLoad } from '../../http/test/support/load.js';
import { startHono } from './app.js';

describe('Hono 4 under load', () => itSurvivesSseLoad(startHono));
