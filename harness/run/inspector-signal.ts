/**
 * Node opens its inspector on SIGUSR1 unless the process handles that signal itself. A runner or
 * worker holds the test split and the environment's secrets, so it handles SIGUSR1 by ignoring it:
 * no process, a sandboxed method's or any other, can open a debugger into it with a signal.
 */
export function ignoreInspectorSignal(): void {
  if (process.listenerCount('SIGUSR1') === 0) process.on('SIGUSR1', () => {});
}
