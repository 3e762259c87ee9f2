/**
 * An ONNX Runtime inference session in a child process. A malformed model can crash or exhaust
 * the native runtime; in a child that costs the session, never the gate, which gets a clear error
 * instead. The child's memory is watched from /proc and the child is stopped past its limit.
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { TensorValues } from "../model.js";
import type { Dim, DType } from "../types.js";
import { OnnxRuntimeError, type OnnxRuntimeErrorKind } from "./errors.js";
import { readProcessMemory } from "./process-memory.js";
import type { ResolvedRuntime } from "./resolve.js";
import { WORKER_SOURCE } from "./worker-source.js";

/** A tensor crossing into or out of a session (typed arrays travel intact over IPC). */
export interface TensorData {
  dtype: DType;
  dims: number[];
  data: TensorValues | string[];
}

export interface SessionIO {
  name: string;
  /** From the runtime's metadata; absent for non-tensor values. */
  dtype?: DType;
  shape?: Dim[];
}

export interface OnnxSession {
  inputs: SessionIO[];
  outputs: SessionIO[];
  /** Time from starting the process to a ready session, in milliseconds. */
  loadMs: number;
  /** The child process, for diagnostics. */
  pid: number;
  /** One inference; runs are queued, one at a time. */
  run(feeds: Record<string, TensorData>): Promise<{ outputs: Record<string, TensorData>; ms: number }>;
  /** Highest resident memory of the child seen so far, in bytes (0 where /proc is unavailable). */
  peakRssBytes(): number;
  close(): Promise<void>;
}

export interface OpenSessionOptions {
  runtime: ResolvedRuntime;
  /** Bound on loading and on each run, default 5 minutes. */
  timeoutMs?: number;
  /** Stop the child when its resident memory passes this many MiB (whole process, runtime included). */
  memoryLimitMb?: number;
  intraOpThreads?: number;
  /** How often memory is sampled, default 20 ms. */
  pollIntervalMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const STDERR_LINES = 20;

type WorkerMessage =
  | { type: "loaded"; loadMs: number; inputs: SessionIO[]; outputs: SessionIO[] }
  | { type: "result"; id: number; outputs: Record<string, TensorData>; ms: number }
  | { type: "error"; phase: "load" | "run"; id?: number; message: string };

interface Pending {
  resolve: (message: WorkerMessage) => void;
  reject: (error: OnnxRuntimeError) => void;
  timer: NodeJS.Timeout;
}

export async function openOnnxSession(modelPath: string, options: OpenSessionOptions): Promise<OnnxSession> {
  const worker = new SessionProcess(modelPath, options);
  const loaded = await worker.load();
  let queue: Promise<unknown> = Promise.resolve();
  return {
    inputs: loaded.inputs,
    outputs: loaded.outputs,
    loadMs: loaded.loadMs,
    pid: worker.pid,
    run(feeds) {
      const next = queue.then(() => worker.run(feeds));
      queue = next.catch(() => {});
      return next;
    },
    peakRssBytes: () => worker.peak,
    close: () => worker.close(),
  };
}

class SessionProcess {
  readonly pid: number;
  peak = 0;
  private readonly child: ChildProcess;
  private readonly timeoutMs: number;
  private readonly limitBytes: number | undefined;
  private readonly poller: NodeJS.Timeout;
  private readonly started = performance.now();
  private stderrTail: string[] = [];
  private pending: Pending | null = null;
  /** Set once the process is unusable; every later call fails with it. */
  private dead: OnnxRuntimeError | null = null;
  private closing = false;
  private nextId = 1;
  private exited: Promise<void>;

  constructor(
    private readonly modelPath: string,
    private readonly options: OpenSessionOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.limitBytes = options.memoryLimitMb === undefined ? undefined : options.memoryLimitMb * 1024 * 1024;
    const { NODE_OPTIONS: _loaders, ...env } = process.env;
    this.child = spawn(process.execPath, ["-e", WORKER_SOURCE], {
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "advanced",
      env,
    });
    this.pid = this.child.pid ?? -1;
    this.exited = new Promise((resolve) => this.child.once("exit", () => resolve()));
    this.child.stdout?.on("data", (chunk: Buffer) => this.keepOutput(chunk));
    this.child.stderr?.on("data", (chunk: Buffer) => this.keepOutput(chunk));
    // Output streams never keep the gate alive; the IPC channel does while a call is pending.
    (this.child.stdout as { unref?: () => void } | null)?.unref?.();
    (this.child.stderr as { unref?: () => void } | null)?.unref?.();
    this.child.on("message", (message: WorkerMessage) => this.onMessage(message));
    this.child.on("error", (e) => this.fail("crash", `cannot start the ONNX Runtime process: ${e.message}`));
    this.child.on("exit", (code, signal) => this.onExit(code, signal));
    this.poller = setInterval(() => this.checkMemory(), options.pollIntervalMs ?? 20);
    this.poller.unref();
  }

  load(): Promise<{ loadMs: number; inputs: SessionIO[]; outputs: SessionIO[] }> {
    return this.request(
      {
        type: "load",
        modulePath: this.options.runtime.modulePath,
        modelPath: this.modelPath,
        ...(this.options.intraOpThreads ? { intraOpThreads: this.options.intraOpThreads } : {}),
      },
      "loading",
    ).then((message) => {
      if (message.type !== "loaded") throw this.protocolError(message);
      // Report the whole start-up (process, runtime library, model), which is what a caller waits for.
      return { loadMs: performance.now() - this.started, inputs: message.inputs, outputs: message.outputs };
    });
  }

