import { describe } from 'vitest';
import { itSurvivesSseLoad } from '../../http/test/support/load.js';
import { startFastify } from './app.js';

describe('Fastify 5 under load', () => itSurvivesSseLoad(startFastify));
