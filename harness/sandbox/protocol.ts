import type { ArchitectureSpec } from '../../engine/architecture.ts';
import type { TrainingRecipe } from '../../engine/recipe.ts';
import type { TaskKind, WeightMap } from '../../engine/types.ts';
import type { JobSpec } from '../jobs/spec.ts';
import type { MethodManifest, PruneResult } from '../../api/method-api.ts';
import type { TrunkLevel } from '../prune/trunk-level.ts';

/** The only message the sandbox receives: small fields inline, data and weights as files it may read. */
export interface SandboxRequest {
  backend: 'wasm' | 'cpu';
  wasmDir: string | null;
  spec: JobSpec;
  manifest: MethodManifest;
  architecture: ArchitectureSpec;
  recipe: TrainingRecipe;
  taskKind: TaskKind;
  /** Named-array file holding the train and validation splits (never test). */
  dataFile: string;
  weightsFile: string;
  /**
   * When the harness keeps the job's trunk levels: the named-array file of the stored level to
   * start from (trunk-level.ts), or null to start at round 0. Null: the method's levels go nowhere.
   */
  trunk: { startFile: string | null } | null;
}

/** Sent by a trunk method's sandbox as it reaches each level, before its reply. */
export interface SandboxLevelMessage {
  type: 'level';
  level: TrunkLevel;
}

export type SandboxReply =
  | { type: 'ok'; result: PruneResult; weights: WeightMap; trainings: number }
  | { type: 'error'; message: string; violation: string | null };
