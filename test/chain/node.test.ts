// The chain-node reader (src/chain/node.ts) against local WebSocket JSON-RPC servers on
// 127.0.0.1: (a) one that replays the real recorded answers of ../shared/real/tn23-… (read at
// run time, never copied), whose Weights and Bonds must decode to that folder's snapshot.json;
// (b) a synthetic subnet the test encodes itself in today's storage layout, read back exactly
// (paging, the mechanism index, stake, hyperparameters, chain outputs), also by `yuma metagraph
// fetch`; (c) dead, silent and erroring nodes, which fail with the RPC method named.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { TypeRegistry } from "@polkadot/types";
import { blake2AsHex, xxhashAsHex } from "@polkadot/util-crypto";
import { u8aToHex } from "@polkadot/util";
import { afterAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { connectNode, decodeRows, keyHelpers, readUidMap } from "../../src/chain/node.js";
import { fetchMetagraph, readMetagraph, replay, YumaInputError, YumaNodeError } from "../../src/index.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const TN23 = join(ROOT, "..", "shared", "real", "tn23-b3264155-selfweight");
const CLI = join(ROOT, "dist", "cli.js");

type Handler = (method: string, params: unknown[]) => { result?: unknown; error?: { code: number; message: string } } | "silent";

const servers: WebSocketServer[] = [];
afterAll(async () => {
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
});

/** A JSON-RPC server on a free port of 127.0.0.1; `calls` records every request. */
async function serve(handler: Handler): Promise<{ url: string; calls: Array<{ method: string; params: unknown[] }> }> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  servers.push(wss);
  await new Promise<void>((r) => wss.once("listening", () => r()));
  const calls: Array<{ method: string; params: unknown[] }> = [];
  wss.on("connection", (ws) => {
    ws.on("message", (data) => {
      const req = JSON.parse(String(data)) as { id: number; method: string; params: unknown[] };
      calls.push({ method: req.method, params: req.params });
      const r = handler(req.method, req.params);
      if (r === "silent") return;
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: req.id, ...(r.error ? { error: r.error } : { result: r.result ?? null }) }));
    });
  });
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, calls };
}

// ---------------------------------------------------------------- (a) the real recording

describe("the recorded tn23 node answers", () => {
  const raw = JSON.parse(readFileSync(join(TN23, "raw_responses.json"), "utf8")) as Record<string, Record<string, Record<string, { result: unknown }>>>;
  const snap = JSON.parse(readFileSync(join(TN23, "snapshot.json"), "utf8"));
  /** Every recorded (method, params) → result, whichever SDK call recorded it. */
  const answers = new Map<string, unknown>();
  for (const session of Object.values(raw)) {
    for (const [method, byParams] of Object.entries(session)) {
      for (const [params, res] of Object.entries(byParams)) answers.set(`${method} ${JSON.stringify(JSON.parse(params))}`, res.result);
    }
  }
  const handler: Handler = (method, params) => {
    const k = `${method} ${JSON.stringify(params)}`;
    return answers.has(k) ? { result: answers.get(k) } : { error: { code: -32601, message: `not recorded: ${k.slice(0, 200)}` } };
  };
  // The blocks the SDK read Weights and Bonds at (the storage queries' hashes in the recording).
  const hashOf = (session: string) => {
    const q = Object.keys(raw[session]!.state_queryStorageAt!)[0]!;
    return (JSON.parse(q) as [string[], string])[1];
  };
  const rows = (sparse: Array<[number, Array<[number, number]>]>, n: number) => {
    const by = new Map(sparse);
    return Array.from({ length: n }, (_, i) => by.get(i) ?? []);
  };

  it("Weights and Bonds decode to snapshot.json, read with the SDK's own paging", async () => {
    const { url, calls } = await serve(handler);
    const rpc = await connectNode(url, 5000);
    try {
      const k = await keyHelpers();
      const reg = new TypeRegistry();
      const w = decodeRows(reg, await readUidMap(rpc, k, "Weights", 23, hashOf("weights"), 100), snap.n, "Weights");
      const b = decodeRows(reg, await readUidMap(rpc, k, "Bonds", 23, hashOf("bonds"), 100), snap.n, "Bonds");
      expect(w).toEqual(rows(snap.weights_u16, snap.n));
      expect(b).toEqual(rows(snap.bonds_u16, snap.n));
      expect(w[10]).toEqual([[10, 65535]]);
      expect(b.every((r) => r.length === 0)).toBe(true);
    } finally {
      await rpc.close();
    }
    // Every call was one the recording answers (no error was served).
    expect(calls.map((c) => c.method)).toEqual(["state_getKeysPaged", "state_queryStorageAt", "state_getKeysPaged", "state_queryStorageAt"]);
  });
});

