import express from 'express';
import { describe } from 'vitest';
import { itSurvivesSseLoad } from '../../http/test/support/load.js';
import { startExpress } from './app.js';

describe('Express 5 under load', () => itSurvivesSseLoad(startExpress(express)));
