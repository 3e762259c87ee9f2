/**
 * Operations, parameters, bodies, responses, headers, security and servers of two API models;
 * schemas at each position go to the shared direction-aware schema comparer.
 */
import type { CounterExample } from "../change.js";
import { RequestEnvelope, ResponseEnvelope } from "../counter-example/envelope.js";
import { effectiveTypes, exampleOf } from "../counter-example/examples.js";
import type { Envelope } from "../counter-example/plan.js";
import { SchemaComparer } from "../json-schema/compare.js";
import type { DocPlace } from "../load/contract.js";
import { childPointer, escapeToken } from "../load/pointer.js";
import { isSuccessStatus } from "../model/path-template.js";
import { unconstrainedSchema } from "../model/schema.js";
import type { ApiModel, Operation, Parameter, ResponseModel } from "../model/types.js";
import { type ChangeCollector, compareGroups, type PairRecord } from "../rules/collector.js";
import { diffSecurity, diffSecuritySchemes } from "./security.js";

interface Ctx {
  out: ChangeCollector;
  schemas: SchemaComparer;
  base: ApiModel;
  head: ApiModel;
}

function at(place: DocPlace, ...tokens: (string | number)[]): DocPlace {
  return { doc: place.doc, pointer: childPointer(place.pointer, ...tokens) };
}

/** An owner record for changes that belong to one operation only. */
function ownerOf(group: string): PairRecord {
  return { groups: new Set([group]), parents: new Set() };
}

function verified(envelope: Envelope, payload: unknown): CounterExample | undefined {
  return envelope.verify(payload)
    ? { direction: envelope.direction, describes: envelope.describes, payload }
    : undefined;
}

/** Compare two API models, adding every change to `out`. */
export function diffApiModels(base: ApiModel, head: ApiModel, out: ChangeCollector): void {
  const schemas = new SchemaComparer(out, (place) => unconstrainedSchema(place, "2020-12"));
  const ctx: Ctx = { out, schemas, base, head };
  const keys = [...new Set([...base.operations.keys(), ...head.operations.keys()])];
  const label = (key: string) => (head.operations.get(key) ?? base.operations.get(key))!.label;
  keys.sort((a, b) => compareGroups(label(a), label(b)));
  for (const key of keys) {
    const b = base.operations.get(key);
    const h = head.operations.get(key);
    if (b && h) diffOperation(ctx, b, h);
    else if (b) {
      const group = b.label;
      out.add({
        rule: b.deprecated ? "deprecated-operation-removed" : "operation-removed",
        message: `operation removed${b.deprecated ? " (it was deprecated)" : ""}`,
        path: b.pointer,
        group,
        owner: ownerOf(group),
        base: b.place,
        head: headPathPlace(head, b.path),
      });
    } else if (h) {
      out.add({
        rule: "operation-added",
        message: "new operation",
        path: h.pointer,
        group: h.label,
        owner: ownerOf(h.label),
        head: h.place,
      });
    }
  }
  diffSecuritySchemes(base, head, out);
  diffServers(base, head, out);
  schemas.drain();
}

function headPathPlace(head: ApiModel, path: string): DocPlace {
  const value = head.root.doc.value as Record<string, unknown>;
  const paths = value.paths as Record<string, unknown> | undefined;
  return paths && Object.hasOwn(paths, path) ? at(head.root, "paths", path) : at(head.root, "paths");
}

function diffServers(base: ApiModel, head: ApiModel, out: ChangeCollector): void {
  const group = "servers";
  const owner = ownerOf(group);
  const headUrls = new Set(head.servers.map((s) => s.url));
  const baseUrls = new Set(base.servers.map((s) => s.url));
  for (const s of base.servers) {
    if (!headUrls.has(s.url)) {
      out.add({
        rule: "server-removed",
        message: `server ${s.url} removed`,
        path: `/servers/${escapeToken(s.url)}`,
        group,
        owner,
        base: s.place,
        head: at(head.root, "servers"),
      });
    }
  }
  for (const s of head.servers) {
    if (!baseUrls.has(s.url) && base.servers.length > 0) {
      out.add({
        rule: "server-added",
        message: `server ${s.url} added`,
        path: `/servers/${escapeToken(s.url)}`,
        group,
        owner,
        head: s.place,
      });
    }
  }
}

