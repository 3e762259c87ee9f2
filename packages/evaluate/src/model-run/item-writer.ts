import { createHash } from "node:crypto";
import { type FileHandle, mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { GateError } from "@mlgate/core";
import type { RowMeta } from "./batch.js";
import type { Predicted } from "./predictions.js";

/**
 * Writes the per-item JSON Lines file in the columns the per-item reader takes by default: `id`,
 * `label`, `prediction`, `probability` (binary) or `probabilities` (more classes), and the slices.
 * It writes to a temporary file beside the target and renames it into place only when the whole
 * run succeeded, so a failed run never leaves a file that looks complete.
 */
export class ItemWriter {
  private readonly hash = createHash("sha256");
  private bytes = 0;

  private constructor(
    readonly path: string,
    private readonly partial: string,
    private readonly handle: FileHandle,
    private readonly sliceKeys: readonly string[],
  ) {}

  static async open(path: string, sliceKeys: readonly string[]): Promise<ItemWriter> {
    const partial = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
    try {
      await mkdir(dirname(path), { recursive: true });
      return new ItemWriter(path, partial, await open(partial, "w"), sliceKeys);
    } catch (e) {
      throw new GateError(`cannot write the per-item file ${path}: ${(e as Error).message}`, {
        location: { file: path },
      });
    }
  }

  async write(rows: readonly RowMeta[], predicted: readonly Predicted[]): Promise<void> {
    let text = "";
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const item: Record<string, unknown> = { id: row.id };
      this.sliceKeys.forEach((key, s) => {
        item[key] = row.slices[s];
      });
      item["label"] = row.label;
      Object.assign(item, predicted[i]);
      text += `${JSON.stringify(item)}\n`;
    }
    const data = Buffer.from(text, "utf8");
    this.hash.update(data);
    this.bytes += data.length;
    await this.handle.write(data);
  }

  /** Close and move into place; returns the file's SHA-256. */
  async commit(): Promise<{ sha256: string; bytes: number }> {
    await this.handle.close();
    await rename(this.partial, this.path);
    return { sha256: this.hash.digest("hex"), bytes: this.bytes };
  }

  async abort(): Promise<void> {
    await this.handle.close().catch(() => {});
    await rm(this.partial, { force: true });
  }
}

/** Per-item columns a slice column may not take, since the file already uses them. */
export const ITEM_COLUMNS = new Set(["id", "label", "prediction", "probability", "probabilities", "score"]);