// ---------------------------------------------------------------- (b) a synthetic subnet

const reg = new TypeRegistry();
// SCALE bytes (toU8a), as hex: a number's toHex() would be big-endian, not SCALE.
const hex = (type: string, v: unknown) => u8aToHex(reg.createType(type, v).toU8a());
const pallet = xxhashAsHex("SubtensorModule", 128);
const item = (name: string) => pallet + xxhashAsHex(name, 128).slice(2);
const le16 = (v: number) => hex("u16", v).slice(2);
const account = (u: number) => "0x" + (u + 1).toString(16).padStart(2, "0").repeat(32);

/** A subnet in today's layout: storage key → SCALE value. */
function syntheticStorage(netuid: number, n: number) {
  const s = new Map<string, string>();
  const net = le16(netuid);
  const weights = Array.from({ length: n }, (_, u) => (u < 3 ? Array.from({ length: n }, (_, j) => [j, (u * 7 + j * 13) % 65536] as [number, number]) : []));
  const bonds = Array.from({ length: n }, (_, u) => (u < 3 ? [[u + 4, 1000 * (u + 1)] as [number, number]] : []));
  const alpha = Array.from({ length: n }, (_, u) => BigInt(u + 1) * 123_456_789_000n + (u === 0 ? 2n ** 60n : 0n));
  for (let u = 0; u < n; u++) {
    s.set(item("Keys") + net + le16(u), account(u));
    if (weights[u]!.length) s.set(item("Weights") + net + le16(u), hex("Vec<(u16,u16)>", weights[u]));
    if (bonds[u]!.length) s.set(item("Bonds") + net + le16(u), hex("Vec<(u16,u16)>", bonds[u]));
    s.set(item("BlockAtRegistration") + net + le16(u), hex("u64", 1000 + u));
    s.set(item("TotalHotkeyAlpha") + blake2AsHex(account(u), 128).slice(2) + account(u).slice(2) + net, hex("u64", alpha[u]));
    // Another subnet's stake of the same hotkey, which must not count.
    s.set(item("TotalHotkeyAlpha") + blake2AsHex(account(u), 128).slice(2) + account(u).slice(2) + le16(netuid + 1), hex("u64", 5));
  }
  // Mechanism 1's weights (index 4096 + netuid): not mechanism 0's.
  s.set(item("Weights") + le16(4096 + netuid) + le16(0), hex("Vec<(u16,u16)>", [[1, 1]]));
  // A neighbouring subnet's weights.
  s.set(item("Weights") + le16(netuid + 1) + le16(0), hex("Vec<(u16,u16)>", [[2, 2]]));
  const lastUpdate = Array.from({ length: n }, (_, u) => 4_000_000 + u);
  const permits = Array.from({ length: n }, (_, u) => u < 3);
  s.set(item("SubnetworkN") + net, hex("u16", n));
  s.set(item("LastUpdate") + net, hex("Vec<u64>", lastUpdate));
  s.set(item("ValidatorPermit") + net, hex("Vec<bool>", permits));
  s.set(item("Tempo") + net, hex("u16", 99));
  s.set(item("Kappa") + net, hex("u16", 30000));
  s.set(item("ActivityCutoff") + net, hex("u16", 4000));
  s.set(item("BondsMovingAverage") + net, hex("u64", 975000));
  s.set(item("BondsPenalty") + net, hex("u16", 32768));
  s.set(item("MaxAllowedValidators") + net, hex("u16", 8));
  s.set(item("AlphaSigmoidSteepness") + net, hex("i16", -70));
  s.set(item("AlphaValues") + net, hex("(u16,u16)", [40000, 60000]));
  s.set(item("LiquidAlphaOn") + blake2AsHex("0x" + net, 128).slice(2) + net, hex("bool", true));
  s.set(item("Yuma3On") + blake2AsHex("0x" + net, 128).slice(2) + net, hex("bool", true));
  s.set(item("LastMechansimStepBlock") + net, hex("u64", 4_000_100));
  s.set(item("CommitRevealWeightsEnabled") + net, hex("bool", false));
  s.set(item("SubnetOwnerHotkey") + net, account(5));
  s.set(item("StakeThreshold"), hex("u64", 1000));
  s.set(item("Consensus") + net, hex("Vec<u16>", Array.from({ length: n }, (_, u) => u * 100)));
  s.set(item("Emission") + net, hex("Vec<u64>", Array.from({ length: n }, (_, u) => BigInt(u) * 10n ** 15n)));
  return { s, weights, bonds, alpha, lastUpdate, permits };
}

