// Injected from package.json by tsup (and by vitest for the tests), so /status reports the
// published version. Running the sources any other way reports a dev version.
declare const __INFERLENS_HTTP_VERSION__: string | undefined;

/**
 * The version of `@inferlens/http`, shown as `inferlens` in `/status`.
 *
 * @example
 * console.log(`inferlens ${VERSION}`);
 */
export const VERSION: string =
  typeof __INFERLENS_HTTP_VERSION__ === 'string' ? __INFERLENS_HTTP_VERSION__ : '0.0.0-dev';
