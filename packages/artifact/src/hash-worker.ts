import { Worker } from "node:worker_threads";
import { GateError } from "@mlgate/core";
import { sha256File } from "./hash.js";

/**
 * The hashing thread's code, as plain CommonJS so it runs the same from sources and from a bundle:
 * it hashes one file per request, in 4 MiB reads, and answers with the hex digest and byte count.
 */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { openSync, readSync, closeSync } = require("node:fs");
const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
parentPort.on("message", ({ id, path }) => {
  let fd;
  try {
    fd = openSync(path, "r");
    const hash = createHash("sha256");
    let bytes = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, bytes);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      bytes += n;
    }
    parentPort.postMessage({ id, sha256: hash.digest("hex"), bytes });
  } catch (e) {
    parentPort.postMessage({ id, error: (e && e.code) || String(e) });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
});
`;

type Answer = { id: number; sha256: string; bytes: number } | { id: number; error: string };

/**
 * SHA-256 of files on a second thread, so hashing a multi-gigabyte model overlaps with decoding and
 * checking it instead of adding to it. Each path is hashed once; `close` ends the thread.
 */
export class FileHasher {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (a: Answer) => void }>();
  private readonly memo = new Map<string, Promise<{ sha256: string; bytes: number }>>();

  hash(path: string): Promise<{ sha256: string; bytes: number }> {
    let pending = this.memo.get(path);
    if (!pending) {
      pending = this.request(path);
      this.memo.set(path, pending);
    }
    return pending;
  }

  private async request(path: string): Promise<{ sha256: string; bytes: number }> {
    const worker = this.start();
    if (!worker) return sha256File(path);
    const id = this.nextId++;
    const answer = await new Promise<Answer>((resolve) => {
      this.waiting.set(id, { resolve });
      worker.postMessage({ id, path });
    });
    if ("error" in answer) {
      throw new GateError(`cannot read ${path}: ${answer.error}`, { location: { file: path } });
    }
    return { sha256: answer.sha256, bytes: answer.bytes };
  }

  private start(): Worker | undefined {
    if (this.worker) return this.worker;
    try {
      this.worker = new Worker(WORKER_SOURCE, { eval: true });
    } catch {
      return undefined;
    }
    this.worker.unref();
    this.worker.on("message", (answer: Answer) => {
      this.waiting.get(answer.id)?.resolve(answer);
      this.waiting.delete(answer.id);
    });
    this.worker.on("error", (e) => {
      for (const [id, w] of this.waiting) w.resolve({ id, error: e.message });
      this.waiting.clear();
    });
    return this.worker;
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }
}
