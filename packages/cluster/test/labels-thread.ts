import { parentPort } from 'node:worker_threads';
import { processLabels } from '../src/labels.js';

parentPort?.postMessage(processLabels({}));
