import {
  GateError,
  OUTPUT_FORMATS,
  type OutputFormat,
  type Report,
  render,
  renderText,
  writeReportFiles,
} from "@mlgate/core";

export function parseFormat(value: string): OutputFormat {
  if ((OUTPUT_FORMATS as readonly string[]).includes(value)) return value as OutputFormat;
  throw new GateError(`unknown format "${value}"`, { hint: `use one of: ${OUTPUT_FORMATS.join(", ")}` });
}

export interface EmitOptions {
  /** Format printed to stdout. */
  format: OutputFormat;
  /** Files to write; each file's format comes from its extension, else `format`. */
  outputs: string[];
  color: boolean;
  stdout: (text: string) => void;
}

/** Print the report and write every requested file. */
export async function emitReport(report: Report, options: EmitOptions): Promise<void> {
  await writeReportFiles(report, options.outputs, options.format);
  const text =
    options.format === "text" ? renderText(report, { color: options.color }) : render(report, options.format);
  options.stdout(text.endsWith("\n") ? text : `${text}\n`);
}
