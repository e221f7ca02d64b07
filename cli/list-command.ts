import { listSuites, listTasks } from '../harness/registry/suites.ts';
import { listMethods } from '../harness/registry/methods.ts';

export async function listCommand(what: string, print: (line: string) => void = console.log): Promise<number> {
  switch (what) {
    case 'tasks':
      for (const t of listTasks()) {
        const reason = t.unavailableReason();
        print(
          `${t.id.padEnd(34)} v${t.version}  ${t.kind.padEnd(14)} ${t.architecture.id.padEnd(22)} ${reason ? '[unavailable] ' : ''}${t.description}`,
        );
      }
      return 0;
    case 'methods':
      for (const { manifest: m } of listMethods()) {
        const paper = m.paper
          ? `${m.paper.authors.split(',')[0].trim()}${m.paper.authors.includes(',') ? ' et al.' : ''} ${m.paper.year}, "${m.paper.title}"`
          : 'no paper';
        print(
          `${m.id.padEnd(22)} v${m.version.padEnd(7)} when=${m.when.padEnd(16)} scope=${m.scope.padEnd(10)} needs=${(m.needs.join('+') || 'nothing').padEnd(24)} ${paper}`,
        );
      }
      return 0;
    case 'suites': {
      const idWidth = Math.max(20, ...listSuites().map((s) => s.id.length));
      for (const s of listSuites()) {
        const methods =
          s.methods === 'all' ? 'all methods' : s.methods === 'score-returning' ? 'score-returning methods' : `${s.methods.length} methods`;
        const extra = Object.entries(s.taskSparsities ?? {}).map(([task, values]) => `${task} also ${values.join('/')}`);
        print(
          `${s.id.padEnd(idWidth)} v${s.version}  ${s.tasks.length} tasks, ${methods}, sparsities ${s.sparsities.join('/')}${extra.length ? ` (${extra.join('; ')})` : ''}, seeds ${s.seeds.join('/')}${s.controls?.length ? `, controls ${s.controls.join('/')}` : ''}  — ${s.description}`,
        );
      }
      return 0;
    }
    default:
      console.error(`prunebench list: expected tasks, methods or suites, got '${what}'`);
      return 1;
  }
}
