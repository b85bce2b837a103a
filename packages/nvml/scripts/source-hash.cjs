// Prints a hash of the native sources. binding.gyp compiles it into the addon as `sourceHash`, and a
// test compares the committed prebuild's hash with the sources, so a stale prebuild cannot ship.
const { createHash } = require('node:crypto');
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

function sourceHash(root) {
  const native = join(root, 'src', 'native');
  const files = readdirSync(native)
    .filter((f) => /\.(cc|h)$/.test(f))
    .sort()
    .map((f) => join('src', 'native', f));
  const hash = createHash('sha256');
  for (const f of ['binding.gyp', ...files]) {
    hash.update(`${f}\n`);
    hash.update(readFileSync(join(root, f), 'utf8').replace(/\r\n/g, '\n'));
  }
  return `h${hash.digest('hex').slice(0, 16)}`;
}

module.exports = { sourceHash };
if (require.main === module) process.stdout.write(sourceHash(join(__dirname, '..')));
