import { setupError } from '@inferlens/core/internal';
/** Bad configuration fails loudly at setup, with the package name first. */
export function fail(message: string): never {
  return setupError('prom-client', message);
}
