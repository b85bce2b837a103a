import { EventEmitter } from 'node:events';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { manualLens } from '../../core/test/helpers.js';
import { byteLength, followNodeResponse, HttpRecorder, trackNodeRequest } from '../src/internal.js';
import { histogram, seriesOf } from './support/store.js';

/** A response that is not Node's ServerResponse (as HTTP/2 compat or a test double would be). */
class FakeResponse extends EventEmitter {
  headersSent = false;
  statusCode = 200;
  writableEnded = false;
  written: string[] = [];
  write(chunk: string): boolean {
    this.headersSent = true;
    this.written.push(chunk);
    return true;
  }
  end(chunk?: string): this {
    if (chunk) this.write(chunk);
    this.writableEnded = true;
    this.emit('close');
    return this;
  }
}

describe('followNodeResponse', () => {
  it('counts a response that is not a ServerResponse, counting end() once', () => {
    const { lens, clock } = manualLens();
    const recorder = new HttpRecorder<null>('@inferlens/test', { lens }, () => '/fake');
    const res = new FakeResponse();
    followNodeResponse(recorder.begin('GET', '/fake', null)!, {}, res, 'GET');
    clock.t += 5;
    res.write('héllo ');
    clock.t += 5;
    res.end('world');
    expect(res.written).toEqual(['héllo ', 'world']);
    expect(histogram(lens, 'httpResponseSize').sum).toBe(12);
    expect(histogram(lens, 'httpTimeToFirstByte').sum).toBe(0.005);
    expect(seriesOf(lens, 'httpRequests')).toMatchObject([
      { labels: { outcome: 'completed' }, value: 1 },
    ]);
  });

  it('ends a Node response on its own close, complete or aborted', async () => {
    const { lens } = manualLens();
    const recorder = new HttpRecorder<null>('@inferlens/test', { lens }, () => '/t');
    const server = createServer((req, res) => {
      followNodeResponse(recorder.begin(req.method, req.url, null)!, req, res, req.method!);
      if (req.url === '/complete') res.end('done');
      else res.write('partial'); // never ended: the client goes away
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve, reject) => {
      request({ port, host: '127.0.0.1', path: '/complete' }, (r) => r.resume().on('end', resolve))
        .on('error', reject)
        .end();
    });
    await new Promise<void>((resolve) => {
      const req = request({ port, host: '127.0.0.1', path: '/abort' }, (r) =>
        r.once('data', () => req.destroy()),
      );
      req
        .on('error', () => {})
        .on('close', resolve)
        .end();
    });
    await expect
      .poll(() => recorder.lens.store.family('httpRequestsInFlight').series(['GET']).value)
      .toBe(0);
    server.close();
    expect(seriesOf(lens, 'httpRequests')).toMatchObject([
      { labels: { status: '200', outcome: 'completed' }, value: 1 },
      { labels: { status: '200', outcome: 'aborted' }, value: 1 },
    ]);
  });
});

describe('the end of the body', () => {
  /** A response that closes when told, with `writableLength` bytes still buffered after end(). */
  class HeldResponse extends FakeResponse {
    writableLength = 0;
    constructor(readonly left: number) {
      super();
    }
    override end(chunk?: string): this {
      if (chunk) this.write(chunk);
      this.writableEnded = true;
      this.writableLength = this.left;
      return this;
    }
  }

  it('is end() when it hands the whole body to the socket, else the close', () => {
    const { lens, clock } = manualLens();
    const recorder = new HttpRecorder<null>('@inferlens/test', { lens }, () => '/t');
    for (const left of [0, 100]) {
      const res = new HeldResponse(left);
      followNodeResponse(recorder.begin('GET', '/t', null)!, {}, res, 'GET');
      clock.t += 10;
      res.end('hello');
      clock.t += 40;
      res.emit('close');
    }
    const duration = histogram(lens, 'httpRequestDuration');
    expect(duration.count).toBe(2);
    // 0.010 s for the body handed over whole, 0.050 s for the one that waited for its close.
    expect(duration.sum).toBeCloseTo(0.06, 9);
    expect(histogram(lens, 'httpTimeToFirstByte').sum).toBeCloseTo(0.02, 9);
  });

  it('counts through write and end that another library replaced first, calling theirs', () => {
    const { lens } = manualLens();
    const recorder = new HttpRecorder<null>('@inferlens/test', { lens }, () => '/t');
    const res = new FakeResponse();
    const theirs: string[] = [];
    const write = res.write;
    const end = res.end;
    // As compression middleware does: own functions that call the ones they replaced.
    res.write = function (this: FakeResponse, chunk: string) {
      theirs.push(`write:${chunk}`);
      return write.call(this, chunk);
    };
    res.end = function (this: FakeResponse, chunk?: string) {
      theirs.push(`end:${chunk}`);
      return end.call(this, chunk);
    };
    followNodeResponse(recorder.begin('GET', '/t', null)!, {}, res, 'GET');
    res.write('ab');
    res.end('cde');
    expect(theirs).toEqual(['write:ab', 'end:cde', 'write:cde']);
    expect(res.written).toEqual(['ab', 'cde']);
    expect(histogram(lens, 'httpResponseSize').sum).toBe(5);
  });
});

describe('trackNodeRequest', () => {
  const inFlight = (recorder: HttpRecorder<null>) =>
    recorder.lens.store.family('httpRequestsInFlight').series(['GET']).value;

  it('ends a request it cannot follow at once and counts it as dropped, so in-flight comes down', () => {
    const { lens } = manualLens();
    const recorder = new HttpRecorder<null>('@inferlens/test', { lens }, () => '/t');
    const res = new FakeResponse();
    res.on = () => {
      throw new Error('no listeners here');
    };
    trackNodeRequest(recorder, null, {}, res, 'GET', '/t');
    expect(inFlight(recorder)).toBe(0);
    expect(lens.render()).toContain('inferlens_events_dropped_total{reason="listener_error"} 1');
    expect(seriesOf(lens, 'httpRequests')).toHaveLength(1);
  });

  it('still ends on close a response whose write and end cannot be wrapped', () => {
    const { lens } = manualLens();
    const recorder = new HttpRecorder<null>('@inferlens/test', { lens }, () => '/t');
    const res = new FakeResponse();
    Object.defineProperty(res, 'write', { value: res.write, writable: false });
    trackNodeRequest(recorder, null, {}, res, 'GET', '/t');
    expect(inFlight(recorder)).toBe(1);
    res.end('done');
    expect(inFlight(recorder)).toBe(0);
    expect(seriesOf(lens, 'httpRequests')).toMatchObject([
      { labels: { status: '200', outcome: 'completed' }, value: 1 },
    ]);
  });
});

describe('byteLength', () => {
  it('counts UTF-8 and other encodings like Buffer, also without Buffer', () => {
    const samples = [
      '',
      'ascii',
      'héllo wörld',
      '日本語',
      '🙂 emoji',
      'a\u{10FFFF}b',
      '\uD800 lone surrogate',
    ];
    for (const s of samples) expect(byteLength(s)).toBe(Buffer.byteLength(s));
    expect(byteLength('aGk=', 'base64')).toBe(2);
    expect(byteLength(new Uint8Array(7))).toBe(7);
    expect(byteLength(() => {})).toBe(0);
    const saved = globalThis.Buffer;
    try {
      (globalThis as { Buffer?: unknown }).Buffer = undefined;
      for (const s of [...samples, '\uDC00x', 'x\uD800'])
        expect(byteLength(s), s).toBe(saved.byteLength(s));
    } finally {
      globalThis.Buffer = saved;
    }
  });
});
