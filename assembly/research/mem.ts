// Linear memory of the research module: one bump heap. `init` resets it and allocates every
// buffer a run needs (inputs, outputs, state, scratch), so `step` allocates nothing and the
// JS views taken after `init` stay valid for the whole run.

const heapStart: usize = ((__heap_base + 15) & ~15) + 16; // address 0 stays unused
let top: usize = heapStart;

export function heapReset(): void {
  top = heapStart;
}

/** `bytes` of zeroed memory, 16-byte aligned; grows the memory (doubling) when needed. */
export function allocZeroed(bytes: usize): usize {
  const p = top;
  const end = (p + bytes + 15) & ~15;
  const have = <usize>memory.size() << 16;
  if (end > have) {
    const needed = <i32>((end - have + 0xffff) >> 16);
    const wanted = max(needed, memory.size());
    if (memory.grow(wanted) < 0 && memory.grow(needed) < 0) unreachable();
  }
  top = end;
  memory.fill(p, 0, bytes);
  return p;
}

/** Element access on raw arrays of T (f32 or f64), index-based. */
// @ts-ignore: decorator
@inline export function ld<T>(p: usize, i: i32): T {
  return load<T>(p + (<usize>i << alignof<T>()));
}
// @ts-ignore: decorator
@inline export function st<T>(p: usize, i: i32, v: T): void {
  store<T>(p + (<usize>i << alignof<T>()), v);
}
// @ts-ignore: decorator
@inline export function ldI32(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline export function stI32(p: usize, i: i32, v: i32): void {
  store<i32>(p + (<usize>i << 2), v);
}