function diffOperation(ctx: Ctx, b: Operation, h: Operation): void {
  const { out } = ctx;
  const group = h.label;
  const owner = ownerOf(group);
  const add = (
    rule: string,
    message: string,
    where: { base?: DocPlace; head?: DocPlace; path?: string },
    counterExample?: () => CounterExample | undefined,
  ) =>
    out.add({
      rule,
      message,
      path: where.path ?? h.pointer,
      group,
      owner,
      ...(where.base ? { base: where.base } : {}),
      ...(where.head ? { head: where.head } : {}),
      ...(counterExample ? { counterExample } : {}),
    });

  if (b.path !== h.path)
    add("path-parameter-renamed", `path template changed from ${b.path} to ${h.path} (same route)`, {
      base: b.place,
      head: h.place,
    });
  if (b.operationId !== h.operationId) {
    const where = {
      base: at(b.place, "operationId"),
      head: at(h.place, "operationId"),
      path: `${h.pointer}/operationId`,
    };
    if (b.operationId && h.operationId)
      add("operation-id-changed", `operationId changed from "${b.operationId}" to "${h.operationId}"`, where);
    else if (b.operationId)
      add("operation-id-removed", `operationId "${b.operationId}" removed`, { ...where, head: h.place });
    else add("operation-id-added", `operationId "${h.operationId}" added`, where);
  }
  if (!b.deprecated && h.deprecated)
    add("operation-deprecated", "deprecated", {
      head: at(h.place, "deprecated"),
      path: `${h.pointer}/deprecated`,
    });

  diffParameters(ctx, b, h, add);
  diffRequestBody(ctx, b, h, add);
  diffResponses(ctx, b, h, add);
  diffSecurity(b, h, add);
}

type Add = (
  rule: string,
  message: string,
  where: { base?: DocPlace; head?: DocPlace; path?: string },
  counterExample?: () => CounterExample | undefined,
) => void;

function paramLabel(p: Parameter): string {
  return `${p.in} parameter "${p.name}"`;
}

function paramPath(op: Operation, p: Parameter): string {
  return `${op.pointer}/parameters/${p.in}/${escapeToken(p.in === "header" ? p.name.toLowerCase() : p.name)}`;
}

function diffParameters(ctx: Ctx, b: Operation, h: Operation, add: Add): void {
  const describes = `request to ${h.label}`;
  const none = new RequestEnvelope(b, h, { kind: "none" }, describes);
  const moved = new Set<string>();
  for (const [key, bp] of b.parameters) {
    if (h.parameters.has(key)) continue;
    const target = [...h.parameters.entries()].find(
      ([k, hp]) => !b.parameters.has(k) && hp.in !== bp.in && hp.name.toLowerCase() === bp.name.toLowerCase(),
    );
    if (target) {
      moved.add(target[0]);
      add(
        "request-parameter-moved",
        `${paramLabel(bp)} moved to the ${target[1].in}`,
        { base: bp.place, head: target[1].place, path: paramPath(b, bp) },
        () => verified(none, none.build({ include: key })),
      );
    } else {
      add("request-parameter-removed", `${paramLabel(bp)} removed`, {
        base: bp.place,
        head: h.place,
        path: paramPath(b, bp),
      });
    }
  }
  for (const [key, hp] of h.parameters) {
    const bp = b.parameters.get(key);
    const path = paramPath(h, hp);
    if (!bp) {
      if (moved.has(key)) continue;
      if (hp.required) {
        add(
          "request-required-parameter-added",
          `new required ${paramLabel(hp)}`,
          { head: hp.place, path },
          () => verified(none, none.build({})),
        );
      } else
        add("request-optional-parameter-added", `new optional ${paramLabel(hp)}`, { head: hp.place, path });
      continue;
    }
    if (!bp.required && hp.required) {
      add(
        "request-parameter-became-required",
        `${paramLabel(hp)} became required`,
        { base: bp.place, head: at(hp.place, "required"), path },
        () => verified(none, none.build({ omit: key })),
      );
    } else if (bp.required && !hp.required) {
      add("request-parameter-became-optional", `${paramLabel(hp)} became optional`, {
        base: bp.place,
        head: hp.place,
        path,
      });
    }
    // Style and explode only change how arrays and objects are written on the wire.
    const structured = (schema: Parameter["schema"]) => {
      const types = effectiveTypes(schema);
      return !types || types.has("array") || types.has("object");
    };
    if (
      (bp.style !== hp.style || bp.explode !== hp.explode) &&
      (structured(bp.schema) || structured(hp.schema))
    ) {
      add(
        "request-parameter-serialization-changed",
        `${paramLabel(hp)} is serialised differently (style ${bp.style}→${hp.style}, explode ${bp.explode}→${hp.explode})`,
        { base: bp.place, head: hp.place, path },
      );
    }
    if (!bp.deprecated && hp.deprecated)
      add("parameter-deprecated", `${paramLabel(hp)} deprecated`, { head: hp.place, path });
    ctx.schemas.compareRoot(bp.schema, hp.schema, "request", {
      path: `${path}/schema`,
      group: h.label,
      envelope: new RequestEnvelope(b, h, { kind: "param", key }, describes),
      rootLabel: paramLabel(hp),
    });
  }
}

