// A tiny pickle *writer* for tests: builds protocol-2 byte streams opcode by opcode, so the
// reader is checked against bytes written from the pickle spec (not by the reader's own code).

export type Op = Uint8Array | number[];
const enc = new TextEncoder();

export const PROTO2 = [0x80, 2];
export const STOP = [0x2e];
export const MARK = [0x28];
export const TUPLE = [0x74];
export const EMPTY_TUPLE = [0x29];
export const EMPTY_DICT = [0x7d];
export const EMPTY_LIST = [0x5d];
export const SETITEMS = [0x75];
export const APPENDS = [0x65];
export const REDUCE = [0x52];
export const BUILD = [0x62];
export const BINPERSID = [0x51];
export const NEWTRUE = [0x88];
export const NEWFALSE = [0x89];
export const NONE = [0x4e];

export function int(v: number): number[] {
  if (v >= 0 && v < 256) return [0x4b, v];
  if (v >= 0 && v < 65536) return [0x4d, v & 255, v >> 8];
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v, true);
  return [0x4a, ...b];
}
export function str(s: string): number[] {
  const b = enc.encode(s);
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, b.length, true);
  return [0x58, ...len, ...b];
}
export function global(mod: string, name: string): number[] {
  return [0x63, ...enc.encode(`${mod}\n${name}\n`)];
}
export function tuple(...items: Op[]): number[] {
  return [...MARK, ...items.flatMap((x) => [...x]), ...TUPLE];
}
export function concat(...parts: Op[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}
/** A dict {k: v, ...} built with EMPTY_DICT MARK ... SETITEMS. */
export function dict(entries: Array<[string, Op]>): number[] {
  return [...EMPTY_DICT, ...MARK, ...entries.flatMap(([k, v]) => [...str(k), ...v]), ...SETITEMS];
}
/** torch._utils._rebuild_tensor_v2(storage(key), offset, size, stride, False, OrderedDict()). */
export function tensor(storageType: string, key: string, numel: number, offset: number, size: number[], stride: number[]): number[] {
  const pid = tuple(str("storage"), global("torch", storageType), str(key), str("cpu"), int(numel));
  return [
    ...global("torch._utils", "_rebuild_tensor_v2"),
    ...tuple([...pid, ...BINPERSID], int(offset), tuple(...size.map(int)), tuple(...stride.map(int)), NEWFALSE,
      [...global("collections", "OrderedDict"), ...EMPTY_TUPLE, ...REDUCE]),
    ...REDUCE,
  ];
}
