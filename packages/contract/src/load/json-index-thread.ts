import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import { type JsonIndex, scanJsonIndex } from "./json-index.js";

/** Texts shorter than this are indexed where they are, when first asked: a thread costs more. */
export const BACKGROUND_INDEX_CHARS = 256 * 1024;

/** Index threads alive at once; documents beyond this are indexed where they are. */
const MAX_THREADS = 2;
let liveThreads = 0;

/**
 * The thread's code, as plain CommonJS so it runs the same from sources and from a bundle. It
 * posts the index (its arrays transferred, not copied), then raises the signal the caller may be
 * blocked on. Transpilers may wrap inner functions in a naming helper, so one is defined.
 */
const threadSource = (scan: string) => `
"use strict";
const { workerData } = require("node:worker_threads");
const __name = (f) => f;
const scan = ${scan};
const { utf8, maxValues, port, signal } = workerData;
let index;
try {
  // The caller's text, decoded here from its UTF-8 bytes (half the size to hand over): a leading
  // byte order mark is dropped, as the caller drops it.
  const decoded = Buffer.from(utf8.buffer, utf8.byteOffset, utf8.byteLength).toString("utf8");
  const text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  index = scan(text, maxValues);
} catch {
  index = undefined;
}
const buffers = index ? [index.start.buffer, index.key.buffer, index.next.buffer, index.lines.buffer] : [];
port.postMessage(index ?? null, buffers);
port.close();
Atomics.store(signal, 0, 1);
Atomics.notify(signal, 0);
`;

interface IndexThread {
  worker: Worker;
  port: MessagePort;
  signal: Int32Array;
  failed: boolean;
  counted: boolean;
}

/** The thread no longer counts as alive: its answer was taken, it was stopped, or it exited. */
function release(thread: IndexThread): void {
  if (!thread.counted) return;
  thread.counted = false;
  liveThreads--;
}

function startThread(utf8: Uint8Array, maxValues: number): IndexThread | undefined {
  if (liveThreads >= MAX_THREADS) return undefined;
  try {
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(threadSource(scanJsonIndex.toString()), {
      eval: true,
      workerData: { utf8, maxValues, port: port2, signal },
      transferList: [port2],
    });
    const thread: IndexThread = { worker, port: port1, signal, failed: false, counted: true };
    liveThreads++;
    worker.unref();
    // A thread that cannot start is noticed before anyone waits on it, and replaced by a scan here.
    worker.on("error", () => {
      thread.failed = true;
    });
    worker.once("exit", () => release(thread));
    return thread;
  } catch {
    return undefined;
  }
}

/** An index that may still be in the making; `get` returns it, waiting for it if need be. */
export interface PendingIndex {
  get(): JsonIndex | undefined;
  /** Which thread built it, once it is known: the index thread, or the one that asked. */
  readonly builtBy: "thread" | "caller" | undefined;
}

/**
 * The index of a JSON text, built on a second thread from now on while the caller goes on; `get`
 * blocks until it is ready (it is first needed when findings are placed, long after). The thread
 * decodes `utf8`, the bytes `text` was decoded from (a byte order mark dropped). When no thread
 * can run, or it fails or takes longer than `waitMs`, the text is indexed by the caller.
 * The index is `undefined` when the text holds more than `maxValues` values.
 */
export function indexInBackground(
  text: string,
  utf8: Uint8Array,
  maxValues: number,
  waitMs = 10_000 + text.length / 1000,
): PendingIndex {
  const thread = startThread(utf8, maxValues);
  let result: { index: JsonIndex | undefined } | undefined;
  let builtBy: PendingIndex["builtBy"];
  return {
    get builtBy() {
      return builtBy;
    },
    get() {
      if (result) return result.index;
      if (thread && !thread.failed) {
        Atomics.wait(thread.signal, 0, 0, waitMs);
        const received = receiveMessageOnPort(thread.port);
        if (received) {
          result = { index: (received.message as JsonIndex | null) ?? undefined };
          builtBy = "thread";
        }
      }
      if (thread) {
        thread.port.close();
        if (!result) void thread.worker.terminate();
        release(thread);
      }
      if (!result) {
        result = { index: scanJsonIndex(text, maxValues) };
        builtBy = "caller";
      }
      return result.index;
    },
  };
}

/** The index of a small text, built by the caller on first use. */
export function indexOnDemand(text: string, maxValues: number): PendingIndex {
  let result: { index: JsonIndex | undefined } | undefined;
  return {
    get builtBy() {
      return result ? "caller" : undefined;
    },
    get() {
      result ??= { index: scanJsonIndex(text, maxValues) };
      return result.index;
    },
  };
}