function diffRequestBody(ctx: Ctx, b: Operation, h: Operation, add: Add): void {
  const bb = b.requestBody;
  const hb = h.requestBody;
  const path = `${h.pointer}/requestBody`;
  const describes = (mt?: string) => `request to ${h.label}${mt ? ` (${mt})` : ""}`;
  const none = new RequestEnvelope(b, h, { kind: "none" }, describes());
  if (!bb && !hb) return;
  if (bb && !hb) {
    add("request-body-removed", "request body removed", { base: bb.place, head: h.place, path });
    return;
  }
  if (!bb && hb) {
    if (hb.required) {
      add("request-required-body-added", "now requires a request body", { head: hb.place, path }, () =>
        verified(none, none.build({ omitBody: true })),
      );
    } else add("request-body-added", "now takes an optional request body", { head: hb.place, path });
    return;
  }
  if (!bb || !hb) return;
  if (!bb.required && hb.required) {
    add(
      "request-body-became-required",
      "request body became required",
      { base: bb.place, head: at(hb.place, "required"), path },
      () => verified(none, none.build({ omitBody: true })),
    );
  } else if (bb.required && !hb.required)
    add("request-body-became-optional", "request body became optional", {
      base: bb.place,
      head: hb.place,
      path,
    });
  for (const [mt, bm] of bb.content) {
    if (hb.content.has(mt)) continue;
    const envelope = new RequestEnvelope(b, h, { kind: "body", mediaType: mt }, describes(mt));
    add(
      "request-media-type-removed",
      `request media type ${bm.name} no longer accepted`,
      { base: bm.place, head: at(hb.place, "content"), path: `${path}/content/${escapeToken(bm.name)}` },
      () => verified(envelope, envelope.build({ mediaType: mt, value: exampleOf(bm.schema) })),
    );
  }
  const several = hb.content.size > 1;
  for (const [mt, hm] of hb.content) {
    const bm = bb.content.get(mt);
    const mtPath = `${path}/content/${escapeToken(hm.name)}`;
    if (!bm) {
      add("request-media-type-added", `request media type ${hm.name} now accepted`, {
        head: hm.place,
        path: mtPath,
      });
      continue;
    }
    ctx.schemas.compareRoot(bm.schema, hm.schema, "request", {
      path: `${mtPath}/schema`,
      group: h.label,
      envelope: new RequestEnvelope(b, h, { kind: "body", mediaType: mt }, describes(hm.name)),
      rootLabel: `request body${several ? ` (${hm.name})` : ""}`,
    });
  }
}

