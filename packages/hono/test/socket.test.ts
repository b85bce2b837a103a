import { describeConformance } from '../../http/test/support/conformance.js';
import { startHono } from './app.js';

describeConformance('Hono 4 on @hono/node-server', startHono);
