/**
 * Version of the engine: training (loop, optimiser, initialisation), kernels, data decoding and
 * evaluation. Part of every job's identity. Bump it in the same commit as any change that can move
 * a recorded number on some backend, even by one bit (docs/protocol.md, "Versions"): records made
 * under another engine version are then reported stale by `validate` and re-run by `run`.
 */
export const ENGINE_VERSION = '1';
