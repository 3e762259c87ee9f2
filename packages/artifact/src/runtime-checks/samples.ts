import { GateError, parseJsonText, readTextFile } from "@mlgate/core";
import { DEFAULT_NESTED_LIMITS, flattenNested, type NestedTensor } from "./nested.js";

/** One smoke-test case: inputs to feed and, optionally, the golden outputs they must produce. */
export interface Sample {
  /** 1-based position in the file (its line for JSONL). */
  index: number;
  line?: number;
  inputs: Record<string, NestedTensor>;
  outputs?: Record<string, NestedTensor>;
}

export interface SampleLimits {
  maxBytes: number;
  maxSamples: number;
}

export const DEFAULT_SAMPLE_LIMITS: Readonly<SampleLimits> = Object.freeze({
  maxBytes: 64 * 1024 * 1024,
  maxSamples: 10_000,
});

const ROLE = "samples file";

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function tensorsOf(
  block: unknown,
  key: "inputs" | "outputs",
  where: string,
  location: { file: string; line?: number },
): Record<string, NestedTensor> {
  if (!isRecord(block)) {
    throw new GateError(`${where}: "${key}" must be an object of name → nested list`, { location });
  }
  const out: Record<string, NestedTensor> = {};
  for (const [name, value] of Object.entries(block)) {
    Object.defineProperty(out, name, {
      value: flattenNested(value, `${where} ${key}.${name}`, location, DEFAULT_NESTED_LIMITS),
      enumerable: true,
    });
  }
  return out;
}

function sampleOf(value: unknown, index: number, file: string, line?: number): Sample {
  const where = line === undefined ? `sample ${index}` : `sample on line ${line}`;
  const location = { file, ...(line === undefined ? {} : { line }) };
  if (!isRecord(value)) throw new GateError(`${where} is not an object with "inputs"`, { location });
  const unknown = Object.keys(value).filter((k) => k !== "inputs" && k !== "outputs" && k !== "id");
  if (unknown.length > 0) {
    throw new GateError(`${where} has unknown key(s) ${unknown.join(", ")}`, {
      location,
      hint: 'each sample is {"inputs": {...}, "outputs": {...}}',
    });
  }
  if (value.inputs === undefined) throw new GateError(`${where} has no "inputs"`, { location });
  return {
    index,
    ...(line === undefined ? {} : { line }),
    inputs: tensorsOf(value.inputs, "inputs", where, location),
    ...(value.outputs === undefined ? {} : { outputs: tensorsOf(value.outputs, "outputs", where, location) }),
  };
}

/**
 * Samples from a JSON file (a list, or `{samples: [...]}`) or a JSONL file (one sample per line),
 * each `{inputs: {name: nested list}, outputs: {name: nested list}}`.
 */
export async function readSamples(
  path: string,
  limits: SampleLimits = DEFAULT_SAMPLE_LIMITS,
): Promise<Sample[]> {
  const text = await readTextFile(path, ROLE, { maxBytes: limits.maxBytes });
  const trimmed = text.trimStart();
  const samples: Sample[] = [];
  const tooMany = () =>
    new GateError(`${ROLE} ${path} holds more than ${limits.maxSamples} samples`, {
      location: { file: path },
      hint: "a smoke test needs a handful of samples, not an evaluation set",
    });
  const jsonLines = /\.(jsonl|ndjson)$/i.test(path) || (!trimmed.startsWith("[") && !isJsonDocument(trimmed));
  if (!jsonLines) {
    const doc = parseJsonText(text, path, ROLE);
    const list = Array.isArray(doc) ? doc : isRecord(doc) && Array.isArray(doc.samples) ? doc.samples : [doc];
    if (list.length > limits.maxSamples) throw tooMany();
    list.forEach((value, i) => {
      samples.push(sampleOf(value, i + 1, path));
    });
  } else {
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === "") continue;
      if (samples.length >= limits.maxSamples) throw tooMany();
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (e) {
        throw new GateError(`${ROLE} line ${i + 1} is not valid JSON: ${(e as Error).message}`, {
          location: { file: path, line: i + 1 },
        });
      }
      samples.push(sampleOf(value, samples.length + 1, path, i + 1));
    }
  }
  if (samples.length === 0)
    throw new GateError(`${ROLE} ${path} holds no samples`, { location: { file: path } });
  return samples;
}

/** A whole-file JSON document rather than JSON lines: it parses as one value. */
function isJsonDocument(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
