/** `/users/{userId}/posts/{id}` → `/users/{}/posts/{}`: parameter names do not change the route. */
export function normalizePathTemplate(path: string): string {
  return path.replace(/\{[^}/]*\}/g, "{}");
}

/** Names of the template's parameters, in order. */
export function pathParameterNames(path: string): string[] {
  return Array.from(path.matchAll(/\{([^}/]*)\}/g), (m) => m[1] ?? "");
}

/** `application/JSON; charset=utf-8` → `application/json`: parameters do not change what clients parse. */
export function mediaTypeKey(name: string): string {
  return (name.split(";")[0] ?? name).trim().toLowerCase();
}

/** A 2xx status or range: what clients treat as success. */
export function isSuccessStatus(status: string): boolean {
  return /^2(\d\d|XX)$/i.test(status);
}

export function normalizeStatus(status: string): string {
  return status.toLowerCase() === "default" ? "default" : status.toUpperCase();
}
