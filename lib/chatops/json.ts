/** JSON from a chat platform, as an object or nothing: fields are checked where they are used. */
export function parseJsonObject<T>(text: string): T | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}
