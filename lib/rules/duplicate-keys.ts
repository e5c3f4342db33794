/**
 * JSON.parse keeps the last of two equal keys without a word, so a rules document that lists a target
 * twice silently loses the first entry's rules. This finds such keys, with their JSON path, before the
 * document is read.
 */
import { visit } from 'jsonc-parser';

/** The paths (`targets["vpcep:…"]`-style segments) of every key that occurs twice in one object. */
export function duplicateKeyPaths(text: string): Array<readonly (string | number)[]> {
  const found: Array<readonly (string | number)[]> = [];
  const seen: Array<Set<string>> = [];
  visit(
    text,
    {
      onObjectBegin: () => {
        seen.push(new Set());
      },
      onObjectEnd: () => {
        seen.pop();
      },
      onObjectProperty: (property, _offset, _length, _line, _column, pathSupplier) => {
        const keys = seen.at(-1);
        if (keys === undefined) return;
        if (keys.has(property)) found.push([...pathSupplier(), property]);
        keys.add(property);
      },
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  return found;
}
