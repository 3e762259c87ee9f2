import protobuf from "protobufjs";
import type { SourceLocation } from "../change.js";
import type { BuiltFile, BuiltProto } from "./build.js";

/** A field's value type: a scalar by its keyword, or a message or enum by its full name (no leading dot). */
export type ProtoTypeRef =
  | { kind: "scalar"; name: string }
  | { kind: "message"; name: string }
  | { kind: "enum"; name: string };

export type Cardinality = "singular" | "repeated" | "map";

/** `required` is proto2's label (LEGACY_REQUIRED in editions); `explicit` tracks set-vs-default; `implicit` does not. */
export type Presence = "required" | "explicit" | "implicit";

export interface ProtoField {
  name: string;
  number: number;
  jsonName: string;
  /** The value type; for a map, the value type of its entries. */
  type: ProtoTypeRef;
  /** The key type of a map. */
  mapKey?: string;
  cardinality: Cardinality;
  /** Only for singular fields. */
  presence?: Presence;
  /** The (non-synthetic) oneof the field belongs to. */
  oneof?: string;
  /** An explicit `[default = ...]`, as JSON text so values compare exactly. */
  defaultValue?: string;
  /** Group / DELIMITED encoding instead of length-prefixed. */
  delimited: boolean;
  location: SourceLocation;
}

export interface ReservedSet {
  /** Inclusive ranges. */
  numbers: [number, number][];
  names: string[];
}

export interface ProtoMessage {
  name: string;
  file: string;
  location: SourceLocation;
  fields: ProtoField[];
  /** Real oneofs (not proto3 `optional` wrappers): name → member field numbers. */
  oneofs: Map<string, number[]>;
  reserved: ReservedSet;
}

export interface ProtoEnumValue {
  name: string;
  number: number;
  location: SourceLocation;
}

export interface ProtoEnum {
  name: string;
  file: string;
  location: SourceLocation;
  values: ProtoEnumValue[];
  reserved: ReservedSet;
  /** proto2 enums (and editions `enum_type = CLOSED`) drop unknown values on parse. */
  closed: boolean;
}

export interface ProtoMethod {
  name: string;
  requestType: string;
  responseType: string;
  clientStreaming: boolean;
  serverStreaming: boolean;
  location: SourceLocation;
}

export interface ProtoService {
  name: string;
  file: string;
  location: SourceLocation;
  methods: ProtoMethod[];
}

export interface ProtoFileInfo {
  path: string;
  display: string;
  package: string;
  syntax: string;
  location: SourceLocation;
}

/** One side of a protobuf contract, reduced to what the rules compare. */
export interface ProtoModel {
  files: Map<string, ProtoFileInfo>;
  messages: Map<string, ProtoMessage>;
  enums: Map<string, ProtoEnum>;
  services: Map<string, ProtoService>;
}

function stripDot(name: string): string {
  return name.startsWith(".") ? name.slice(1) : name;
}

function reservedSet(entries: (number[] | string)[] | undefined): ReservedSet {
  const out: ReservedSet = { numbers: [], names: [] };
  for (const entry of entries ?? []) {
    if (typeof entry === "string") out.names.push(entry);
    else if (entry.length === 2) out.numbers.push([entry[0]!, entry[1]!]);
  }
  return out;
}

function typeRef(field: protobuf.Field): ProtoTypeRef {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return { kind: "message", name: stripDot(resolved.fullName) };
  if (resolved instanceof protobuf.Enum) return { kind: "enum", name: stripDot(resolved.fullName) };
  return { kind: "scalar", name: field.type };
}

function isSyntheticOneof(oneof: protobuf.OneOf): boolean {
  return oneof.fieldsArray.length === 1 && oneof.fieldsArray[0]?.options?.proto3_optional === true;
}

function presenceOf(field: protobuf.Field): Presence {
  if (field.required) return "required";
  // Singular message fields always track presence, whatever the file's presence default says.
  if (field.resolvedType instanceof protobuf.Type) return "explicit";
  return field.hasPresence ? "explicit" : "implicit";
}

class Extractor {
  readonly model: ProtoModel = {
    files: new Map(),
    messages: new Map(),
    enums: new Map(),
    services: new Map(),
  };

