/** Bad configuration fails loudly at setup, with the package name first. */
export function fail(message: string): never {
  throw new TypeError(`[@inferlens/otel] ${message}`);
}