function diffResponses(ctx: Ctx, b: Operation, h: Operation, add: Add): void {
  const base = `${h.pointer}/responses`;
  for (const [status, br] of b.responses) {
    if (h.responses.has(status)) continue;
    const where = {
      base: br.place,
      head: at(h.place, "responses"),
      path: `${base}/${escapeToken(br.status)}`,
    };
    if (isSuccessStatus(status))
      add("response-success-status-removed", `success response ${br.status} no longer returned`, where);
    else add("response-error-status-removed", `response ${br.status} no longer documented`, where);
  }
  for (const [status, hr] of h.responses) {
    const br = b.responses.get(status);
    const path = `${base}/${escapeToken(hr.status)}`;
    if (!br) {
      if (isSuccessStatus(status))
        add("response-success-status-added", `may now answer ${hr.status}`, { head: hr.place, path });
      else add("response-error-status-added", `response ${hr.status} documented`, { head: hr.place, path });
      continue;
    }
    diffResponse(ctx, b, h, br, hr, path, add);
  }
}

function diffResponse(
  ctx: Ctx,
  b: Operation,
  h: Operation,
  br: ResponseModel,
  hr: ResponseModel,
  path: string,
  add: Add,
): void {
  const status = hr.status;
  const describes = (what: string) => `${what} of ${h.label} (${status})`;
  const none = new ResponseEnvelope(b, h, statusKey(hr), { kind: "none" }, describes("response"));
  for (const [name, bh] of br.headers) {
    const hh = hr.headers.get(name);
    const hPath = `${path}/headers/${escapeToken(bh.name)}`;
    if (!hh) {
      const where = { base: bh.place, head: hr.place, path: hPath };
      if (bh.required)
        add(
          "response-required-header-removed",
          `response ${status}: required header ${bh.name} removed`,
          where,
          () => verified(none, none.build({})),
        );
      else add("response-optional-header-removed", `response ${status}: header ${bh.name} removed`, where);
      continue;
    }
    if (bh.required && !hh.required) {
      add(
        "response-header-became-optional",
        `response ${status}: header ${hh.name} became optional`,
        { base: bh.place, head: hh.place, path: hPath },
        () => verified(none, none.build({})),
      );
    } else if (!bh.required && hh.required) {
      add("response-header-became-required", `response ${status}: header ${hh.name} became required`, {
        base: bh.place,
        head: hh.place,
        path: hPath,
      });
    }
    if (!bh.deprecated && hh.deprecated)
      add("header-deprecated", `response ${status}: header ${hh.name} deprecated`, {
        head: hh.place,
        path: hPath,
      });
    ctx.schemas.compareRoot(bh.schema, hh.schema, "response", {
      path: `${hPath}/schema`,
      group: h.label,
      envelope: new ResponseEnvelope(b, h, statusKey(hr), { kind: "header", name }, describes("response")),
      rootLabel: `response ${status} header ${hh.name}`,
    });
  }
  for (const [name, hh] of hr.headers) {
    if (!br.headers.has(name))
      add("response-header-added", `response ${status}: new header ${hh.name}`, {
        head: hh.place,
        path: `${path}/headers/${escapeToken(hh.name)}`,
      });
  }
  for (const [mt, bm] of br.content) {
    if (hr.content.has(mt)) continue;
    add("response-media-type-removed", `response ${status}: media type ${bm.name} no longer produced`, {
      base: bm.place,
      head: hr.place,
      path: `${path}/content/${escapeToken(bm.name)}`,
    });
  }
  const several = hr.content.size > 1;
  for (const [mt, hm] of hr.content) {
    const bm = br.content.get(mt);
    const mtPath = `${path}/content/${escapeToken(hm.name)}`;
    if (!bm) {
      add("response-media-type-added", `response ${status}: may now be ${hm.name}`, {
        head: hm.place,
        path: mtPath,
      });
      continue;
    }
    ctx.schemas.compareRoot(bm.schema, hm.schema, "response", {
      path: `${mtPath}/schema`,
      group: h.label,
      envelope: new ResponseEnvelope(
        b,
        h,
        statusKey(hr),
        { kind: "body", mediaType: mt },
        describes(`response${several ? ` ${hm.name}` : ""}`),
      ),
      rootLabel: `response ${status}${several ? ` (${hm.name})` : ""}`,
    });
  }
}

/** Responses are keyed by normalised status (`2XX`, `default`). */
function statusKey(r: ResponseModel): string {
  return r.status.toLowerCase() === "default" ? "default" : r.status.toUpperCase();
}
