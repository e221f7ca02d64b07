/**
 * Defence in depth inside the sandboxed process, evaluated before any method code (it is the
 * bundle's first import). The boundary is the kernel's (network and PID namespaces, memory limits:
 * isolation.ts) and Node's permission model; this takes away, from code loaded later, the Node
 * interfaces that reach the network, other processes or the inspector.
 */
import Module from 'node:module';

const deniedBuiltins = new Set([
  'net',
  'http',
  'https',
  'http2',
  'tls',
  'dgram',
  'dns',
  'dns/promises',
  'inspector',
  'inspector/promises',
  'child_process',
  'cluster',
  'worker_threads',
  'v8',
  'repl',
  'trace_events',
  'module',
]);

function refuse(what: string): never {
  const error = new Error(`${what} is not available to method code`) as Error & { code: string; permission: string; resource: string };
  error.code = 'ERR_ACCESS_DENIED';
  error.permission = 'Sandbox';
  error.resource = what;
  throw error;
}

function builtinName(request: string): string {
  return request.startsWith('node:') ? request.slice(5) : request;
}

const moduleInternals = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const load = moduleInternals._load;
moduleInternals._load = function guardedLoad(request: string, ...rest: unknown[]) {
  if (deniedBuiltins.has(builtinName(request))) refuse(`require('${request}')`);
  return load.call(this, request, ...rest);
};

const processInternals = process as unknown as Record<string, unknown>;
for (const name of [
  'kill',
  '_kill',
  '_debugProcess',
  '_debugEnd',
  '_startProfilerIdleNotifier',
  'binding',
  '_linkedBinding',
  'dlopen',
  'getBuiltinModule',
]) {
  if (name in processInternals) {
    Object.defineProperty(process, name, { value: () => refuse(`process.${name}`), writable: false, configurable: false });
  }
}

for (const name of ['fetch', 'WebSocket', 'EventSource']) {
  if (name in globalThis) Object.defineProperty(globalThis, name, { value: () => refuse(name), writable: false, configurable: false });
}
