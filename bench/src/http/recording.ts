/**
 * The recording path of the HTTP middleware in isolation, without sockets or a framework: what
 * inferlens's own code costs a request, from `begin` to `end`. Timed in interleaved rounds
 * (harness.ts) against a baseline that only creates the response object, so the figure is the
 * middleware's share alone.
 */
import { EventEmitter } from 'node:events';
import { createLens } from '@inferlens/core';
import { followNodeResponse, HttpRecorder } from '@inferlens/http/internal';
import { measure, type Result } from '../harness.js';

/** A response with the surface the tracker touches; a real one would bring Node's write cost. */
class Response extends EventEmitter {
  headersSent = false;
  statusCode = 200;
  writableEnded = false;
  /** Bytes left buffered after end(): none, as on a socket that takes a small body at once. */
  writableLength = 0;
  write(_chunk: unknown): boolean {
    this.headersSent = true;
    return true;
  }
  end(_chunk?: unknown): this {
    this.headersSent = true;
    this.writableEnded = true;
    return this;
  }
}

const BODY = 'hello world';
const REQUEST = {};

/**
 * ns per request for: the baseline (a response object, written and closed), and the same with
 * inferlens's begin, response following, and end on close. The difference is the recording path.
 */
export async function recordingPath(rounds = 15): Promise<{ baseline: Result; inferlens: Result }> {
  const lens = createLens({ engine: 'bench' });
  const recorder = new HttpRecorder<object>('@inferlens/bench', { lens }, () => '/hello/:name');
  const baseline = () => {
    const res = new Response();
    res.end(BODY);
    res.emit('close');
    return res.statusCode;
  };
  const inferlens = () => {
    const res = new Response();
    const ex = recorder.begin('GET', '/hello/world', REQUEST);
    if (ex !== undefined) followNodeResponse(ex, REQUEST, res, 'GET');
    res.end(BODY);
    res.emit('close');
    return res.statusCode;
  };
  const results = await measure(
    [
      { name: 'baseline', fn: baseline },
      { name: 'inferlens', fn: inferlens },
    ],
    { rounds, roundMs: 50, warmupMs: 300 },
  );
  return { baseline: results[0]!, inferlens: results[1]! };
}
