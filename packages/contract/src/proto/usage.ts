import type { ProtoModel } from "./model.js";

/** Who decodes a message or enum: the server (in requests), clients (in responses). */
export type Role = "request" | "response";

/**
 * Which types each RPC's request and response reach through their fields. A type no RPC reaches
 * (or a file without services) gets no entry, and the rules then assume both directions.
 */
export function typeRoles(model: ProtoModel): Map<string, Set<Role>> {
  const roles = new Map<string, Set<Role>>();
  const queue: { name: string; role: Role }[] = [];
  const mark = (name: string, role: Role): void => {
    let set = roles.get(name);
    if (!set) {
      set = new Set();
      roles.set(name, set);
    }
    if (set.has(role)) return;
    set.add(role);
    queue.push({ name, role });
  };
  for (const service of model.services.values()) {
    for (const method of service.methods) {
      mark(method.requestType, "request");
      mark(method.responseType, "response");
    }
  }
  while (queue.length > 0) {
    const { name, role } = queue.pop()!;
    for (const field of model.messages.get(name)?.fields ?? []) {
      if (field.type.kind !== "scalar") mark(field.type.name, role);
    }
  }
  return roles;
}
