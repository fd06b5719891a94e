import { createHash } from "node:crypto";
import type { Hex } from "../engine/index.js";

/** sha256 of bytes (strings are hashed as UTF-8), 0x-prefixed lowercase hex. */
export function sha256(data: Uint8Array | string): Hex {
  return `0x${createHash("sha256").update(data).digest("hex")}`;
}
