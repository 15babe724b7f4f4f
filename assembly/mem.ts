// Linear-memory helpers: one bump heap that JS resets before each call, so a call allocates
// nothing that outlives the next one and memory stops growing once the largest subnet has
// been seen.

// Our own bump heap above the static data and above the few managed objects the module
// allocates once at start-up (fixed-size scratch registers of the wide arithmetic; the stub
// runtime never frees or moves them, and nothing managed is allocated after start-up).
// It begins after a marker object allocated at the first call, when every module-level
// initialiser has run. Allocations are 16-byte aligned; address 0 is never handed out.
let heapStart: usize = 0;
let top: usize = 0;

function start(): void {
  const marker = changetype<usize>(new StaticArray<u8>(16));
  heapStart = ((marker + 16 + 15) & ~15) + 16;
  top = heapStart;
}

/** Drop every allocation. */
export function heapReset(): void {
  if (heapStart == 0) start();
  top = heapStart;
}

/** The end of the heap: a wasm32 memory holds at most 65536 pages (4 GiB); the last 16
 *  bytes stay unused so that an allocation's end, rounded up to 16, still fits in a usize. */
const heapEnd: usize = 0xffff_fff0;

/** Allocate `bytes` without clearing; grows memory (doubling) when needed. Traps
 *  (`unreachable`) when the heap cannot hold them: past 4 GiB, or the engine refuses to grow. */
export function allocRaw(bytes: usize): usize {
  if (heapStart == 0) start();
  const p = top;
  if (bytes > heapEnd - p) unreachable(); // p + bytes would pass 4 GiB (and wrap around)
  const end = (p + bytes + 15) & ~15;
  // In 64 bits: at 65536 pages the size in bytes, 2^32, does not fit in a usize.
  const have = <u64>memory.size() << 16;
  if (<u64>end > have) {
    const needed = <i32>((<u64>end - have + 0xffff) >> 16);
    const wanted = max(needed, memory.size());
    if (memory.grow(wanted) < 0 && memory.grow(needed) < 0) unreachable();
  }
  top = end;
  return p;
}

/** The heap's current end (the next allocation's address), for measuring a call's use. */
export function heapTop(): usize {
  return top;
}

/** Allocate `bytes`, zero-filled. */
export function allocZeroed(bytes: usize): usize {
  const p = allocRaw(bytes);
  memory.fill(p, 0, bytes);
  return p;
}

// Typed element access on raw pointers (index-based, no bounds checks).
// @ts-ignore: decorator
@inline export function getI64(p: usize, i: i32): i64 { return load<i64>(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline export function setI64(p: usize, i: i32, v: i64): void { store<i64>(p + (<usize>i << 3), v); }
// @ts-ignore: decorator
@inline export function getU64(p: usize, i: i32): u64 { return load<u64>(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline export function setU64(p: usize, i: i32, v: u64): void { store<u64>(p + (<usize>i << 3), v); }
// @ts-ignore: decorator
@inline export function getU32(p: usize, i: i32): u32 { return load<u32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline export function setU32(p: usize, i: i32, v: u32): void { store<u32>(p + (<usize>i << 2), v); }
// @ts-ignore: decorator
@inline export function getI32(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline export function setI32(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }
// @ts-ignore: decorator
@inline export function getU16(p: usize, i: i32): u32 { return <u32>load<u16>(p + (<usize>i << 1)); }
// @ts-ignore: decorator
@inline export function setU16(p: usize, i: i32, v: u32): void { store<u16>(p + (<usize>i << 1), <u16>v); }
// @ts-ignore: decorator
@inline export function getU8(p: usize, i: i32): u32 { return <u32>load<u8>(p + <usize>i); }
// @ts-ignore: decorator
@inline export function setU8(p: usize, i: i32, v: u32): void { store<u8>(p + <usize>i, <u8>v); }
