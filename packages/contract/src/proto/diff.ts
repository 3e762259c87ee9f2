import type { Change } from "../change.js";
import { buildProto } from "./build.js";
import { DiffContext } from "./context.js";
import { diffEnum } from "./diff-enum.js";
import { diffMessage } from "./diff-message.js";
import { type ProtoLimits, resolveProtoLimits } from "./limits.js";
import { extractModel, type ProtoModel, type ProtoService } from "./model.js";
import type { ProtoSource } from "./source.js";

export interface ProtoDiffOptions {
  limits?: Partial<ProtoLimits>;
}

/** Parse one side into the comparable model; every failure is a GateError naming the file and line. */
export function readProtoModel(source: ProtoSource, limits?: Partial<ProtoLimits>): ProtoModel {
  return extractModel(buildProto(source, resolveProtoLimits(limits)));
}

/**
 * Every change from the base contract to the head, classified by the rules in PROTO_RULES.
 * Declarations are matched by full name; a file that moved to another package is reported once,
 * and its declarations are then matched under the new package.
 */
export function diffProto(base: ProtoSource, head: ProtoSource, options: ProtoDiffOptions = {}): Change[] {
  return diffProtoModels(readProtoModel(base, options.limits), readProtoModel(head, options.limits));
}

export function diffProtoModels(base: ProtoModel, head: ProtoModel): Change[] {
  const moves = new Map<string, { from: string; to: string }>();
  const fileChanges: {
    rule: "proto.package-changed" | "proto.file-syntax-changed";
    args: Parameters<DiffContext["report"]>[1];
  }[] = [];
  for (const [path, bf] of base.files) {
    const hf = head.files.get(path);
    if (!hf) continue;
    if (bf.package !== hf.package) {
      moves.set(path, { from: bf.package, to: hf.package });
      fileChanges.push({
        rule: "proto.package-changed",
        args: {
          message: `package of ${path} changed from ${bf.package || "(none)"} to ${hf.package || "(none)"}`,
          path,
          group: path,
          base: bf.location,
          head: hf.location,
        },
      });
    }
    if (bf.syntax !== hf.syntax) {
      fileChanges.push({
        rule: "proto.file-syntax-changed",
        args: {
          message: `${path} changed from ${bf.syntax} to ${hf.syntax}`,
          path,
          group: path,
          base: bf.location,
          head: hf.location,
        },
      });
    }
  }
  const ctx = new DiffContext(base, head, moves);
  for (const { rule, args } of fileChanges) ctx.report(rule, args);

  diffServices(ctx);

  const removedMessages = new Set<string>();
  const matchedMessages = new Set<string>();
  for (const [name, bm] of base.messages) {
    const headName = ctx.canon(name);
    const hm = head.messages.get(headName);
    if (!hm) {
      removedMessages.add(name);
      // A message nested in a removed message goes with it.
      if (removedMessages.has(parentOf(name))) continue;
      ctx.report("proto.message-removed", {
        message: `message ${name} was removed`,
        path: name,
        group: name,
        base: bm.location,
      });
      continue;
    }
    matchedMessages.add(headName);
    diffMessage(ctx, bm, hm);
  }
  for (const [name, hm] of head.messages) {
    if (
      matchedMessages.has(name) ||
      (head.messages.has(parentOf(name)) && !matchedMessages.has(parentOf(name)))
    )
      continue;
    ctx.report("proto.message-added", {
      message: `message ${name} was added`,
      path: name,
      group: name,
      head: hm.location,
    });
  }

  const matchedEnums = new Set<string>();
  for (const [name, be] of base.enums) {
    const headName = ctx.canon(name);
    const he = head.enums.get(headName);
    if (!he) {
      if (removedMessages.has(parentOf(name))) continue;
      ctx.report("proto.enum-removed", {
        message: `enum ${name} was removed`,
        path: name,
        group: name,
        base: be.location,
      });
      continue;
    }
    matchedEnums.add(headName);
    diffEnum(ctx, be, he);
  }
  for (const [name, he] of head.enums) {
    if (matchedEnums.has(name) || (head.messages.has(parentOf(name)) && !matchedMessages.has(parentOf(name))))
      continue;
    ctx.report("proto.enum-added", {
      message: `enum ${name} was added`,
      path: name,
      group: name,
      head: he.location,
    });
  }
  return ctx.changes;
}

function parentOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot === -1 ? "" : name.slice(0, dot);
}

function diffServices(ctx: DiffContext): void {
  const matched = new Set<string>();
  for (const [name, bs] of ctx.base.services) {
    const headName = ctx.canon(name);
    const hs = ctx.head.services.get(headName);
    if (!hs) {
      const rpcs = bs.methods.map((m) => m.name).join(", ");
      ctx.report("proto.service-removed", {
        message: `service ${name} was removed${rpcs ? ` (RPCs ${rpcs})` : ""}`,
        path: name,
        group: name,
        base: bs.location,
      });
      continue;
    }
    matched.add(headName);
    diffService(ctx, bs, hs);
  }
  for (const [name, hs] of ctx.head.services) {
    if (matched.has(name)) continue;
    ctx.report("proto.service-added", {
      message: `service ${name} was added`,
      path: name,
      group: name,
      head: hs.location,
    });
  }
}

function diffService(ctx: DiffContext, bs: ProtoService, hs: ProtoService): void {
  const headMethods = new Map(hs.methods.map((m) => [m.name, m]));
  const baseNames = new Set(bs.methods.map((m) => m.name));
  for (const bm of bs.methods) {
    const rpc = `${hs.name}.${bm.name}`;
    const hm = headMethods.get(bm.name);
    const at = { path: rpc, group: rpc, base: bm.location, head: hm?.location };
    if (!hm) {
      ctx.report("proto.rpc-removed", { ...at, message: `RPC ${rpc} was removed`, head: hs.location });
      continue;
    }
    const request = ctx.canon(bm.requestType);
    if (request !== hm.requestType) {
      ctx.report("proto.rpc-request-type-changed", {
        ...at,
        message: `request type of ${rpc} changed from ${bm.requestType} to ${hm.requestType}`,
      });
    }
    const response = ctx.canon(bm.responseType);
    if (response !== hm.responseType) {
      ctx.report("proto.rpc-response-type-changed", {
        ...at,
        message: `response type of ${rpc} changed from ${bm.responseType} to ${hm.responseType}`,
      });
    }
    const stream = (s: boolean) => (s ? "a stream" : "a single message");
    if (bm.clientStreaming !== hm.clientStreaming) {
      ctx.report("proto.rpc-client-streaming-changed", {
        ...at,
        message: `${rpc} now takes ${stream(hm.clientStreaming)} instead of ${stream(bm.clientStreaming)}`,
      });
    }
    if (bm.serverStreaming !== hm.serverStreaming) {
      ctx.report("proto.rpc-server-streaming-changed", {
        ...at,
        message: `${rpc} now returns ${stream(hm.serverStreaming)} instead of ${stream(bm.serverStreaming)}`,
      });
    }
  }
  for (const hm of hs.methods) {
    if (baseNames.has(hm.name)) continue;
    const rpc = `${hs.name}.${hm.name}`;
    ctx.report("proto.rpc-added", {
      message: `RPC ${rpc} was added`,
      path: rpc,
      group: rpc,
      head: hm.location,
    });
  }
}
