/**
 * The Node the machine itself has, outside this project: the tests run on the Node 24 the `node` dev
 * dependency installs (node_modules/.bin first on PATH), and the packed CLI must also run on the oldest
 * Node it supports. Found on PATH, skipping every node_modules folder.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

export type SystemNode = { node: string; npm: string; version: string; dir: string };

/** The first `node` on PATH outside node_modules whose major version is `major`, with its npm. */
export function findSystemNode(major: number, path = process.env.PATH ?? ''): SystemNode | undefined {
  for (const dir of systemPath(path)) {
    const node = join(dir, 'node');
    const npm = join(dir, 'npm');
    if (!existsSync(node) || !existsSync(npm)) continue;
    const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
    if (version.startsWith(`v${major}.`)) return { node: realpathSync(node), npm, version, dir };
  }
  return undefined;
}

/** PATH without the project's (or any) node_modules folders. */
export function systemPath(path: string): string[] {
  return path.split(delimiter).filter((dir) => dir !== '' && !dir.split(/[\\/]/).includes('node_modules'));
}

/** A PATH on which `node` is the given system Node: its folder first, then the rest of the system PATH. */
export function pathFor(system: SystemNode, path = process.env.PATH ?? ''): string {
  return [system.dir, dirname(system.node), ...systemPath(path)].join(delimiter);
}
