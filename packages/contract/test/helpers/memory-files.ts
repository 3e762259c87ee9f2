import { posix } from "node:path";
import { GateError } from "@mlgate/core";
import type { ContractLimits } from "../../src/limits.js";
import type { ContractFiles } from "../../src/load/files.js";

/** Contract files held in memory, named like paths under `/mem`: fast fixtures for many small cases. */
export class MemoryFiles implements ContractFiles {
  constructor(readonly files: Record<string, string>) {}

  read(id: string, limits: ContractLimits): Promise<Uint8Array> {
    const text = this.files[id];
    if (text === undefined)
      return Promise.reject(new GateError(`contract file not found: ${id}`, { location: { file: id } }));
    const bytes = Buffer.from(text, "utf8");
    if (bytes.byteLength > limits.maxFileBytes) {
      return Promise.reject(new GateError(`${id} is over the limit`, { location: { file: id } }));
    }
    return Promise.resolve(bytes);
  }

  resolve(fromId: string, relativePath: string): string {
    const target = posix.normalize(posix.join(posix.dirname(fromId), relativePath));
    if (target.startsWith("..") || target.startsWith("/")) {
      throw new GateError(`$ref "${relativePath}" points outside the contract root`);
    }
    return target;
  }

  display(id: string): string {
    return id;
  }

  relativeName(id: string, rootId: string): string {
    return posix.relative(posix.dirname(rootId), id);
  }
}
