/** The versions that are part of every job's identity (docs/protocol.md, "Versions"). */
import { ENGINE_VERSION } from '../../engine/version.ts';
import type { JobSpec } from './spec.ts';

export { ENGINE_VERSION };

/**
 * Version of the protocol: the rules of docs/protocol.md (splits, counting, tie-breaking,
 * metrics' definitions, how a method is run). Part of every job's identity.
 */
export const PROTOCOL_VERSION = '2';

/** The protocol and engine versions a job planned now runs under. */
export function currentVersions(): { protocol: string; engine: string } {
  return { protocol: PROTOCOL_VERSION, engine: ENGINE_VERSION };
}

/**
 * Why a job's numbers may no longer be what the current code gives, or null: it was made under
 * another protocol or engine version.
 */
export function staleVersionReason(spec: Pick<JobSpec, 'protocol' | 'engine'>): string | null {
  const reasons: string[] = [];
  if (spec.protocol !== PROTOCOL_VERSION) reasons.push(`protocol ${spec.protocol} (current ${PROTOCOL_VERSION})`);
  if (spec.engine !== ENGINE_VERSION)
    reasons.push(
      spec.engine === undefined ? `no engine version (current ${ENGINE_VERSION})` : `engine ${spec.engine} (current ${ENGINE_VERSION})`,
    );
  return reasons.length ? `made under ${reasons.join(' and ')}` : null;
}
