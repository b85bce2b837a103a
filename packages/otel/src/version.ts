// Injected from package.json by tsup (and by vitest for the tests), so the scope version can never
// drift from the published one. Running the sources any other way reports a dev version.
declare const __INFERLENS_OTEL_VERSION__: string | undefined;

/**
 * The version of `@inferlens/otel`, reported as the instrumentation scope version of every metric.
 *
 * @example
 * console.log(`exporting with @inferlens/otel ${VERSION}`);
 */
export const VERSION: string =
  typeof __INFERLENS_OTEL_VERSION__ === 'string' ? __INFERLENS_OTEL_VERSION__ : '0.0.0-dev';
