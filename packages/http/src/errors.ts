/**
 * Bad configuration fails loudly at setup, with the name of the package the user called first
 * (`[@inferlens/express] …`), since that is the package they will search for.
 */
export function setupError(pkg: string, message: string): never {
  throw new TypeError(`[${pkg}] ${message}`);
}
