import express from 'express';
import express4 from 'express4';
import { describeConformance } from '../../http/test/support/conformance.js';
import { startExpress } from './app.js';

describeConformance('Express 5', startExpress(express));
describeConformance('Express 4', startExpress(express4));
