/**
 * Hand-written protobuf encoding of a one-node ONNX model Y = MatMul(A[m,k], B[k,n]), so the GEMM
 * benchmark can time onnxruntime-node without depending on the ONNX package.
 */
function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
const field = (no: number, wire: number): number[] => varint((no << 3) | wire);
const int = (no: number, v: number): number[] => [...field(no, 0), ...varint(v)];
const bytes = (no: number, b: number[]): number[] => [...field(no, 2), ...varint(b.length), ...b];
const str = (no: number, s: string): number[] => bytes(no, [...Buffer.from(s, "utf8")]);

function valueInfo(name: string, dims: number[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, int(1, d))); // TensorShapeProto.dim { dim_value }
  const tensorType = [...int(1, 1), ...bytes(2, shape)]; // elem_type FLOAT, shape
  return [...str(1, name), ...bytes(2, bytes(1, tensorType))];
}

/** ONNX ModelProto bytes (IR 8, opset 13) of a single float32 MatMul. */
export function matmulOnnxModel(m: number, k: number, n: number): Uint8Array {
  const node = [...str(1, "A"), ...str(1, "B"), ...str(2, "Y"), ...str(4, "MatMul")];
  const graph = [
    ...bytes(1, node),
    ...str(2, "matmul"),
    ...bytes(11, valueInfo("A", [m, k])),
    ...bytes(11, valueInfo("B", [k, n])),
    ...bytes(12, valueInfo("Y", [m, n])),
  ];
  const opset = [...str(1, ""), ...int(2, 13)];
  return Uint8Array.from([...int(1, 8), ...bytes(7, graph), ...bytes(8, opset)]);
}
