// The bundle's entry (scripts/bundle.mjs): read the config the server wrote into the page, start.
import { readConfig, startDashboard } from './main.js';
import type { PageDocument } from './render.js';

declare const document: PageDocument;

startDashboard(readConfig(document));
