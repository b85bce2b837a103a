import { describeConformance } from '../../http/test/support/conformance.js';
import { startFastify } from './app.js';

describeConformance('Fastify 5', startFastify);
