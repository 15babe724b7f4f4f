// The README's library example as a script: `node examples/library.mjs` (in a clone after
// `npm run build`, or from node_modules/yuma-wasm/examples once installed). It prints one JSON
// object with the values it computed.
import { readFileSync } from "node:fs";
import { runEpoch, runTrajectory, outputsToJson, blockEmission, Network, createPool, ready } from "yuma-wasm";

await ready(); // required once in browsers before the synchronous API; harmless in Node

// One epoch. params/inputs use the fixture field names, so a parsed fixture's `params` and
// `inputs` can be passed straight in (examples/epoch-n4.json: 2 validators, 2 miners).
const { params, inputs } = JSON.parse(readFileSync(new URL("./epoch-n4.json", import.meta.url), "utf8"));
const out = runEpoch(params, inputs, { trace: true });
out.incentive;        // u16 per uid
out.serverEmission;   // bigint rao per uid
out.bonds;            // [[uid, u16], ...] per uid, exactly as stored on chain
const { trace, ...epoch } = outputsToJson(out); // fixture-shaped JSON (rao as decimal strings)

// Several epochs: bonds and validator permits carry over as on chain.
const epochs = runTrajectory({ params, inputs, epochs: [{ currentBlock: 7200 }, { currentBlock: 7561 }] });

const perBlock = blockEmission(10_500_000_000_000_000n); // 500000000n (rao per block after the first halving)

// A whole dynamic-TAO network on 2 worker threads (a small one: 4 subnets × 32 uids, 720 blocks).
const config = { subnets: 4, seed: 1, defaults: { neurons: 32, validators: 8, tempo: 99, liquidAlpha: true } };
const net = new Network(config);
const summary = await net.run({ blocks: 720, threads: 2, onProgress: (p) => {} }); // amounts are decimal strings
const snap = net.snapshot();          // JSON-serialisable; new Network(snap) resumes exactly
await net.close();

// Or bring your own pool (createPool is async) and share it between networks.
const pool = await createPool(2);
const again = new Network(config);
const summary2 = await again.run({ blocks: 720, pool });
await again.close();
await pool.destroy();

console.log(JSON.stringify({
  epoch,
  traceKeys: Object.keys(trace),
  trajectory: epochs.map((e) => ({ incentive: e.incentive, dividends: e.dividends, bonds: e.bonds })),
  blockEmission: perBlock.toString(),
  network: summary,
  snapshotBlock: snap.block,
  sameDigestWithOwnPool: summary2.digest === summary.digest,
}));
