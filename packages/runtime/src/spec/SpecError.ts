/** One problem in a spec: `field` is a path such as `spec.model.hidden[1]`. */
export interface SpecIssue {
  field: string;
  message: string;
}

/** A spec the runtime refuses; the message lists every bad field, one per line. */
export class SpecError extends Error {
  readonly issues: SpecIssue[];
  constructor(issues: SpecIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join("\n"));
    this.name = "SpecError";
    this.issues = issues;
  }
}

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "spec";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : `.${String(key)}`;
  return out;
}
