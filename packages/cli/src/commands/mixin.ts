import { mixinSummary, readMixinConfig, writeMixin } from '@inferlens/mixin/internal';
import { EXIT, UsageError } from '../ui.js';

/** `inferlens mixin`: what `inferlens-mixin` does, through the same functions. */
export async function runMixin(flags: { out: string; config?: string }): Promise<number> {
  let mixin: ReturnType<typeof writeMixin>;
  try {
    const config = flags.config ? await readMixinConfig(flags.config) : {};
    mixin = writeMixin(flags.out, config);
  } catch (error) {
    // Bad configuration is an expected failure: its message names the field.
    throw new UsageError((error as Error).message);
  }
  process.stdout.write(`${mixinSummary(mixin, flags.out).join('\n')}\n`);
  for (const w of mixin.warnings) process.stderr.write(`warning: ${w}\n`);
  return EXIT.ok;
}
