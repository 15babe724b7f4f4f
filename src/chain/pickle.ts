// A small, safe Python pickle reader: only the opcodes of protocols 0–4 that torch.save and
// numpy arrays use, and only a fixed list of globals (numpy arrays and scalars, dtypes,
// `_codecs.encode`, torch tensors and storages, OrderedDict). Nothing is executed: every
// GLOBAL resolves to a marker, REDUCE/BUILD are interpreted by hand, any other global or
// opcode is refused with a YumaInputError naming the byte offset.

import { YumaInputError } from "../errors.js";
import { requireBytes } from "../validate.js";

/** Element types of numpy arrays and torch storages we can read. */
export type DType = "f4" | "f8" | "i1" | "i2" | "i4" | "i8" | "u1" | "u2" | "u4" | "u8" | "b1";

/** A decoded numpy array or torch tensor, C order. 64-bit integers are bigints. */
export interface NdArray {
  readonly kind: "ndarray";
  dtype: DType;
  shape: number[];
  /** Flat values in C (row-major) order. */
  data: Array<number | bigint | boolean>;
}

/** A Python tuple (kept distinct from a list). */
export class PyTuple {
  constructor(readonly items: unknown[]) {}
}
/** A Python global that the reader knows (`module.name`). */
export class PyGlobal {
  constructor(readonly name: string) {}
}
/** A persistent-id reference to a torch storage, resolved by the caller's loader. */
export interface TorchStorage {
  readonly kind: "storage";
  dtype: DType;
  key: string;
  /** Values of the whole storage. */
  data: Array<number | bigint | boolean>;
}

/** Loads a torch storage by its key (e.g. `archive/data/0` in the zip). */
export type StorageLoader = (key: string, dtype: DType, numel: number) => Array<number | bigint | boolean>;

class PendingArray {
  constructor(public dtype: DType | null = null) {}
}
class NpDType {
  order: "<" | ">" | "|" = "<";
  constructor(readonly str: string) {}
}

const STORAGE_TYPES: Record<string, DType> = {
  "torch.FloatStorage": "f4", "torch.DoubleStorage": "f8", "torch.LongStorage": "i8", "torch.IntStorage": "i4",
  "torch.ShortStorage": "i2", "torch.CharStorage": "i1", "torch.ByteStorage": "u1", "torch.BoolStorage": "b1",
};
const NUMPY_PREFIXES = ["numpy.core.multiarray.", "numpy._core.multiarray."];
const KNOWN_GLOBALS = new Set([
  "numpy.ndarray", "numpy.dtype", "_codecs.encode", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor",
  "collections.OrderedDict", ...Object.keys(STORAGE_TYPES),
  ...NUMPY_PREFIXES.flatMap((p) => [`${p}_reconstruct`, `${p}scalar`]),
]);
const canonical = (name: string) => name.replace("numpy._core.multiarray.", "numpy.core.multiarray.");

/** Bytes per element of each readable dtype. */
export const DTYPE_SIZE: Record<DType, number> = { f4: 4, f8: 8, i1: 1, i2: 2, i4: 4, i8: 8, u1: 1, u2: 2, u4: 4, u8: 8, b1: 1 };

/**
 * Largest numpy array, tensor or storage the reader builds: 2^24 elements, a 4096×4096 matrix.
 * Each element becomes a JS value, and an imported W then a sparse row entry and JSON text:
 * measured, a 4096×4096 W imports in about 26 s (213 MB of output) while 8192×8192 (2^26, the
 * earlier bound) ran out of memory. Applies to the numpy and the torch paths alike.
 */
export const MAX_ELEMENTS = 1 << 24;
const TOO_MANY = `more than the reader takes (${MAX_ELEMENTS} elements: a 4096×4096 matrix)`;

