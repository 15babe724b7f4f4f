// A subnet read from a chain node (docs/metagraph.md, "From a node"): the storage items the
// epoch reads, at one block, over WebSocket JSON-RPC — the @polkadot family's WsProvider for
// the transport, @polkadot/types for SCALE, @polkadot/util-crypto for the key hashers. Keys are
// built from the pallet and item names and the hashers subtensor's lib.rs declares (no runtime
// metadata needed); maps are listed with `state_getKeysPaged` and read with
// `state_queryStorageAt` at the block's hash, as the Python SDK does. The @polkadot packages are
// loaded on the first fetch only.

import { YumaInputError, YumaNodeError } from "../errors.js";
import { quote } from "../input.js";
import { engine, releaseEngine } from "../wasm.js";
import { readMetagraph, type Metagraph } from "./metagraph.js";

export interface FetchMetagraphOptions {
  /** ws:// or wss:// URL of a subtensor node (an archive node for past blocks). */
  url: string;
  netuid: number;
  /** Block to read at (default: the node's head). */
  block?: number;
  /** Per call and for connecting, in ms (default 30,000). */
  timeoutMs?: number;
  /** Storage layout: "dtao" (today's, @14bc6f9f9), "pre-dtao" (stake in TotalHotkeyStake), or "auto" (default: dtao if TotalHotkeyAlpha has entries). */
  layout?: "auto" | "dtao" | "pre-dtao";
  /** Keys per `state_getKeysPaged` page (default 100, as the SDK). */
  pageSize?: number;
}

const PALLET = "SubtensorModule";
const U64_MAX = (1n << 64n) - 1n;

/** The JSON-RPC calls the reader makes, with a timeout each; every failure is a YumaNodeError naming the method. */
export interface Rpc {
  send(method: string, params: unknown[]): Promise<unknown>;
  close(): Promise<void>;
}

