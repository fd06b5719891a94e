import type { Backend } from "./types.js";

let current: Backend = "js";
/** Force the kernel backend ("wasm" throws if the module cannot be loaded). */
export function setBackend(b: Backend): void {
  current = b;
}
/** Backend in use. */
export function getBackend(): Backend {
  return current;
}
