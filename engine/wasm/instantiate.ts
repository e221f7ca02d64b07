/**
 * PruneBench's SIMD modules (the *.wat files here) work in the tfjs wasm backend's own memory: each
 * is instantiated once per backend memory, importing it, so kernels pass tensors' heap offsets
 * instead of copying data in and out.
 */
interface BackendWithMemory {
  wasm?: { asm?: { memory?: WebAssembly.Memory } };
}

const compiled = new Map<string, WebAssembly.Module>();
const instances = new WeakMap<WebAssembly.Memory, Map<string, WebAssembly.Exports>>();

/** The module's exports on the backend's memory, or null when that memory is not reachable (then use a fallback). */
export function simdExportsOn(backend: unknown, wasmBase64: string): WebAssembly.Exports | null {
  const memory = (backend as BackendWithMemory).wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  let byModule = instances.get(memory);
  if (!byModule) {
    byModule = new Map();
    instances.set(memory, byModule);
  }
  let exports = byModule.get(wasmBase64);
  if (!exports) {
    let module = compiled.get(wasmBase64);
    if (!module) {
      module = new WebAssembly.Module(Buffer.from(wasmBase64, 'base64'));
      compiled.set(wasmBase64, module);
    }
    exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
    byModule.set(wasmBase64, exports);
  }
  return exports;
}
