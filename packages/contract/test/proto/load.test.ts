import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isGateError } from "@mlgate/core";
import { beforeAll, describe, expect, it } from "vitest";
import { diffProto, loadProtoSource } from "../../src/proto/index.js";
import { INFERENCE_PROTO } from "./inference-proto.js";

let dir: string;

async function put(path: string, text: string): Promise<void> {
  await mkdir(join(dir, path, ".."), { recursive: true });
  await writeFile(join(dir, path), text);
}

async function gateError(p: Promise<unknown>): Promise<{ message: string; file?: string; line?: number }> {
  try {
    await p;
  } catch (e) {
    if (!isGateError(e)) throw e;
    return {
      message: e.message,
      ...(e.location?.file ? { file: e.location.file } : {}),
      ...(e.location?.line ? { line: e.location.line } : {}),
    };
  }
  throw new Error("expected a GateError");
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-proto-load-"));
  await put("protos/inference/grpc_service.proto", INFERENCE_PROTO);
  await put(
    "protos/inference/health.proto",
    'syntax = "proto3";\npackage inference;\nimport "inference/types.proto";\nimport "google/protobuf/empty.proto";\nservice Health { rpc Check(google.protobuf.Empty) returns (Status); }\n',
  );
  await put(
    "protos/inference/types.proto",
    'syntax = "proto3";\npackage inference;\nmessage Status { bool ok = 1; }\n',
  );
  await put("protos/node_modules/junk.proto", "this is not protobuf");
  await put("protos/bad/missing.proto", 'syntax = "proto3";\n\nimport "inference/nope.proto";\n');
  await put("protos/bad/escape.proto", 'syntax = "proto3";\nimport "../../outside.proto";\n');
  await put("outside.proto", 'syntax = "proto3";\nmessage Outside {}\n');
  await symlink(join(dir, "outside.proto"), join(dir, "protos/bad/link.proto"));
  await put("protos/bad/via-link.proto", 'syntax = "proto3";\nimport "bad/link.proto";\n');
});

describe("loading .proto files from disk", () => {
  it("loads a file and, transitively, what it imports, relative to the root", async () => {
    const source = await loadProtoSource(join(dir, "protos/inference/health.proto"), {
      root: join(dir, "protos"),
    });
    expect(source.files.map((f) => f.path)).toEqual(["inference/health.proto", "inference/types.proto"]);
    expect(source.root).toBe(join(dir, "protos"));
    expect(diffProto(source, source)).toEqual([]);
  });

  it("loads every .proto file of a directory, skipping node_modules", async () => {
    const source = await loadProtoSource(join(dir, "protos/inference"), { root: join(dir, "protos") });
    expect(source.files.map((f) => f.path).sort()).toEqual([
      "inference/grpc_service.proto",
      "inference/health.proto",
      "inference/types.proto",
    ]);
  });

  it("shows files under the root the caller gave", async () => {
    const base = await loadProtoSource(join(dir, "protos/inference/health.proto"), {
      root: join(dir, "protos"),
    });
    const head = {
      ...base,
      files: base.files.map((f) =>
        f.path === "inference/types.proto" ? { ...f, text: f.text.replace("bool ok = 1;", "") } : f,
      ),
    };
    const [change] = diffProto(base, head);
    expect(change).toMatchObject({
      rule: "proto.field-removed",
      base: { file: join(dir, "protos/inference/types.proto"), line: 3 },
    });
  });

  it("names the importing file and line when an import is missing", async () => {
    const err = await gateError(
      loadProtoSource(join(dir, "protos/bad/missing.proto"), { root: join(dir, "protos") }),
    );
    expect(err.message).toContain(
      'imports "inference/nope.proto", which does not exist under the import root',
    );
    expect(err).toMatchObject({ file: join(dir, "protos/bad/missing.proto"), line: 3 });
  });

  it("refuses an import that climbs out of the root", async () => {
    const err = await gateError(
      loadProtoSource(join(dir, "protos/bad/escape.proto"), { root: join(dir, "protos") }),
    );
    expect(err.message).toContain('"../../outside.proto" escapes the import root');
    expect(err.line).toBe(2);
  });

  it("refuses a symbolic link that leads out of the root", async () => {
    const err = await gateError(
      loadProtoSource(join(dir, "protos/bad/via-link.proto"), { root: join(dir, "protos") }),
    );
    expect(err.message).toContain("leads outside the import root");
  });

  it("refuses an entry outside the root and a missing path", async () => {
    expect(
      (await gateError(loadProtoSource(join(dir, "outside.proto"), { root: join(dir, "protos") }))).message,
    ).toContain("is not under the import root");
    expect((await gateError(loadProtoSource(join(dir, "nothing.proto")))).message).toContain(
      "proto contract not found",
    );
  });

  it("refuses oversized files before reading them", async () => {
    const err = await gateError(
      loadProtoSource(join(dir, "protos/inference/grpc_service.proto"), {
        root: join(dir, "protos"),
        limits: { maxFileBytes: 1000 },
      }),
    );
    expect(err.message).toMatch(/grpc_service\.proto is \d+ bytes, over the limit of 1000 bytes/);
  });

  it("reads through a caller's reader (a git revision, say)", async () => {
    const tree: Record<string, string> = {
      "api/svc.proto":
        'syntax = "proto3";\npackage api;\nimport "api/msg.proto";\nservice S { rpc Get(M) returns (M); }\n',
      "api/msg.proto": 'syntax = "proto3";\npackage api;\nmessage M { string id = 1; }\n',
    };
    const source = await loadProtoSource("api/svc.proto", {
      root: "origin/main:proto",
      read: async (p) => tree[p],
    });
    expect(source.files.map((f) => f.path)).toEqual(["api/svc.proto", "api/msg.proto"]);
    const head = {
      ...source,
      files: source.files.map((f) => ({ ...f, text: f.text.replace("string id = 1;", "int64 id = 1;") })),
    };
    expect(diffProto(source, head)[0]).toMatchObject({
      rule: "proto.field-type-changed",
      base: { file: "origin/main:proto/api/msg.proto", line: 3 },
    });
  });
});