  constructor(private readonly built: BuiltProto) {
    for (const file of built.files.values()) {
      this.model.files.set(file.path, {
        path: file.path,
        display: file.display,
        package: file.package,
        syntax: file.syntax,
        location: {
          file: file.display,
          ...(file.packageLine === undefined ? {} : { line: file.packageLine }),
        },
      });
    }
  }

  private fileOf(obj: protobuf.ReflectionObject): BuiltFile | undefined {
    return obj.filename ? this.built.files.get(obj.filename) : undefined;
  }

  private locate(file: BuiltFile, path: string): SourceLocation {
    const line = file.lines.get(path);
    return { file: file.display, ...(line === undefined ? {} : { line }) };
  }

  walk(): ProtoModel {
    // Breadth-first with a queue: the nesting is bounded, but no recursion is needed either.
    const queue: protobuf.ReflectionObject[] = [...this.built.root.nestedArray];
    while (queue.length > 0) {
      const obj = queue.shift()!;
      const file = this.fileOf(obj);
      if (obj instanceof protobuf.Type) {
        if (file) this.message(obj, file);
      } else if (obj instanceof protobuf.Enum) {
        if (file) this.enumeration(obj, file);
      } else if (obj instanceof protobuf.Service) {
        if (file) this.service(obj, file);
      }
      if (obj instanceof protobuf.Namespace) queue.push(...obj.nestedArray);
    }
    return this.model;
  }

  private message(type: protobuf.Type, file: BuiltFile): void {
    const name = stripDot(type.fullName);
    const oneofs = new Map<string, number[]>();
    for (const oneof of type.oneofsArray) {
      if (!isSyntheticOneof(oneof))
        oneofs.set(
          oneof.name,
          oneof.fieldsArray.map((f) => f.id),
        );
    }
    const fields: ProtoField[] = [];
    for (const field of type.fieldsArray) {
      // Extension fields declared elsewhere show up on the extended type; extensions are not compared.
      if (field.declaringField || field.extensionField || field.name.startsWith(".")) continue;
      const map = field instanceof protobuf.MapField;
      const cardinality: Cardinality = map ? "map" : field.repeated ? "repeated" : "singular";
      const oneof = field.partOf && !isSyntheticOneof(field.partOf) ? field.partOf.name : undefined;
      const explicitDefault = field.options?.default;
      fields.push({
        name: field.name,
        number: field.id,
        jsonName: field.jsonName ?? field.name,
        type: typeRef(field),
        ...(map ? { mapKey: (field as protobuf.MapField).keyType } : {}),
        cardinality,
        ...(cardinality === "singular" ? { presence: presenceOf(field) } : {}),
        ...(oneof === undefined ? {} : { oneof }),
        ...(explicitDefault === undefined ? {} : { defaultValue: JSON.stringify(explicitDefault) }),
        delimited: field.delimited,
        location: this.locate(file, `${name}.${field.name}`),
      });
    }
    this.model.messages.set(name, {
      name,
      file: file.path,
      location: this.locate(file, name),
      fields,
      oneofs,
      reserved: reservedSet(type.reserved),
    });
  }

  private enumeration(enm: protobuf.Enum, file: BuiltFile): void {
    const name = stripDot(enm.fullName);
    this.model.enums.set(name, {
      name,
      file: file.path,
      location: this.locate(file, name),
      values: Object.entries(enm.values).map(([valueName, number]) => ({
        name: valueName,
        number,
        location: this.locate(file, `${name}.${valueName}`),
      })),
      reserved: reservedSet(enm.reserved as (number[] | string)[] | undefined),
      closed: (enm as unknown as { _features?: { enum_type?: string } })._features?.enum_type === "CLOSED",
    });
  }

  private service(service: protobuf.Service, file: BuiltFile): void {
    const name = stripDot(service.fullName);
    this.model.services.set(name, {
      name,
      file: file.path,
      location: this.locate(file, name),
      methods: service.methodsArray.map((m) => ({
        name: m.name,
        requestType: stripDot(m.resolvedRequestType?.fullName ?? m.requestType),
        responseType: stripDot(m.resolvedResponseType?.fullName ?? m.responseType),
        clientStreaming: m.requestStream === true,
        serverStreaming: m.responseStream === true,
        location: this.locate(file, `${name}.${m.name}`),
      })),
    });
  }
}

/** Reduce a parsed, resolved set of files to the comparable model (only declarations of the given files). */
export function extractModel(built: BuiltProto): ProtoModel {
  return new Extractor(built).walk();
}
