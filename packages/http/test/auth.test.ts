import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileAuth, constantTimeEqual } from '../src/internal.js';

const basic = (user: string, pass: string) =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('compileAuth', () => {
  it('accepts any of the bearer tokens, with the scheme in any case, and nothing else', async () => {
    const allow = compileAuth('@inferlens/test', { bearer: ['s3cret-1', 's3cret-2'] })!;
    expect(await allow('Bearer s3cret-1')).toBe(true);
    expect(await allow('bearer   s3cret-2 ')).toBe(true);
    expect(await allow('Bearer s3cret-3')).toBe(false);
    expect(await allow('Bearer s3cret-1x')).toBe(false);
    expect(await allow('Bearer S3CRET-1')).toBe(false);
    expect(await allow('s3cret-1')).toBe(false);
    expect(await allow(undefined)).toBe(false);
    expect(await allow('')).toBe(false);
  });

  it('accepts basic credentials, UTF-8 included', async () => {
    const allow = compileAuth('@inferlens/test', {
      basic: { username: 'prom', password: 'pässwörd' },
      bearer: 't',
    })!;
    expect(await allow(basic('prom', 'pässwörd'))).toBe(true);
    expect(await allow(basic('prom', 'passwort'))).toBe(false);
    expect(await allow(basic('Prom', 'pässwörd'))).toBe(false);
    expect(await allow('Bearer t')).toBe(true);
  });

  it('runs a custom check and denies when it throws or rejects', async () => {
    expect(await compileAuth('@inferlens/test', (h) => h === 'ok')!('ok')).toBe(true);
    expect(await compileAuth('@inferlens/test', async (h) => h === 'ok')!('no')).toBe(false);
    expect(await compileAuth('@inferlens/test', () => JSON.parse('{'))!('ok')).toBe(false);
    expect(await compileAuth('@inferlens/test', () => Promise.reject(new Error('x')))!('ok')).toBe(
      false,
    );
    expect(await compileAuth('@inferlens/test', (() => 'yes') as never)!('ok')).toBe(false);
  });

  it('rejects empty or malformed credentials at setup', () => {
    expect(compileAuth('@inferlens/test', undefined)).toBeUndefined();
    expect(() => compileAuth('@inferlens/test', {})).toThrow(
      '[@inferlens/test] auth: give `bearer`, `basic`',
    );
    expect(() => compileAuth('@inferlens/test', { bearer: ' ' })).toThrow(
      'auth.bearer: tokens must be non-empty',
    );
    expect(() =>
      compileAuth('@inferlens/test', { basic: { username: 'a:b', password: 'c' } }),
    ).toThrow('cannot contain ":"');
    expect(() => compileAuth('@inferlens/test', { basic: { username: 'a' } as never })).toThrow(
      'auth.basic',
    );
    expect(() => compileAuth('@inferlens/test', 'token' as never)).toThrow(
      '`auth` must be an object or a function',
    );
  });
});

describe('constantTimeEqual', () => {
  it('is true exactly when the bytes are equal', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(Buffer.from(a).equals(Buffer.from(b)));
        expect(constantTimeEqual(a, a.slice())).toBe(true);
      }),
    );
  });
});
