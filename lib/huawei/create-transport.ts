/**
 * Builds the transport `VPCEP_APPROVAL_HTTP_CLIENT` names (transport.ts says why there are two),
 * loading only that stack's module. A module of its own: the stacks import the contract and helpers
 * in transport.ts, so the choice between them cannot live there without an import loop.
 */
import type { HttpClientKind, Transport, TransportOptions } from './transport.ts';

export async function createTransport(kind: HttpClientKind, options: TransportOptions): Promise<Transport> {
  if (kind === 'node') return (await import('./transport-node.ts')).createNodeTransport(options);
  return (await import('./transport-undici.ts')).createUndiciTransport(options);
}
