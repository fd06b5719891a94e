/** A checkpoint that cannot be what the proof-of-learning commitment claims (an audit failure, not a crash). */
export class PolError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PolError";
  }
}
