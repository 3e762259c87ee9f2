import { extname } from "node:path";
import type { DetectedFormat } from "../pickle/detect.js";
import { detectFormat } from "../pickle/detect.js";

/** How the gate validates a file. */
export type FileRole = "onnx" | "safetensors" | "scan" | "data";

/** Formats the pickle/Keras scanner judges. */
const SCANNED: ReadonlySet<DetectedFormat> = new Set([
  "pickle",
  "joblib",
  "torch-zip",
  "torch-legacy",
  "keras",
  "keras-config",
  "zip",
  "hdf5",
  "compressed",
]);

const MODEL_EXTENSIONS = new Set([
  ".pkl",
  ".pickle",
  ".joblib",
  ".pt",
  ".pth",
  ".ckpt",
  ".keras",
  ".h5",
  ".hdf5",
]);

/**
 * ONNX and safetensors go by their extension (each has its own validator that fails a file whose
 * bytes disagree); every other file is sniffed by its bytes, so a pickle named `vocab.txt` is
 * still scanned, and a tokenizer.json is left alone unless it is a Keras config.
 */
export async function classifyFile(path: string): Promise<{ role: FileRole; format: string }> {
  const ext = extname(path).toLowerCase();
  if (ext === ".onnx") return { role: "onnx", format: "onnx" };
  if (ext === ".safetensors") return { role: "safetensors", format: "safetensors" };
  const detected = await detectFormat(path);
  if (SCANNED.has(detected.format)) return { role: "scan", format: detected.format };
  if (MODEL_EXTENSIONS.has(ext)) return { role: "scan", format: detected.format };
  return { role: "data", format: "data" };
}
