/** The simulator's in-memory connections, per target (a VPCEP service or an APIG instance). */

export type TargetKind = 'vpcep' | 'apig';

export type SimConnection = {
  id: string;
  marker_id: string;
  created_at: string;
  updated_at: string;
  domain_id: string;
  status: string;
  /** VPCEP only: set through PUT …/connections/description, returned by the list. */
  description?: string;
};

export type SeedConnection = {
  id: string;
  status?: string;
  domainId?: string;
  /** When the consumer asked (ISO 8601); now when unset. */
  createdAt?: string;
  description?: string;
};
export type SeedTarget = {
  kind: TargetKind;
  projectId: string;
  targetId: string;
  connections?: SeedConnection[];
  /**
   * The target's whitelist (endpoint-service permissions): consumer `domain_id`s, or `*` for every
   * account. Seeding again adds to it.
   */
  permissions?: string[];
};

export function targetKey(kind: TargetKind, projectId: string, targetId: string): string {
  return `${kind}/${projectId.toLowerCase()}/${targetId.toLowerCase()}`;
}

export class ConnectionStore {
  readonly #targets = new Map<string, Map<string, SimConnection>>();
  readonly #permissions = new Map<string, Set<string>>();
  #marker = 422321321312321321n;

  /** Adds a target (if new) and its connections; a seeded connection replaces one with the same id. */
  seed(target: SeedTarget): void {
    const key = targetKey(target.kind, target.projectId, target.targetId);
    const connections = this.#targets.get(key) ?? new Map<string, SimConnection>();
    this.#targets.set(key, connections);
    const now = new Date().toISOString();
    const permissions = this.#permissions.get(key) ?? new Set<string>();
    this.#permissions.set(key, permissions);
    for (const domainId of target.permissions ?? []) permissions.add(domainId.toLowerCase());
    for (const seed of target.connections ?? []) {
      this.#marker += 1n;
      connections.set(seed.id.toLowerCase(), {
        id: seed.id,
        marker_id: this.#marker.toString(),
        created_at: seed.createdAt ?? now,
        updated_at: seed.createdAt ?? now,
        domain_id: seed.domainId ?? 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b',
        status: seed.status ?? 'pendingAcceptance',
        ...(seed.description === undefined ? {} : { description: seed.description }),
      });
    }
  }

  target(kind: TargetKind, projectId: string, targetId: string): Map<string, SimConnection> | undefined {
    return this.#targets.get(targetKey(kind, projectId, targetId));
  }

  /** The ids of every target of `kind` in the project, in the order they were first seeded. */
  targetIds(kind: TargetKind, projectId: string): string[] {
    const prefix = `${kind}/${projectId.toLowerCase()}/`;
    return [...this.#targets.keys()]
      .filter((key) => key.startsWith(prefix))
      .map((key) => key.slice(prefix.length));
  }

  /** The target's whitelist entries (`domain_id`s or `*`), or undefined for an unknown target. */
  permissions(kind: TargetKind, projectId: string, targetId: string): ReadonlySet<string> | undefined {
    return this.#permissions.get(targetKey(kind, projectId, targetId));
  }

  /** Adds (or removes) whitelist entries; false for an unknown target. */
  changePermissions(
    key: { kind: TargetKind; projectId: string; targetId: string },
    add: boolean,
    domainIds: readonly string[],
  ): boolean {
    const permissions = this.#permissions.get(targetKey(key.kind, key.projectId, key.targetId));
    if (permissions === undefined) return false;
    for (const domainId of domainIds) {
      if (add) permissions.add(domainId.toLowerCase());
      else permissions.delete(domainId.toLowerCase());
    }
    return true;
  }

  connection(
    kind: TargetKind,
    projectId: string,
    targetId: string,
    endpointId: string,
  ): SimConnection | undefined {
    return this.target(kind, projectId, targetId)?.get(endpointId.toLowerCase());
  }

  setStatus(connection: SimConnection, status: string): void {
    connection.status = status;
    connection.updated_at = new Date().toISOString();
  }
}
