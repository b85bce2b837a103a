/**
 * How much of a server's CPU time is a middleware's own, read from a V8 CPU profile of the server
 * under load. Throughput on a shared two-core machine moves by ±10 % between identical runs, more
 * than the middleware costs; the profile answers the same question without the noise, because
 * the load and the machine's neighbours change how long everything takes, not which code runs.
 *
 * A sample counts as the middleware's when the code it is in is the middleware's, or Node or V8
 * code it called (a clock read, adding a `close` listener), and not when it is the framework called
 * back from it (the app behind `next()`) or the original `write`/`end`/`emit`/`push` that
 * inferlens's wrappers call on to: that work the server does with or without a middleware.
 * Garbage collection is not attributed (V8 reports it apart), so each share is low by the GC its
 * objects cause.
 */
interface CallFrame {
  functionName: string;
  url: string;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Attribution {
  /** Microseconds the server's thread was busy (not idle) during the profile. */
  busyMicros: number;
  /** Microseconds attributed to the subject. */
  oursMicros: number;
  /** Microseconds inside the socket write calls (the kernel's loopback TCP included). */
  writeMicros: number;
}

/** Node's native socket writes: a sample in one of them is the write system call at work. */
const SOCKET_WRITES = new Set([
  'writev',
  'writeBuffer',
  'writeUtf8String',
  'writeLatin1String',
  'writeAsciiString',
]);

/** Whose code a profile is asked about, and which of its functions only wrap Node's own. */
export interface Subject {
  owns: (url: string) => boolean;
  /** A function that wraps one of Node's (its callees are Node's work, done with or without it). */
  wraps?: (frame: CallFrame) => boolean;
}

/** inferlens: the packages run from source under tsx, or from dist when built. */
export const INFERLENS: Subject = {
  owns: (url) => /\/packages\/[a-z-]+\/(src|dist)\//.test(url),
  // The write/end/push wrappers of `packages/http/src/patch.ts` (`trackedWrite`, `trackedEnd`,
  // `trackedPush`): what they call on is Node's own work.
  wraps: (f) =>
    /\/packages\/http\/(src|dist)\//.test(f.url) &&
    /^tracked(Write|End|Push)$/.test(f.functionName),
};

/** A peer: the npm packages it is made of (prom-client included). */
export function packages(names: readonly string[]): Subject {
  const marks = names.map((n) => `/node_modules/${n}/`);
  return { owns: (url) => marks.some((m) => url.includes(m)) };
}

/** Code that is neither the subject's nor Node's nor V8's: the framework, the app, other packages. */
const isForeign = (f: CallFrame) => f.url !== '' && !f.url.startsWith('node:');

/** Splits the profile's busy time into inferlens's share and the rest (see the file comment). */
export function attribute(profile: CpuProfile, subject: Subject): Attribution {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const micros = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    micros.set(id, (micros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  let busy = 0;
  let ours = 0;
  let write = 0;
  for (const [id, t] of micros) {
    const leaf = byId.get(id)!;
    if (leaf.callFrame.functionName === '(idle)') continue;
    busy += t;
    if (counts(subject, leaf, byId, parent)) ours += t;
    if (leaf.callFrame.url === '' && SOCKET_WRITES.has(leaf.callFrame.functionName)) write += t;
  }
  return { busyMicros: busy, oursMicros: ours, writeMicros: write };
}

/** Walks from the sampled frame towards the root until the first frame that decides. */
function counts(
  subject: Subject,
  leaf: ProfileNode,
  byId: Map<number, ProfileNode>,
  parent: Map<number, number>,
): boolean {
  if (subject.owns(leaf.callFrame.url)) return true;
  if (isForeign(leaf.callFrame)) return false;
  for (let id = parent.get(leaf.id); id !== undefined; id = parent.get(id)) {
    const f = byId.get(id)!.callFrame;
    if (subject.owns(f.url)) return subject.wraps?.(f) !== true;
    if (isForeign(f)) return false;
  }
  return false;
}
