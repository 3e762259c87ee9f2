/**
 * The AWS query protocol as a server sees it: form bodies whose keys are paths
 * (`Actions.member.1.ForwardConfig.TargetGroups.member.2.Weight=5`) and XML answers whose lists are
 * `<member>` elements.
 */

export type QueryValue = string | QueryValue[] | { [key: string]: QueryValue };

/** Decode a form body into nested objects; `member.N` segments become (1-based) list items. */
export function decodeQueryForm(body: string): Record<string, QueryValue> {
  const root: Record<string, QueryValue> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const parts = key.split(".");
    let node: Record<string, QueryValue> | QueryValue[] = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const last = i === parts.length - 1;
      if (part === "member" && i + 1 < parts.length) continue;
      const slot: string | number = Array.isArray(node) ? Number(part) - 1 : part;
      if (last) {
        (node as Record<string | number, QueryValue>)[slot] = value;
        break;
      }
      const nextIsList = parts[i + 1] === "member";
      const existing = (node as Record<string | number, QueryValue | undefined>)[slot];
      const child: QueryValue = existing ?? (nextIsList ? [] : {});
      (node as Record<string | number, QueryValue>)[slot] = child;
      node = child as Record<string, QueryValue> | QueryValue[];
    }
  }
  return root;
}

export type XmlValue = string | number | boolean | undefined | XmlValue[] | { [key: string]: XmlValue };

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Objects become elements, lists become `<member>` items, undefined is left out. */
export function toXml(value: XmlValue): string {
  if (value === undefined) return "";
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join("");
  if (typeof value === "object") {
    return Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join("");
  }
  return escapeXml(String(value));
}

export function queryResponse(action: string, namespace: string, result: Record<string, XmlValue>): string {
  return `<?xml version="1.0" encoding="UTF-8"?><${action}Response xmlns="${namespace}"><${action}Result>${toXml(result)}</${action}Result><ResponseMetadata><RequestId>8d5a6c2e-0000-4000-8000-000000000001</RequestId></ResponseMetadata></${action}Response>`;
}

export function queryError(namespace: string, code: string, message: string, type = "Sender"): string {
  return `<?xml version="1.0" encoding="UTF-8"?><ErrorResponse xmlns="${namespace}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>8d5a6c2e-0000-4000-8000-00000000ffff</RequestId></ErrorResponse>`;
}
