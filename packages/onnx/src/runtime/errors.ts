import { GateError, type SourceLocation } from "@mlgate/core";

/** Why a session failed: the runtime refused the model or an input, or its process was stopped. */
export type OnnxRuntimeErrorKind = "load" | "timeout" | "memory" | "crash" | "run";

export class OnnxRuntimeError extends GateError {
  readonly kind: OnnxRuntimeErrorKind;

  constructor(
    kind: OnnxRuntimeErrorKind,
    message: string,
    options: { hint?: string; location?: SourceLocation; cause?: unknown } = {},
  ) {
    super(message, options);
    // GateError's name keeps isGateError() true across bundles; `kind` tells the failures apart.
    this.kind = kind;
  }
}

export function isOnnxRuntimeError(e: unknown): e is OnnxRuntimeError {
  return e instanceof OnnxRuntimeError;
}
