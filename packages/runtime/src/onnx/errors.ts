/**
 * The one error type of the ONNX layer: a short message a user can act on, optional details
 * (op names, tensor names) for programs, and the underlying cause when we wrap a library error.
 */
export class OnnxError extends Error {
  override readonly name = "OnnxError";
  readonly details: Record<string, unknown>;

  constructor(message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.details = options.details ?? {};
  }
}
