#!/usr/bin/env node
// Launcher: the CLI is TypeScript run through tsx's ESM loader, registered in-process (no child process).
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
