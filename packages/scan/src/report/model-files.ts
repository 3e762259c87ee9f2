import type { Finding } from "@mlgate/core";
import type { ModelFile } from "../inventory/types.js";

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/**
 * Model files found in the image's layers. A file that loads through Python's unpickler can run code
 * when the server loads it, so it is a warning that points at validate-artifact's scanner; the others
 * are listed for the record.
 */
export function modelFileFindings(
  files: readonly ModelFile[],
  layerNumber: (digest: string) => number | undefined,
): Finding[] {
  return files.map((m) => {
    const layer = layerNumber(m.layer);
    const where = `${m.path} (${m.format}, ${size(m.size)}${layer !== undefined ? `, layer ${layer}` : ""})`;
    return {
      rule: m.containsPickle ? "model-file.pickle" : "model-file",
      level: m.containsPickle ? "warn" : "info",
      message: m.containsPickle
        ? `${where} is unpickled when loaded, which can run arbitrary code: check it with validate-artifact (\`mlgate validate-artifact ${m.path.split("/").pop()}\`, or the validate-artifact action) before it ships`
        : `${where} is a model file; validate-artifact checks it is complete and loads`,
      properties: {
        path: m.path,
        format: m.format,
        size: m.size,
        sha256: m.sha256,
        layer: m.layer,
        containsPickle: m.containsPickle,
      },
    };
  });
}
