/**
 * Something that decides whether a request path is left out of the metrics: exact paths, `/*`
 * prefixes and RegExps, or a function of the path.
 *
 * @example
 * inferlens({ exclude: ['/ping', '/static/*', /^\/internal\//] });
 */
export type ExcludeOption = ReadonlyArray<string | RegExp> | ((path: string) => boolean);

/**
 * The path of a request target, without the query string. Returns the same string when there is
 * no query, so the common case allocates nothing.
 */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * Compiles exclusions into one predicate. A string matches that exact path (with or without a
 * trailing slash); a string ending in `/*` matches everything below it; a RegExp is tested against
 * the path. Exact paths are one Set probe, which is all most apps pay per request.
 */
export function compileExclude(
  option: ExcludeOption | undefined,
  always: readonly string[],
): (path: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const patterns: RegExp[] = [];
  const custom = typeof option === 'function' ? option : undefined;
  const add = (p: string): void => {
    if (p.endsWith('/*')) prefixes.push(p.slice(0, -1));
    else {
      exact.add(p);
      exact.add(p.endsWith('/') ? p.slice(0, -1) : `${p}/`);
    }
  };
  for (const p of always) add(p);
  if (Array.isArray(option))
    // A /g or /y RegExp keeps state between test() calls; a copy without them does not.
    for (const p of option)
      typeof p === 'string'
        ? add(p)
        : patterns.push(new RegExp(p.source, p.flags.replace(/[gy]/g, '')));
  if (prefixes.length === 0 && patterns.length === 0 && custom === undefined)
    return (path) => exact.has(path);
  return (path) => {
    if (exact.has(path)) return true;
    for (const p of prefixes) if (path.startsWith(p)) return true;
    for (const r of patterns) if (r.test(path)) return true;
    if (custom === undefined) return false;
    try {
      return custom(path) === true;
    } catch {
      // A throwing predicate must not break the app; the request is then recorded.
      return false;
    }
  };
}
