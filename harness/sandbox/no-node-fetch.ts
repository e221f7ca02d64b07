/**
 * Stands in for node-fetch in the sandbox bundle. tfjs-core only falls back to it where there is no
 * global fetch, which Node 20 has; bundling the real package would load http, https, zlib and stream
 * (plus 390 kB of code) into every sandboxed process at start.
 */
export default function nodeFetch(): never {
  throw new Error('sandbox: node-fetch is not bundled (the global fetch is used)');
}
