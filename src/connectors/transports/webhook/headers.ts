/** Request headers as Node and Fastify give them (lower-case names) or as a caller wrote them. */
export type HeaderBag = Record<string, string | string[] | undefined>;

/** One header's value, names compared case-insensitively; the first of repeated values. */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let value = headers[wanted];
  if (value === undefined)
    for (const [key, v] of Object.entries(headers))
      if (key.toLowerCase() === wanted) {
        value = v;
        break;
      }
  return Array.isArray(value) ? value[0] : value;
}