/** Open a JSON-RPC connection (WsProvider, no reconnection) whose calls time out after `timeoutMs`. */
export async function connectNode(url: string, timeoutMs: number): Promise<Rpc> {
  const { WsProvider } = await import("@polkadot/rpc-provider");
  // No automatic reconnection: a dead node must fail, not retry forever.
  const provider = new WsProvider(url, false, {}, timeoutMs);
  const within = <T>(p: Promise<T>, method: string): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const t = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new YumaNodeError(method, url, `no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([p, t]).finally(() => clearTimeout(timer));
  };
  const disconnect = async () => {
    try {
      await provider.disconnect();
    } catch {
      // already closed
    }
  };
  try {
    const opened = new Promise<void>((resolve, reject) => {
      const offErr = provider.on("error", (e: unknown) => reject(new YumaNodeError("connect", url, e instanceof Error ? e.message : "connection failed")));
      const offDis = provider.on("disconnected", () => reject(new YumaNodeError("connect", url, "connection closed")));
      provider.on("connected", () => {
        offErr();
        offDis();
        resolve();
      });
    });
    await within(Promise.all([provider.connect(), opened]).then(() => undefined), "connect");
  } catch (e) {
    await disconnect();
    throw e instanceof YumaNodeError ? e : new YumaNodeError("connect", url, (e as Error).message ?? String(e));
  }
  return {
    async send(method, params) {
      try {
        return await within(provider.send(method, params), method);
      } catch (e) {
        throw e instanceof YumaNodeError ? e : new YumaNodeError(method, url, (e as Error).message ?? String(e));
      }
    },
    close: disconnect,
  };
}

/** Storage key helpers over @polkadot/util-crypto (loaded with the provider). */
export interface Keys {
  prefix(item: string): string;
  identityU16(v: number): string;
  blake2_128Concat(hex: string): string;
  twox64Concat(hex: string): string;
}

export async function keyHelpers(): Promise<Keys> {
  const { xxhashAsHex, blake2AsHex } = await import("@polkadot/util-crypto");
  const pallet = xxhashAsHex(PALLET, 128).slice(2);
  const strip = (h: string) => (h.startsWith("0x") ? h.slice(2) : h);
  return {
    prefix: (item) => `0x${pallet}${xxhashAsHex(item, 128).slice(2)}`,
    identityU16: (v) => (v & 0xff).toString(16).padStart(2, "0") + ((v >> 8) & 0xff).toString(16).padStart(2, "0"),
    blake2_128Concat: (hex) => blake2AsHex(`0x${strip(hex)}`, 128).slice(2) + strip(hex),
    twox64Concat: (hex) => xxhashAsHex(`0x${strip(hex)}`, 64).slice(2) + strip(hex),
  };
}

/** Every key under `prefix`, page by page (first page starts at the prefix, as the SDK does). */
export async function keysPaged(rpc: Rpc, prefix: string, at: string, pageSize: number): Promise<string[]> {
  const keys: string[] = [];
  let start = prefix;
  for (;;) {
    const page = (await rpc.send("state_getKeysPaged", [prefix, pageSize, start, at])) as unknown;
    if (!Array.isArray(page) || page.some((k) => typeof k !== "string")) throw new YumaNodeError("state_getKeysPaged", "", "answer is not a list of keys");
    const fresh = (page as string[]).filter((k) => k !== start);
    keys.push(...fresh);
    if (page.length < pageSize || fresh.length === 0) return keys;
    start = page[page.length - 1] as string;
  }
}

/** Values of `keys` at `at` (null where the storage is empty), in the order of `keys`. */
export async function queryAt(rpc: Rpc, keys: string[], at: string): Promise<Array<string | null>> {
  if (keys.length === 0) return [];
  const out = new Map<string, string | null>();
  for (let i = 0; i < keys.length; i += 1000) {
    const part = keys.slice(i, i + 1000);
    const res = (await rpc.send("state_queryStorageAt", [part, at])) as Array<{ changes?: Array<[string, string | null]> }>;
    if (!Array.isArray(res)) throw new YumaNodeError("state_queryStorageAt", "", "answer is not a list of change sets");
    for (const set of res) for (const [k, v] of set.changes ?? []) out.set(k, v);
  }
  return keys.map((k) => out.get(k) ?? null);
}

/** A double map keyed (Identity u16 netuid, Identity u16 uid): uid → SCALE value hex. */
export async function readUidMap(rpc: Rpc, k: Keys, item: string, first: number, at: string, pageSize: number): Promise<Map<number, string>> {
  const prefix = k.prefix(item) + k.identityU16(first);
  const keys = await keysPaged(rpc, prefix, at, pageSize);
  const values = await queryAt(rpc, keys, at);
  const out = new Map<number, string>();
  keys.forEach((key, i) => {
    const tail = key.slice(prefix.length);
    if (tail.length !== 4 || values[i] === null) return;
    out.set(parseInt(tail.slice(2, 4) + tail.slice(0, 2), 16), values[i]!);
  });
  return out;
}

type Registry = import("@polkadot/types").TypeRegistry;

/** The bytes of a hex string: @polkadot/types reads a hex string as a big-endian number for
 *  integer types, so SCALE values always go in as bytes. */
function bytes(hex: string): Uint8Array {
  const h = hex.startsWith("0x") ? hex.slice(2) : hex;
  if (h.length % 2 !== 0 || /[^0-9a-fA-F]/.test(h)) throw new YumaInputError("node", `not a hex value: ${JSON.stringify(hex.slice(0, 40))}`);
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Decode a SCALE value (`json` of @polkadot/types). */
function decode(reg: Registry, type: string, hex: string, item: string): unknown {
  try {
    return reg.createType(type, bytes(hex)).toJSON();
  } catch (e) {
    throw new YumaInputError(`node.${item}`, `not a SCALE ${type}: ${(e as Error).message}`);
  }
}

/** A u64 (or a Vec<u64>) as decimal strings: exact past 2^53. */
function u64(reg: Registry, hex: string, item: string): bigint {
  try {
    return BigInt(reg.createType("u64", bytes(hex)).toString());
  } catch (e) {
    throw new YumaInputError(`node.${item}`, `not a SCALE u64: ${(e as Error).message}`);
  }
}
function u64s(reg: Registry, hex: string, item: string): bigint[] {
  try {
    return (reg.createType("Vec<u64>", bytes(hex)) as unknown as Array<{ toString(): string }>).map((x) => BigInt(x.toString()));
  } catch (e) {
    throw new YumaInputError(`node.${item}`, `not a SCALE Vec<u64>: ${(e as Error).message}`);
  }
}

/** Weights / Bonds rows decoded as the chain stores them. */
export function decodeRows(reg: Registry, rows: Map<number, string>, n: number, item: string): Array<Array<[number, number]>> {
  return Array.from({ length: n }, (_, u) => {
    const hex = rows.get(u);
    return hex ? (decode(reg, "Vec<(u16,u16)>", hex, `${item}[${u}]`) as Array<[number, number]>) : [];
  });
}

/**
 * Read subnet `netuid` at a block from a node and return it as a validated `yuma-metagraph/1`
 * (fields the chain does not store for the epoch — the emission handed to it — are filled by
 * named assumptions). Errors: YumaNodeError naming the RPC method (connect, timeouts, RPC
 * errors), YumaInputError for bad options or undecodable values.
 */
export async function fetchMetagraph(options: FetchMetagraphOptions): Promise<Metagraph> {
  const o = options as FetchMetagraphOptions & Record<string, unknown>;
  if (typeof o !== "object" || o === null) throw new YumaInputError("options", "must be an object { url, netuid }");
  if (typeof o.url !== "string" || !/^wss?:\/\/\S+$/.test(o.url)) throw new YumaInputError("url", `must be a ws:// or wss:// URL, got ${JSON.stringify(o.url)}`);
  // The pattern lets through what URL parsing refuses (`ws://[::1`), which the provider would
  // throw as a SyntaxError with a stack: check it here, where it is the caller's input.
  try {
    new URL(o.url);
  } catch {
    throw new YumaInputError("url", `must be a valid ws:// or wss:// URL, got ${quote(o.url)}`);
  }
  if (!Number.isInteger(o.netuid) || o.netuid < 0 || o.netuid > 65535) throw new YumaInputError("netuid", `must be an integer in 0..=65535, got ${JSON.stringify(o.netuid)}`);
  if (o.block !== undefined && (!Number.isSafeInteger(o.block) || o.block < 0)) throw new YumaInputError("block", `must be a non-negative integer, got ${JSON.stringify(o.block)}`);
  const timeoutMs = o.timeoutMs ?? 30_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 3_600_000) throw new YumaInputError("timeoutMs", `must be an integer in 1..=3600000, got ${JSON.stringify(o.timeoutMs)}`);
  const pageSize = o.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) throw new YumaInputError("pageSize", `must be an integer in 1..=1000, got ${JSON.stringify(o.pageSize)}`);
  const layoutOpt = o.layout ?? "auto";
  if (!["auto", "dtao", "pre-dtao"].includes(layoutOpt)) throw new YumaInputError("layout", `must be "auto", "dtao" or "pre-dtao", got ${JSON.stringify(o.layout)}`);
  const { TypeRegistry } = await import("@polkadot/types");
  const reg = new TypeRegistry();
  const k = await keyHelpers();
  const rpc = await connectNode(o.url, timeoutMs);
  try {
    // The block and its hash.
    let hash: string, block: number;
    if (o.block === undefined) {
      hash = (await rpc.send("chain_getHead", [])) as string;
      const header = (await rpc.send("chain_getHeader", [hash])) as { number?: string } | null;
      if (!header || typeof header.number !== "string") throw new YumaNodeError("chain_getHeader", o.url, "no header for the head hash");
      block = parseInt(header.number, 16);
    } else {
      hash = (await rpc.send("chain_getBlockHash", [o.block])) as string;
      if (typeof hash !== "string") throw new YumaNodeError("chain_getBlockHash", o.url, `no block ${o.block} on this node (an archive node keeps past blocks)`);
      block = o.block;
    }
    const net = k.identityU16(o.netuid);
    const single = async (item: string, key = net) => (await queryAt(rpc, [k.prefix(item) + key], hash))[0] ?? null;
    const val = async <T>(item: string, type: string, key?: string): Promise<T | undefined> => {
      const hex = await single(item, key);
      return hex === null ? undefined : (decode(reg, type, hex, item) as T);
    };
    const n = (await val<number>("SubnetworkN", "u16")) ?? 0;
    if (n === 0) throw new YumaInputError("netuid", `subnet ${o.netuid} has no uids at block ${block} (SubnetworkN is 0)`);
    // Hotkeys by uid, then the per-uid storage.
    const keysMap = await readUidMap(rpc, k, "Keys", o.netuid, hash, pageSize);
    const hotkeyHex = Array.from({ length: n }, (_, u) => keysMap.get(u) ?? null);
    const hotkeys = hotkeyHex.map((h) => (h === null ? "" : (reg.createType("AccountId32", bytes(h)).toString())));
    const weights = decodeRows(reg, await readUidMap(rpc, k, "Weights", o.netuid, hash, pageSize), n, "Weights");
    const bonds = decodeRows(reg, await readUidMap(rpc, k, "Bonds", o.netuid, hash, pageSize), n, "Bonds");
    const regMap = await readUidMap(rpc, k, "BlockAtRegistration", o.netuid, hash, pageSize);
    const blockAtRegistration = Array.from({ length: n }, (_, u) => (regMap.has(u) ? Number(u64(reg, regMap.get(u)!, "BlockAtRegistration")) : 0));
    const pad = <T>(a: T[] | undefined, d: T): T[] => Array.from({ length: n }, (_, u) => (a && u < a.length ? a[u]! : d));
    const luHex = await single("LastUpdate");
    const lastUpdate = pad(luHex === null ? undefined : u64s(reg, luHex, "LastUpdate").map(Number), 0);
    const validatorPermit = pad(await val<boolean[]>("ValidatorPermit", "Vec<bool>"), false);
    // Stake as the epoch weighs it: alpha + τ·root (dTAO), or TotalHotkeyStake (pre-dTAO).
    let layout = layoutOpt;
    if (layout === "auto") {
      const probe = (await rpc.send("state_getKeysPaged", [k.prefix("TotalHotkeyAlpha"), 1, k.prefix("TotalHotkeyAlpha"), hash])) as unknown[];
      layout = Array.isArray(probe) && probe.length > 0 ? "dtao" : "pre-dtao";
    }
    const accountHex = (u: number) => (hotkeyHex[u] ?? "").replace(/^0x/, "");
    let stake: bigint[];
    const assumptions: Array<{ field: string; assumption: string; detail: string }> = [];
    if (layout === "dtao") {
      const alphaKeys = hotkeys.map((_, u) => k.prefix("TotalHotkeyAlpha") + k.blake2_128Concat(accountHex(u)) + net);
      const rootKeys = hotkeys.map((_, u) => k.prefix("TotalHotkeyAlpha") + k.blake2_128Concat(accountHex(u)) + k.identityU16(0));
      const [alpha, root] = [await queryAt(rpc, alphaKeys, hash), await queryAt(rpc, rootKeys, hash)];
      const twHex = await single("TaoWeight", "");
      const taoWeight = twHex === null ? 971_718_665_099_567_868n : u64(reg, twHex, "TaoWeight");
      const w = engine() as unknown as { dtaoTaoWeight(x: bigint): bigint; dtaoStakeWeight(a: bigint, r: bigint, t: bigint): bigint };
      try {
        const tau = BigInt.asUintN(64, w.dtaoTaoWeight(taoWeight));
        stake = hotkeys.map((_, u) => {
          const a = alpha[u] ? u64(reg, alpha[u]!, "TotalHotkeyAlpha") : 0n;
          const r = root[u] ? u64(reg, root[u]!, "TotalHotkeyAlpha") : 0n;
          return BigInt.asUintN(64, w.dtaoStakeWeight(a, r, tau));
        });
      } finally {
        releaseEngine();
      }
      assumptions.push({ field: "stake", assumption: "own-alpha-plus-tau-root", detail: "stake = ⌊TotalHotkeyAlpha(netuid) + τ·TotalHotkeyAlpha(root)⌋ per hotkey; child-key inheritance (parents' and children's shares) is not read" });
    } else {
      const vals = await queryAt(rpc, hotkeys.map((_, u) => k.prefix("TotalHotkeyStake") + accountHex(u)), hash);
      stake = vals.map((h) => (h ? u64(reg, h, "TotalHotkeyStake") : 0n));
    }
    for (const s of stake) if (s > U64_MAX) throw new YumaInputError("stake", "above u64");
    // Hyperparameters (absent = the chain's ValueQuery default, which readMetagraph names).
    const params: Record<string, unknown> = { currentBlock: block };
    const set = async (name: string, item: string, type: string, key?: string, map: (v: unknown) => unknown = (v) => v) => {
      const v = await val<unknown>(item, type, key);
      if (v !== undefined && v !== null) params[name] = map(v);
    };
    await set("tempo", "Tempo", "u16");
    await set("kappa", "Kappa", "u16");
    await set("activityCutoff", "ActivityCutoff", "u16");
    const bma = await single("BondsMovingAverage");
    if (bma !== null) params.bondsMovingAverage = Number(u64(reg, bma, "BondsMovingAverage"));
    await set("bondsPenalty", "BondsPenalty", "u16");
    await set("maxAllowedValidators", "MaxAllowedValidators", "u16");
    await set("alphaSigmoidSteepness", "AlphaSigmoidSteepness", "i16");
    const st = await single("StakeThreshold", "");
    if (st !== null) params.stakeThreshold = u64(reg, st, "StakeThreshold").toString();
    const lms = await single("LastMechansimStepBlock");
    if (lms !== null) params.lastMechanismStepBlock = Number(u64(reg, lms, "LastMechansimStepBlock"));
    await set("liquidAlpha", "LiquidAlphaOn", "bool", k.blake2_128Concat(net));
    await set("yuma3", "Yuma3On", "bool", k.blake2_128Concat(net));
    const alphas = await val<[number, number]>("AlphaValues", "(u16,u16)");
    if (alphas) [params.alphaLow, params.alphaHigh] = alphas;
    const cr = await val<boolean>("CommitRevealWeightsEnabled", "bool");
    if (cr === false) params.commitBlocks = null;
    const owner = await single("SubnetOwnerHotkey");
    if (owner !== null) {
      const u = hotkeyHex.findIndex((h) => h !== null && h.toLowerCase() === owner.toLowerCase());
      params.ownerUid = u >= 0 ? u : null;
    }
    // The chain's outputs of its last epoch.
    const vec = async (item: string, type: string) => (await val<unknown[]>(item, type)) ?? undefined;
    const chainOutputs: Record<string, unknown> = { block: Number(params.lastMechanismStepBlock ?? 0) };
    for (const [name, item] of [["consensus", "Consensus"], ["incentive", "Incentive"], ["dividends", "Dividends"], ["validatorTrust", "ValidatorTrust"]] as const) {
      const v = await vec(item, "Vec<u16>");
      if (v && v.length === n) chainOutputs[name] = v;
    }
    const emHex = await single("Emission");
    const em = emHex === null ? undefined : u64s(reg, emHex, "Emission");
    if (em && em.length === n) chainOutputs.emission = em.map(String);
    const doc: Record<string, unknown> = {
      format: "yuma-metagraph/1", netuid: o.netuid, block, n,
      source: { node: o.url, blockHash: hash, layout },
      hotkeys, params,
      stake: stake.map(String), lastUpdate, blockAtRegistration, validatorPermit, weights, bonds,
      ...(Object.keys(chainOutputs).length > 1 ? { chainOutputs } : {}),
      assumptions,
    };
    return readMetagraph(doc);
  } finally {
    await rpc.close();
  }
}
