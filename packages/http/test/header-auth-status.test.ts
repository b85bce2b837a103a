import { createLens } from '@inferlens/core';
import { describe, expect, it } from 'vitest';
import { authHeaderOf, compileAuth, Endpoints } from '../src/internal.js';

const PKG = '@inferlens/test';

describe('auth by any request header (#11)', () => {
  it('checks an X-API-Key against its keys, in constant time, or by your function', async () => {
    const keys = compileAuth(PKG, { header: 'X-API-Key', keys: ['k-1', 'k-2'] })!;
    expect(await keys('k-2')).toBe(true);
    expect(await keys(' k-1 ')).toBe(true);
    expect(await keys('k-3')).toBe(false);
    expect(await keys('Bearer k-1')).toBe(false);
    expect(await keys(undefined)).toBe(false);
    const check = compileAuth(PKG, {
      header: 'x-api-key',
      check: (v) => {
        if (v === 'boom') throw new Error('bug');
        return v === 'ok';
      },
    })!;
    expect([await check('ok'), await check('no'), await check('boom')]).toEqual([
      true,
      false,
      false,
    ]);
    expect(authHeaderOf({ header: 'X-API-Key', keys: 'k' })).toBe('x-api-key');
    expect(authHeaderOf({ bearer: 't' })).toBe('authorization');
  });

  it('fails at setup, naming the package and the field', () => {
    expect(() => compileAuth(PKG, { header: 'bad header', keys: 'k' })).toThrow(
      /@inferlens\/test.*auth\.header/,
    );
    expect(() => compileAuth(PKG, { header: 'x-api-key' })).toThrow(/either `keys` or `check`/);
    expect(() => compileAuth(PKG, { header: 'x-api-key', keys: [''] })).toThrow(/auth\.keys/);
  });

  it('Endpoints read the named header, and the dashboard page sends its token there', async () => {
    const e = new Endpoints(PKG, {
      lens: createLens({ engine: 'e' }),
      auth: { header: 'x-api-key', keys: 'k' },
    });
    expect(e.authHeader).toBe('x-api-key');
    expect((await e.handle('metrics', undefined, 'k')).status).toBe(200);
    expect((await e.handle('metrics', undefined, 'Bearer k')).status).toBe(401);
    const page = await e.handle('dashboard', undefined, undefined);
    expect(page.body).toContain('"authHeader":"x-api-key"');
  });
});

describe('/status application fields (#11)', () => {
  it('shows flat fields of the app, and none that look like credentials', async () => {
    const lens = createLens({ engine: 'e' });
    const app = () => ({
      region: 'eu-west-1',
      replica: 3,
      draining: false,
      build: null,
      apiKey: 'abc',
      sessionId: 's',
      note: 'Bearer abc.def',
      upstream: 'sk-live-1234',
      nested: { password: 'p' },
      list: [1],
      inf: Number.POSITIVE_INFINITY,
      long: 'x'.repeat(500),
    });
    const e = new Endpoints(PKG, { lens, app });
    const body = JSON.parse((await e.handle('status', undefined, undefined)).body);
    expect(body.app).toEqual({
      region: 'eu-west-1',
      replica: 3,
      draining: false,
      build: null,
      long: 'x'.repeat(200),
    });
    expect(JSON.stringify(body)).not.toMatch(/abc|sk-live|password/);
  });

  it('never lets a throwing or slow app function break /status', async () => {
    const lens = createLens({ engine: 'e' });
    const e = new Endpoints(PKG, {
      lens,
      app: () => {
        throw new Error('bug');
      },
    });
    const r = await e.handle('status', undefined, undefined);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).app).toEqual({});
    expect(() => new Endpoints(PKG, { lens, app: {} as never })).toThrow(/app: must be a function/);
  });
});
