import { lstat, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { GateError } from "@mlgate/core";

export interface LocatedArtifact {
  /** The model path as given. */
  target: string;
  kind: "file" | "directory";
  /** Manifest paths are relative to this: the directory given, or the model file's directory. */
  root: string;
  /** The model card, explicit or found beside the model. */
  manifest?: string;
}

const CARD_NAMES = ["model-card.yml", "model-card.yaml", "model-card.json"];

async function exists(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined))?.isFile() ?? false;
}

/** Decide what the gate was pointed at; a missing path or a special file is a GateError. */
export async function locateArtifact(model: string, manifest?: string): Promise<LocatedArtifact> {
  const info = await stat(model).catch((e: NodeJS.ErrnoException) => e);
  if (info instanceof Error) {
    throw new GateError(
      info.code === "ENOENT" ? `model not found: ${model}` : `cannot read the model ${model}: ${info.code}`,
      {
        location: { file: model },
        hint: "pass the model file or its directory (relative paths start at the working directory)",
      },
    );
  }
  if (!info.isFile() && !info.isDirectory()) {
    throw new GateError(`the model ${model} is neither a file nor a directory`, {
      location: { file: model },
    });
  }
  const kind = info.isDirectory() ? "directory" : "file";
  const root = kind === "directory" ? model : dirname(model);
  if (manifest) {
    if (!(await stat(manifest).catch(() => undefined))?.isFile()) {
      throw new GateError(`model card not found: ${manifest}`, { location: { file: manifest } });
    }
    return { target: model, kind, root, manifest };
  }
  for (const name of CARD_NAMES) {
    const candidate = join(root, name);
    if (candidate !== model && (await exists(candidate)))
      return { target: model, kind, root, manifest: candidate };
  }
  return { target: model, kind, root };
}

export function labelOf(path: string): string {
  return basename(path);
}
