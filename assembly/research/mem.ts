// Linear memory of the research module: one bump heap. `init` resets it and allocates every
// buffer a run needs (inputs, outputs, state, scratch), so `step` allocates nothing and the
// JS views taken after `init` stay valid for the whole run.

// The bump heap is the exact engine's (assembly/mem.ts): one allocator for both modules.
export { allocRaw, allocZeroed, heapReset } from "../mem";

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