/** Little- or big-endian raw bytes as values of `dtype`. */
export function decodeRaw(bytes: Uint8Array, dtype: DType, littleEndian: boolean, field: string): Array<number | bigint | boolean> {
  const size = DTYPE_SIZE[dtype];
  if (bytes.length % size !== 0) throw new YumaInputError(field, `${bytes.length} bytes is not a whole number of ${dtype} elements`);
  // Before the values are built (numpy data bytes have no other cap).
  if (bytes.length / size > MAX_ELEMENTS) throw new YumaInputError(field, `${bytes.length / size} ${dtype} elements is ${TOO_MANY}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Array<number | bigint | boolean> = new Array(bytes.length / size);
  for (let i = 0, o = 0; i < out.length; i++, o += size) {
    switch (dtype) {
      case "f4": out[i] = dv.getFloat32(o, littleEndian); break;
      case "f8": out[i] = dv.getFloat64(o, littleEndian); break;
      case "i1": out[i] = dv.getInt8(o); break;
      case "i2": out[i] = dv.getInt16(o, littleEndian); break;
      case "i4": out[i] = dv.getInt32(o, littleEndian); break;
      case "i8": out[i] = dv.getBigInt64(o, littleEndian); break;
      case "u1": out[i] = dv.getUint8(o); break;
      case "u2": out[i] = dv.getUint16(o, littleEndian); break;
      case "u4": out[i] = dv.getUint32(o, littleEndian); break;
      case "u8": out[i] = dv.getBigUint64(o, littleEndian); break;
      case "b1": out[i] = dv.getUint8(o) !== 0; break;
    }
  }
  return out;
}

function parseDtype(s: string, field: string): { dtype: DType; order: "<" | ">" | "|" | null } {
  const m = /^([<>|=]?)([fiub])([1248])$/.exec(s);
  const d = m ? (`${m[2]}${m[3]}` as DType) : null;
  if (!m || !d || !(d in DTYPE_SIZE)) throw new YumaInputError(field, `unsupported numpy dtype ${JSON.stringify(s.slice(0, 20))} (readable: f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1)`);
  const o = m[1] === "=" ? "<" : m[1] === "" ? null : (m[1] as "<" | ">" | "|");
  return { dtype: d, order: o };
}


const product = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

function toInt(v: unknown, field: string): number {
  if (typeof v === "number" && Number.isSafeInteger(v)) return v;
  if (typeof v === "bigint" && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  throw new YumaInputError(field, "must be an integer");
}
function tupleInts(v: unknown, field: string): number[] {
  const items = v instanceof PyTuple ? v.items : Array.isArray(v) ? v : null;
  if (!items) throw new YumaInputError(field, "must be a tuple of integers");
  return items.map((x, i) => toInt(x, `${field}[${i}]`));
}

/**
 * Unpickle `bytes` (a `data.pkl`). `loadStorage` resolves torch persistent ids; without it a
 * persistent id is refused. Python dicts become Maps, tuples PyTuple, lists arrays, str
 * strings, bytes Uint8Array, ints numbers (bigints past 2^53), numpy arrays/torch tensors NdArray.
 */
export function unpickle(bytes: Uint8Array, loadStorage?: StorageLoader, where = "pickle"): unknown {
  requireBytes(bytes, "bytes");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;
  const err = (rule: string): never => {
    throw new YumaInputError(`${where}@${pos}`, rule);
  };
  const need = (k: number) => {
    if (pos + k > bytes.length) err("truncated pickle (unexpected end of data)");
  };
  const u8 = () => (need(1), bytes[pos++]!);
  const u16 = () => (need(2), pos += 2, dv.getUint16(pos - 2, true));
  const u32 = () => (need(4), pos += 4, dv.getUint32(pos - 4, true));
  const i32 = () => (need(4), pos += 4, dv.getInt32(pos - 4, true));
  const u64 = () => {
    need(8);
    const v = dv.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(bytes.length)) err("length field larger than the data");
    return Number(v);
  };
  const take = (k: number) => (need(k), pos += k, bytes.subarray(pos - k, pos));
  const line = () => {
    const end = bytes.indexOf(10, pos);
    if (end < 0) err("truncated pickle (missing newline)");
    const s = new TextDecoder("latin1").decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const utf8 = (b: Uint8Array) => {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(b);
    } catch {
      return err("string is not valid UTF-8");
    }
  };
  const pop = () => (stack.length === 0 ? err("stack underflow") : stack.pop());
  const top = () => (stack.length === 0 ? err("stack underflow") : stack[stack.length - 1]);
  const popMark = (): unknown[] => {
    const m = marks.pop();
    if (m === undefined) return err("no MARK on the stack");
    return stack.splice(m);
  };
  const global = (name: string): PyGlobal => {
    if (!KNOWN_GLOBALS.has(name)) err(`refusing global ${JSON.stringify(name.slice(0, 80))} (only numpy arrays, torch tensors and plain values are read)`);
    return new PyGlobal(canonical(name));
  };
  const longFrom = (b: Uint8Array): number | bigint => {
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (b.length > 0 && b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };
  const setItems = (d: unknown, kv: unknown[]) => {
    if (!(d instanceof Map)) return err("SETITEM(S) on a value that is not a dict");
    if (kv.length % 2) err("SETITEMS with an odd number of values");
    for (let i = 0; i < kv.length; i += 2) {
      const k = kv[i];
      if (typeof k !== "string" && typeof k !== "number") err("dict keys must be strings or integers");
      d.set(k, kv[i + 1]);
    }
  };
  const append = (l: unknown, xs: unknown[]) => {
    if (!Array.isArray(l)) return err("APPEND(S) on a value that is not a list");
    for (const x of xs) l.push(x);
  };
  const reduce = (f: unknown, args: unknown): unknown => {
    if (!(f instanceof PyGlobal)) return err("REDUCE on a value that is not a known callable");
    if (!(args instanceof PyTuple)) return err("REDUCE arguments must be a tuple");
    const a = args.items;
    switch (f.name) {
      case "collections.OrderedDict":
        return new Map();
      case "_codecs.encode": {
        if (typeof a[0] !== "string" || a[1] !== "latin1") return err("_codecs.encode: expected (str, 'latin1')");
        const s = a[0];
        const out = new Uint8Array(s.length);
        for (let i = 0; i < s.length; i++) {
          const c = s.charCodeAt(i);
          if (c > 255) err("_codecs.encode: character outside latin1");
          out[i] = c;
        }
        return out;
      }
      case "numpy.dtype": {
        if (typeof a[0] !== "string") return err("numpy.dtype: expected a type string");
        parseDtype(a[0], `${where}@${pos}`);
        return new NpDType(a[0]);
      }
      case "numpy.core.multiarray._reconstruct":
        if (!(a[0] instanceof PyGlobal) || a[0].name !== "numpy.ndarray") return err("_reconstruct: only numpy.ndarray");
        return new PendingArray();
      case "numpy.core.multiarray.scalar": {
        const [dt, raw] = a;
        if (!(dt instanceof NpDType) || !(raw instanceof Uint8Array)) return err("numpy scalar: expected (dtype, bytes)");
        const { dtype, order } = parseDtype(dt.str, `${where}@${pos}`);
        const data = decodeRaw(raw, dtype, (order ?? dt.order) !== ">", `${where}@${pos}`);
        if (data.length !== 1) err("numpy scalar: expected exactly one element");
        return { kind: "ndarray", dtype, shape: [], data } satisfies NdArray;
      }
      case "torch._utils._rebuild_tensor":
      case "torch._utils._rebuild_tensor_v2": {
        const storage = a[0] as TorchStorage;
        if (!storage || (storage as { kind?: unknown }).kind !== "storage") return err("_rebuild_tensor: first argument must be a storage");
        const offset = toInt(a[1], `${where}@${pos}: storage offset`);
        const shape = tupleInts(a[2], `${where}@${pos}: size`);
        const stride = tupleInts(a[3], `${where}@${pos}: stride`);
        if (stride.length !== shape.length) err("_rebuild_tensor: size and stride differ in length");
        if (shape.some((d) => d < 0)) err("_rebuild_tensor: negative size");
        const total = product(shape);
        if (total > MAX_ELEMENTS) err(`_rebuild_tensor: ${total} elements (size (${shape.join(", ")})) is ${TOO_MANY}`);
        const data: Array<number | bigint | boolean> = new Array(total);
        const idx = new Array(shape.length).fill(0);
        for (let k = 0; k < total; k++) {
          let at = offset;
          for (let d = 0; d < shape.length; d++) at += idx[d] * stride[d]!;
          if (at < 0 || at >= storage.data.length) err(`_rebuild_tensor: element ${k} lies outside its storage (${storage.data.length} elements)`);
          data[k] = storage.data[at]!;
          for (let d = shape.length - 1; d >= 0; d--) {
            if (++idx[d] < shape[d]!) break;
            idx[d] = 0;
          }
        }
        return { kind: "ndarray", dtype: storage.dtype, shape, data } satisfies NdArray;
      }
      default:
        return err(`cannot call ${f.name}`);
    }
  };
  const build = (obj: unknown, state: unknown): unknown => {
    const s = state instanceof PyTuple ? state.items : null;
    if (obj instanceof NpDType) {
      if (!s || typeof s[1] !== "string" || !"<>|=".includes(s[1])) return err("numpy.dtype state: expected (version, byteorder, ...)");
      obj.order = s[1] === "=" ? "<" : (s[1] as "<" | ">" | "|");
      return obj;
    }
    if (obj instanceof PendingArray) {
      if (!s || s.length !== 5) return err("ndarray state: expected (version, shape, dtype, fortran, data)");
      const shape = tupleInts(s[1], `${where}@${pos}: shape`);
      // Refused by its shape before its bytes are decoded, as a tensor is by its size.
      if (shape.some((d) => d < 0)) err("ndarray: negative shape");
      const count = product(shape);
      if (count > MAX_ELEMENTS) err(`ndarray: ${count} elements (shape (${shape.join(", ")})) is ${TOO_MANY}`);
      const dt = s[2];
      if (!(dt instanceof NpDType)) return err("ndarray state: dtype missing");
      const { dtype, order } = parseDtype(dt.str, `${where}@${pos}`);
      const raw = s[4];
      if (!(raw instanceof Uint8Array)) return err("ndarray state: data must be bytes (object arrays are not read)");
      const flat = decodeRaw(raw, dtype, (order ?? dt.order) !== ">", `${where}@${pos}`);
      if (flat.length !== product(shape)) err(`ndarray: ${flat.length} elements for shape (${shape.join(", ")})`);
      let data = flat;
      if (s[3] === true && shape.length > 1) {
        // Fortran order: transpose to C order.
        data = new Array(flat.length);
        const idx = new Array(shape.length).fill(0);
        for (let k = 0; k < flat.length; k++) {
          let f = 0, mul = 1;
          for (let d = 0; d < shape.length; d++) {
            f += idx[d] * mul;
            mul *= shape[d]!;
          }
          data[k] = flat[f]!;
          for (let d = shape.length - 1; d >= 0; d--) {
            if (++idx[d] < shape[d]!) break;
            idx[d] = 0;
          }
        }
      }
      return { kind: "ndarray", dtype, shape, data } satisfies NdArray;
    }
    if (obj instanceof Map) return obj; // OrderedDict state (empty)
    return err("BUILD on an object the reader does not know");
  };

  if (bytes.length === 0) err("empty pickle");
  for (;;) {
    if (pos >= bytes.length) err("truncated pickle (no STOP)");
    const at = pos;
    const op = u8();
    switch (op) {
      case 0x80: { // PROTO
        const v = u8();
        if (v > 5) err(`unsupported pickle protocol ${v}`);
        break;
      }
      case 0x95: u64(); break; // FRAME (length only)
      case 0x2e: { // STOP
        if (stack.length !== 1 || marks.length) err("malformed pickle (stack not a single value at STOP)");
        return stack[0];
      }
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push(new PyTuple([])); break; // EMPTY_TUPLE
      case 0x85: stack.push(new PyTuple([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); stack.push(new PyTuple([a, b])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push(new PyTuple([a, b, c])); break; } // TUPLE3
      case 0x74: stack.push(new PyTuple(popMark())); break; // TUPLE
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x64: { const d = new Map(); setItems(d, popMark()); stack.push(d); break; } // DICT
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x8a: stack.push(longFrom(take(u8()))); break; // LONG1
      case 0x8b: { const k = i32(); if (k < 0) err("negative LONG4 length"); stack.push(longFrom(take(k))); break; } // LONG4
      case 0x47: { need(8); stack.push(dv.getFloat64(pos, false)); pos += 8; break; } // BINFLOAT
      case 0x58: stack.push(utf8(take(u32()))); break; // BINUNICODE
      case 0x8c: stack.push(utf8(take(u8()))); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(utf8(take(u64()))); break; // BINUNICODE8
      case 0x54: stack.push(new TextDecoder("latin1").decode(take(u32()))); break; // BINSTRING
      case 0x55: stack.push(new TextDecoder("latin1").decode(take(u8()))); break; // SHORT_BINSTRING
      case 0x42: stack.push(take(u32()).slice()); break; // BINBYTES
      case 0x43: stack.push(take(u8()).slice()); break; // SHORT_BINBYTES
      case 0x8e: stack.push(take(u64()).slice()); break; // BINBYTES8
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: case 0x6a: { // BINGET, LONG_BINGET
        const k = op === 0x68 ? u8() : u32();
        if (!memo.has(k)) err(`memo key ${k} not set`);
        stack.push(memo.get(k));
        break;
      }
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const kv = popMark(); setItems(top(), kv); break; } // SETITEMS
      case 0x61: { const v = pop(); append(top(), [v]); break; } // APPEND
      case 0x65: { const xs = popMark(); append(top(), xs); break; } // APPENDS
      case 0x63: { // GLOBAL
        const mod = line(), name = line();
        stack.push(global(`${mod}.${name}`));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop(), mod = pop();
        if (typeof mod !== "string" || typeof name !== "string") err("STACK_GLOBAL needs two strings");
        stack.push(global(`${mod}.${name}`));
        break;
      }
      case 0x52: { const args = pop(); const f = pop(); stack.push(reduce(f, args)); break; } // REDUCE
      case 0x62: { const state = pop(); const obj = pop(); stack.push(build(obj, state)); break; } // BUILD
      case 0x51: { // BINPERSID
        const pid = pop();
        const t = pid instanceof PyTuple ? pid.items : null;
        if (!t || t[0] !== "storage" || !(t[1] instanceof PyGlobal) || typeof t[2] !== "string") {
          err("persistent id: expected ('storage', StorageType, key, location, numel)");
        }
        if (!loadStorage) err("persistent id outside a torch zip (no storages to load)");
        const dtype = STORAGE_TYPES[(t![1] as PyGlobal).name];
        if (!dtype) err(`unsupported storage type ${(t![1] as PyGlobal).name}`);
        const numel = toInt(t![4], `${where}@${pos}: storage numel`);
        if (numel < 0 || numel > MAX_ELEMENTS) err(`storage numel must be in 0..=${MAX_ELEMENTS} (a 4096×4096 matrix), got ${numel}`);
        const storage: TorchStorage = { kind: "storage", dtype: dtype!, key: t![2] as string, data: loadStorage!(t![2] as string, dtype!, numel) };
        stack.push(storage);
        break;
      }
      default:
        pos = at;
        err(`unsupported pickle opcode 0x${op.toString(16).padStart(2, "0")}`);
    }
  }
}

/** True for a decoded numpy array / torch tensor. */
export function isNdArray(v: unknown): v is NdArray {
  return typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "ndarray";
}
