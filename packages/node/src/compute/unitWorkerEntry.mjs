// The compute worker's entry when the node runs from its TypeScript sources (tests, MAI_NO_BUNDLE=1):
// a worker thread does not inherit the main thread's tsx loader, so it registers its own. From the
// CLI bundle the worker runs the bundle itself (see runUnitInWorker.ts).
import { register } from "tsx/esm/api";

register();
const { serveUnits } = await import("./unitWorker.ts");
serveUnits();
