#!/usr/bin/env bash
# Smoke test of the published package: `npm pack`, install the tarball into a fresh project,
# then run golden fixtures through the ESM import, the CJS require and the `yuma` bin, check the
# types (yuma-wasm and yuma-wasm/worker, ESM and CJS) with tsc, and run the shipped example.
# Uses the existing dist/ (run `npm run build` first; it is built here only if missing).
# Exits non-zero on any failure; the last line is `pack-smoke: ok` on success.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

fail() { echo "pack-smoke: FAILED: $*" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/yuma-pack-smoke.XXXXXX")"
trap 'rm -rf "$work"' EXIT

if [[ ! -f dist/index.js || ! -f dist/index.cjs || ! -f dist/cli.js ]]; then
  echo "pack-smoke: dist/ incomplete, running npm run build"
  npm run build --silent >/dev/null || fail "npm run build"
fi

# 1. Pack into the temp dir (nothing is left in the repository).
pack_json="$(npm pack --json --pack-destination "$work" 2>/dev/null)" || fail "npm pack"
tgz="$work/$(node -e 'const j = JSON.parse(require("fs").readFileSync(0, "utf8")); process.stdout.write(j[0].filename)' <<<"$pack_json")"
[[ -f "$tgz" ]] || fail "npm pack produced no tarball ($tgz)"
# The package must ship the built library, CLI and types, and not the sources or tests.
node -e '
const files = JSON.parse(require("fs").readFileSync(0, "utf8"))[0].files.map((f) => f.path);
const need = [
  "dist/index.js", "dist/index.cjs", "dist/index.d.ts", "dist/index.d.cts", "dist/cli.js",
  "dist/worker.js", "dist/worker.cjs", "dist/worker.d.ts", "dist/worker.d.cts",
  "dist/browser.js", "dist/site/index.html", "dist/site/app.js",
  "examples/library.mjs", "examples/epoch-n4.json", "LICENSE", "README.md", "package.json",
];
const missing = need.filter((f) => !files.includes(f));
const stray = files.filter((f) => /^(src|test|assembly|scripts)\//.test(f));
if (missing.length || stray.length) {
  console.error("missing: " + missing.join(", ") + "; unexpected: " + stray.join(", "));
  process.exit(1);
}
' <<<"$pack_json" || fail "tarball contents"

# 2. Install it into a fresh project.
app="$work/app"
mkdir -p "$app"
cat >"$app/package.json" <<'EOF'
{ "name": "yuma-wasm-pack-smoke", "version": "0.0.0", "private": true }
EOF
(cd "$app" && npm install --no-audit --no-fund --prefer-offline --loglevel=error "$tgz" >/dev/null) || fail "npm install $tgz"
[[ -f "$app/node_modules/yuma-wasm/package.json" ]] || fail "yuma-wasm not installed"

epoch_fx="$root/test/fixtures/epoch/tiny-n4-commit-reveal.json"
traj_fx="$root/test/fixtures/epoch/traj-one-epoch-switch.json"
big_fx="$root/test/fixtures/epoch/rand-n256-yuma3-liquid-bp0.json"

# 3. ESM import: one epoch (with its trace) and one trajectory must match the fixture exactly.
(cd "$app" && EPOCH_FX="$epoch_fx" TRAJ_FX="$traj_fx" node --input-type=module -e '
import { runEpoch, runTrajectory, outputsToJson, YumaInputError } from "yuma-wasm";
import { readFileSync } from "node:fs";
const load = (p) => JSON.parse(readFileSync(p, "utf8"));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const fx = load(process.env.EPOCH_FX);
const { trace, ...out } = outputsToJson(runEpoch(fx.params, fx.inputs, { trace: true }));
if (!same(out, fx.expected)) throw new Error("ESM epoch output differs from the fixture");
if (!same(trace, fx.trace)) throw new Error("ESM epoch trace differs from the fixture");
const t = load(process.env.TRAJ_FX);
const outs = runTrajectory(t).map(outputsToJson);
if (!same(outs, t.epochs.map((e) => e.expected))) throw new Error("ESM trajectory output differs from the fixture");
try { runEpoch({ ...fx.params, kappa: -1 }, fx.inputs); throw new Error("no error for kappa -1"); }
catch (e) { if (!(e instanceof YumaInputError) || e.field !== "params.kappa") throw e; }
') || fail "ESM import of yuma-wasm"

# 4. CJS require: the same checks through the CommonJS build.
(cd "$app" && EPOCH_FX="$epoch_fx" TRAJ_FX="$traj_fx" node -e '
const { runEpoch, runTrajectory, outputsToJson, YumaInputError } = require("yuma-wasm");
const { readFileSync } = require("node:fs");
const load = (p) => JSON.parse(readFileSync(p, "utf8"));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const fx = load(process.env.EPOCH_FX);
if (!same(outputsToJson(runEpoch(fx.params, fx.inputs)), fx.expected)) throw new Error("CJS epoch output differs from the fixture");
const t = load(process.env.TRAJ_FX);
if (!same(runTrajectory(t).map(outputsToJson), t.epochs.map((e) => e.expected))) throw new Error("CJS trajectory output differs");
try { runEpoch(fx.params, { ...fx.inputs, stake: ["1"] }); throw new Error("no error for a short stake"); }
catch (e) { if (!(e instanceof YumaInputError) || e.field !== "inputs.stake") throw e; }
') || fail "CJS require of yuma-wasm"

# 5. Types as a consumer sees them: tsc (this repository's) on an ESM and a CJS file importing
# "yuma-wasm" and "yuma-wasm/worker" from the installed package; a wrong call must be an error.
mkdir -p "$app/types"
cat >"$app/types/esm.mts" <<'EOF'
import { runEpoch, createPool, type EpochParams, type EpochInputs, type EpochOutputs, type NetworkSummary } from "yuma-wasm";
import shardTask from "yuma-wasm/worker";
declare const params: EpochParams, inputs: EpochInputs;
const out: EpochOutputs = runEpoch(params, inputs);
const rao: bigint = out.emission[0]!;
const pool: Promise<{ destroy(): Promise<void> }> = createPool(1);
const pending: (s: NetworkSummary) => string = (s) => s.subnets[0]!.pending;
const task: (t: Parameters<typeof shardTask>[0]) => boolean = shardTask;
// @ts-expect-error params must be an EpochParams
runEpoch({ n: 4 }, inputs);
export { rao, pool, pending, task };
EOF
cat >"$app/types/cjs.cts" <<'EOF'
import yuma = require("yuma-wasm");
import worker = require("yuma-wasm/worker");
const out: yuma.EpochOutputs[] = yuma.runTrajectory({} as yuma.Trajectory);
const task: (t: Parameters<typeof worker.default>[0]) => boolean = worker.default;
// @ts-expect-error runEpoch takes EpochParams and EpochInputs
yuma.runEpoch(1, 2);
export { out, task };
EOF
cat >"$app/types/tsconfig.json" <<EOF
{ "compilerOptions": { "strict": true, "noEmit": true, "target": "ES2022", "module": "NodeNext",
  "moduleResolution": "NodeNext", "types": ["node"], "typeRoots": ["$root/node_modules/@types"],
  "skipLibCheck": false }, "files": ["esm.mts", "cjs.cts"] }
EOF
tsc_out="$(node "$root/node_modules/typescript/bin/tsc" -p "$app/types/tsconfig.json" 2>&1)" || fail "tsc on a consumer of the installed types: $tsc_out"
if grep -qE '[A-Za-z_]\$[0-9]' "$app"/node_modules/yuma-wasm/dist/*.d.*ts; then fail 'bundler-renamed declarations (such as RunOptions$1) in dist/*.d.ts'; fi

# 6. The shipped example script runs against the installed package.
ex_out="$(cd "$app" && node node_modules/yuma-wasm/examples/library.mjs)" || fail "examples/library.mjs"
(cd "$app" && node -e '
const got = JSON.parse(process.argv[1]);
const want = require("./node_modules/yuma-wasm/examples/epoch-n4.json").expected;
if (JSON.stringify(got.epoch) !== JSON.stringify(want)) throw new Error("example epoch differs from examples/epoch-n4.json expected");
if (got.blockEmission !== "500000000" || got.sameDigestWithOwnPool !== true) throw new Error("example output: " + process.argv[1].slice(0, 200));
' "$ex_out") || fail "examples/library.mjs output"

# 7. The bin, through npx (never fetched: --no).
for f in "$epoch_fx" "$traj_fx" "$big_fx"; do
  code=0
  out="$(cd "$app" && npx --no yuma epoch "$f" --check)" || code=$?
  name="$(basename "$f")"
  [[ $code -eq 0 ]] || fail "npx yuma epoch $name --check: exit $code: $out"
  [[ "$out" == ok:* ]] || fail "npx yuma epoch $name --check printed: $out"
done
out="$(cd "$app" && npx --no yuma epoch - --check <"$epoch_fx")" || fail "npx yuma epoch - --check"
[[ "$out" == ok:* ]] || fail "npx yuma epoch - --check printed: $out"
set +e
err="$(cd "$app" && npx --no yuma epoch "$work/missing.json" 2>&1 >/dev/null)"
code=$?
set -e
err="$(grep -v '^npm warn' <<<"$err" || true)" # npm's own config warnings, not the CLI's
[[ $code -eq 2 && "$err" == "yuma: "* && "$err" != *$'\n'* ]] || fail "npx yuma on a missing file: exit $code, stderr: $err"

# 8. The playground from the installed package.
(cd "$app" && npx --no yuma playground --out "$work/pg" >/dev/null) || fail "npx yuma playground --out"
[[ -s "$work/pg/index.html" && -s "$work/pg/app.js" ]] || fail "yuma playground wrote no page"

echo "pack-smoke: ok"