function chainHandler(storage: Map<string, string>, head: number): Handler {
  const hash = "0x" + "ab".repeat(32);
  const sorted = [...storage.keys()].sort();
  return (method, params) => {
    switch (method) {
      case "chain_getHead": return { result: hash };
      case "chain_getHeader": return { result: { number: "0x" + head.toString(16) } };
      case "chain_getBlockHash": return { result: params[0] === head ? hash : null };
      case "state_getKeysPaged": {
        const [prefix, count, start] = params as [string, number, string];
        return { result: sorted.filter((k) => k.startsWith(prefix) && k > start).slice(0, count) };
      }
      case "state_queryStorageAt": {
        const [keys] = params as [string[]];
        return { result: [{ block: hash, changes: keys.map((k) => [k, storage.get(k) ?? null]) }] };
      }
      default: return { error: { code: -32601, message: `unknown method ${method}` } };
    }
  };
}

describe("a synthetic subnet in today's layout", () => {
  const netuid = 3, n = 10;
  const sub = syntheticStorage(netuid, n);

  it("reads back exactly: weights, bonds, registrations, last updates, permits, stake, hyperparameters, chain outputs", async () => {
    const { url, calls } = await serve(chainHandler(sub.s, 4_000_123));
    const m = await fetchMetagraph({ url, netuid, pageSize: 4, timeoutMs: 5000 });
    expect(m.block).toBe(4_000_123);
    expect(m.n).toBe(n);
    expect(m.weights).toEqual(sub.weights);
    expect(m.bonds).toEqual(sub.bonds);
    expect(m.blockAtRegistration).toEqual(Array.from({ length: n }, (_, u) => 1000 + u));
    expect(m.lastUpdate).toEqual(sub.lastUpdate);
    expect(m.validatorPermit).toEqual(sub.permits);
    // No root stake: the stake is the alpha exactly (also past 2^53).
    expect(m.stake).toEqual(sub.alpha);
    expect(m.hotkeys![0]).toBe(reg.createType("AccountId32", account(0)).toString());
    expect(m.hotkeys![0]).toMatch(/^5/);
    expect(m.params).toMatchObject({
      currentBlock: 4_000_123, tempo: 99, kappa: 30000, activityCutoff: 4000, bondsMovingAverage: 975000, bondsPenalty: 32768,
      maxAllowedValidators: 8, alphaSigmoidSteepness: -70, alphaLow: 40000, alphaHigh: 60000, liquidAlpha: true, yuma3: true,
      lastMechanismStepBlock: 4_000_100, commitBlocks: null, ownerUid: 5, stakeThreshold: "1000",
    });
    expect(m.chainOutputs!.block).toBe(4_000_100);
    expect(m.chainOutputs!.consensus).toEqual(Array.from({ length: n }, (_, u) => u * 100));
    expect(m.chainOutputs!.emission).toEqual(Array.from({ length: n }, (_, u) => BigInt(u) * 10n ** 15n));
    // Paging: 10 keys in pages of 4.
    const pages = calls.filter((c) => c.method === "state_getKeysPaged" && (c.params[0] as string).endsWith(le16(netuid)) && (c.params[0] as string).startsWith(item("Weights")));
    expect(pages.length).toBe(1); // 3 weight rows: one page
    const keyPages = calls.filter((c) => c.method === "state_getKeysPaged" && (c.params[0] as string).startsWith(item("Keys")));
    expect(keyPages.length).toBe(3);
    expect(m.assumptions.map((a) => a.assumption)).toContain("own-alpha-plus-tau-root");
    // It replays.
    expect(replay(m, { epochs: 2 }).versions[0]!.epochs.length).toBe(2);
  });

  it("at a block: chain_getBlockHash; a block the node lacks is a node error naming the method", async () => {
    const { url } = await serve(chainHandler(sub.s, 4_000_123));
    expect((await fetchMetagraph({ url, netuid, block: 4_000_123, timeoutMs: 5000 })).block).toBe(4_000_123);
    const e = await fetchMetagraph({ url, netuid, block: 5, timeoutMs: 5000 }).catch((x) => x);
    expect(e).toBeInstanceOf(YumaNodeError);
    expect((e as YumaNodeError).method).toBe("chain_getBlockHash");
  });

  it("pre-dTAO layout: stake from TotalHotkeyStake", async () => {
    const s = new Map([...sub.s].filter(([k]) => !k.startsWith(item("TotalHotkeyAlpha"))));
    for (let u = 0; u < n; u++) s.set(item("TotalHotkeyStake") + account(u).slice(2), hex("u64", 777n * BigInt(u)));
    const { url } = await serve(chainHandler(s, 10));
    const m = await fetchMetagraph({ url, netuid, timeoutMs: 5000 });
    expect(m.source).toMatchObject({ layout: "pre-dtao" });
    expect(m.stake).toEqual(Array.from({ length: n }, (_, u) => 777n * BigInt(u)));
  });

  it("yuma metagraph fetch writes a yuma-metagraph/1 file that replays", async () => {
    const { url } = await serve(chainHandler(sub.s, 4_000_123));
    const out = join(mkdtempSync(join(tmpdir(), "fetch-")), "m.json");
    const r = await run(["metagraph", "fetch", "--url", url, "--netuid", String(netuid), "--out", out, "--timeout", "5000"]);
    expect(r.code, r.stderr).toBe(0);
    const m = readMetagraph(JSON.parse(readFileSync(out, "utf8")));
    expect(m.weights).toEqual(sub.weights);
    // Its chain outputs are made up, so the check runs and reports the differences (exit 1).
    const c = await run(["replay", out, "--epochs", "2", "--check"]);
    expect(c.code, c.stderr).toBe(1);
    expect(c.stdout).toMatch(/check against the chain's outputs of block 4000100 .*: DIFFERENT/);
  });
});

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    c.stdout.on("data", (d) => (stdout += d));
    c.stderr.on("data", (d) => (stderr += d));
    c.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

// ---------------------------------------------------------------- (c) failing nodes

describe("dead, silent and erroring nodes", () => {
  it("connection refused: a node error naming connect, quickly", async () => {
    const port = await new Promise<number>((r) => {
      const srv = createServer();
      srv.listen(0, "127.0.0.1", () => {
        const p = (srv.address() as AddressInfo).port;
        srv.close(() => r(p));
      });
    });
    const t0 = Date.now();
    const e = await fetchMetagraph({ url: `ws://127.0.0.1:${port}`, netuid: 1, timeoutMs: 2000 }).catch((x) => x);
    expect(e).toBeInstanceOf(YumaNodeError);
    expect((e as YumaNodeError).method).toBe("connect");
    expect(Date.now() - t0).toBeLessThan(2500);
  });

  it("a node that never answers: a timeout naming the method", async () => {
    const { url } = await serve(() => "silent");
    const t0 = Date.now();
    const e = await fetchMetagraph({ url, netuid: 1, timeoutMs: 300 }).catch((x) => x);
    expect(e).toBeInstanceOf(YumaNodeError);
    expect((e as YumaNodeError).method).toBe("chain_getHead");
    expect((e as Error).message).toMatch(/no answer within 300 ms/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it("a node answering an error: a node error naming the method; the CLI exits 3 with one line", async () => {
    const { url } = await serve((method) => (method === "chain_getHead" ? { result: "0x" + "11".repeat(32) } : { error: { code: -32000, message: "boom" } }));
    const e = await fetchMetagraph({ url, netuid: 1, timeoutMs: 2000 }).catch((x) => x);
    expect(e).toBeInstanceOf(YumaNodeError);
    expect((e as YumaNodeError).method).toBe("chain_getHeader");
    const r = await run(["metagraph", "fetch", "--url", url, "--netuid", "1", "--timeout", "2000"]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/chain_getHeader/);
  });

  it("bad options: typed errors naming the field", async () => {
    const field = async (o: object) => (await fetchMetagraph(o as never).catch((x) => x) as YumaInputError).field;
    expect(await field({ url: "http://x", netuid: 1 })).toBe("url");
    // ws:// and no spaces, but not a URL (an unclosed IPv6 bracket, a port past 65535): refused before connecting.
    expect(await field({ url: "ws://[::1", netuid: 1 })).toBe("url");
    expect(await field({ url: "ws://host:99999", netuid: 1 })).toBe("url");
    expect(await field({ url: "ws://x", netuid: 70000 })).toBe("netuid");
    expect(await field({ url: "ws://x", netuid: 1, block: -1 })).toBe("block");
    expect(await field({ url: "ws://x", netuid: 1, layout: "v2" })).toBe("layout");
    // The CLI: one input-error line and exit 2, not a node error with a SyntaxError's stack.
    const r = await run(["metagraph", "fetch", "--url", "ws://[::1", "--netuid", "1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('yuma: url: must be a valid ws:// or wss:// URL, got "ws://[::1"\n');
  });
});