  run(feeds: Record<string, TensorData>): Promise<{ outputs: Record<string, TensorData>; ms: number }> {
    const id = this.nextId++;
    return this.request({ type: "run", id, feeds }, "running").then((message) => {
      if (message.type !== "result" || message.id !== id) throw this.protocolError(message);
      return { outputs: message.outputs, ms: message.ms };
    });
  }

  async close(): Promise<void> {
    if (this.closing) return this.exited;
    this.closing = true;
    clearInterval(this.poller);
    if (this.child.exitCode === null && this.child.signalCode === null) {
      try {
        this.child.send({ type: "close" });
      } catch {
        // Channel already gone: the kill below ends it.
      }
      this.setBusy(true);
      const killer = setTimeout(() => this.child.kill("SIGKILL"), 2000);
      await this.exited;
      clearTimeout(killer);
    }
    this.dead ??= new OnnxRuntimeError("crash", `the ONNX Runtime session for ${this.modelPath} is closed`);
  }

  private request(message: object, doing: string): Promise<WorkerMessage> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise<WorkerMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(
          "timeout",
          `${doing} ${this.modelPath} took longer than ${this.timeoutMs} ms; the ONNX Runtime process was stopped`,
          "raise the time limit, or use a smaller model or batch",
        );
      }, this.timeoutMs);
      this.pending = { resolve, reject, timer };
      this.setBusy(true);
      try {
        this.child.send(message, (e) => {
          if (e) this.fail("crash", `cannot reach the ONNX Runtime process: ${e.message}`);
        });
      } catch (e) {
        this.fail("crash", `cannot reach the ONNX Runtime process: ${(e as Error).message}`);
      }
    });
  }

  private onMessage(message: WorkerMessage): void {
    this.checkMemory();
    const pending = this.pending;
    if (!pending || this.dead) return;
    this.settle();
    if (message.type === "error") {
      const kind: OnnxRuntimeErrorKind = message.phase;
      const what =
        kind === "load"
          ? `ONNX Runtime cannot load ${this.modelPath}`
          : `ONNX Runtime failed to run ${this.modelPath}`;
      const error = new OnnxRuntimeError(kind, `${what}: ${message.message}`, {
        location: { file: this.modelPath },
        hint:
          kind === "load"
            ? "check that the file is a complete ONNX model the runtime supports"
            : "check the inputs' names, types and shapes",
      });
      if (kind === "load") this.stop(error);
      pending.reject(error);
      return;
    }
    pending.resolve(message);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    clearInterval(this.poller);
    if (!this.dead && !this.closing) {
      const how = signal ? `was killed by signal ${signal}` : `exited with code ${code}`;
      const tail = this.stderrTail.length ? `\n${this.stderrTail.join("\n")}` : "";
      this.dead = new OnnxRuntimeError(
        "crash",
        `the ONNX Runtime process for ${this.modelPath} ${how}${tail}`,
        {
          location: { file: this.modelPath },
          hint: "the runtime crashed on this model or its inputs; check the model with onnx.checker",
        },
      );
    }
    const pending = this.pending;
    if (pending) {
      this.settle();
      pending.reject(
        this.dead ??
          new OnnxRuntimeError("crash", `the ONNX Runtime session for ${this.modelPath} is closed`),
      );
    }
  }

  private checkMemory(): void {
    const memory = readProcessMemory(this.pid);
    if (!memory) return;
    this.peak = Math.max(this.peak, memory.peakRssBytes);
    if (this.limitBytes !== undefined && this.peak > this.limitBytes && !this.dead) {
      const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
      this.fail(
        "memory",
        `the ONNX Runtime process for ${this.modelPath} used ${mb(this.peak)}, over the limit of ${mb(this.limitBytes)}; it was stopped`,
        "raise the memory limit, or use a smaller model or batch",
      );
    }
  }

  /** Mark the process unusable with this error, stop it, and fail the pending call. */
  private fail(kind: OnnxRuntimeErrorKind, message: string, hint?: string): void {
    if (this.dead) return;
    const error = new OnnxRuntimeError(kind, message, {
      location: { file: this.modelPath },
      ...(hint ? { hint } : {}),
    });
    this.stop(error);
    const pending = this.pending;
    if (pending) {
      this.settle();
      pending.reject(error);
    }
  }

  private stop(error: OnnxRuntimeError): void {
    this.dead = error;
    clearInterval(this.poller);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }

  private settle(): void {
    if (this.pending) clearTimeout(this.pending.timer);
    this.pending = null;
    this.setBusy(false);
  }

  /** Keep the gate's event loop alive only while it waits on the child. */
  private setBusy(busy: boolean): void {
    const channel = this.child.channel as { ref?: () => void; unref?: () => void } | undefined | null;
    if (busy) {
      this.child.ref();
      channel?.ref?.();
    } else {
      this.child.unref();
      channel?.unref?.();
    }
  }

  private keepOutput(chunk: Buffer): void {
    const lines = chunk
      .toString("utf8")
      .split("\n")
      .filter((line) => line.trim() !== "");
    this.stderrTail = [...this.stderrTail, ...lines].slice(-STDERR_LINES).map((line) => line.slice(0, 500));
  }

  private protocolError(message: WorkerMessage): OnnxRuntimeError {
    return new OnnxRuntimeError("crash", `unexpected answer from the ONNX Runtime process: ${message.type}`);
  }
}
