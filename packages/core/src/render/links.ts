/** An http(s) URL safe inside `<…>` markdown link destinations and HTML attributes, or undefined. */
export function safeUrl(url: unknown): string | undefined {
  if (typeof url !== "string") return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined;
  // The URL parser already encodes spaces, quotes and angle brackets; these could still end the destination.
  return parsed.href.replace(
    /[\\()<>"'`\s]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
}
