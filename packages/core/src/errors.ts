/**
 * Bad configuration fails loudly at setup, as `[@inferlens/<pkg>] <field>: <problem>`: the package
 * the user called and the option they got wrong, so the message says where to look. Every
 * @inferlens package throws its setup errors through this one helper; `message` starts with the
 * field (`'intervalMs: must be a positive number'`).
 *
 * @example
 * setupError('vllm', 'intervalMs: must be a positive number of milliseconds');
 * // TypeError: [@inferlens/vllm] intervalMs: must be a positive number of milliseconds
 */
export function setupError(pkg: string, message: string): never {
  const name = pkg.startsWith('@') || pkg === 'inferlens' ? pkg : `@inferlens/${pkg}`;
  throw new TypeError(`[${name}] ${message}`);
}

/** Core's own setup errors, through {@link setupError}. */
export function fail(message: string): never {
  return setupError('core', message);
}
