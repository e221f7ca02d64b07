import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { buildProgram } from '../cli/main.ts';
import { leaderboardGrids } from '../cli/release-command.ts';
import { projectRoot } from './cli-helpers.ts';

const workflowDir = join(projectRoot, '.github', 'workflows');
const workflowFiles = readdirSync(workflowDir)
  .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
  .sort();

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  if?: string;
  id?: string;
}
interface Job {
  'runs-on'?: string;
  steps?: Step[];
  strategy?: { matrix?: Record<string, unknown> };
  needs?: string | string[];
}
interface Workflow {
  name?: string;
  on?: Record<string, unknown>;
  jobs?: Record<string, Job>;
}

function load(file: string): Workflow {
  return parseYaml(readFileSync(join(workflowDir, file), 'utf8')) as Workflow;
}

/** Each `prunebench …` invocation in a shell script, as argument lists (`${{ … }}` kept as one token). */
function prunebenchInvocations(script: string): string[][] {
  const joined = script.replace(/\\\n/g, ' ').replace(/\$\{\{[^}]*\}\}/g, (m) => m.replace(/\s+/g, ''));
  const out: string[][] = [];
  for (const line of joined.split('\n')) {
    for (const m of line.matchAll(/(?:npx\s+|node\s+bin\/)prunebench(?:\.js)?\s+([^;&|#\n]*)/g)) {
      const tokens = [...m[1].matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((t) => t[1] ?? t[2] ?? t[3]);
      out.push(tokens);
    }
  }
  return out;
}

/** Problems with an invocation against the real command tree: unknown subcommands, flags, or missing values. */
function invocationProblems(program: Command, args: string[]): string[] {
  let command = program;
  let i = 0;
  while (i < args.length && command.commands.length) {
    const sub = command.commands.find((c) => c.name() === args[i]);
    if (!sub) return [`unknown subcommand '${args[i]}' of '${command.name()}' (has: ${command.commands.map((c) => c.name()).join(', ')})`];
    command = sub;
    i++;
  }
  if (command === program) return ['no subcommand'];
  const problems: string[] = [];
  const positional: string[] = [];
  for (; i < args.length; i++) {
    const token = args[i];
    if (!token.startsWith('--')) {
      positional.push(token);
      continue;
    }
    const [flag, inline] = token.split('=', 2);
    const option = command.options.find((o) => o.long === flag);
    if (!option) {
      problems.push(`'${command.name()}' has no option ${flag} (has: ${command.options.map((o) => o.long).join(', ')})`);
      continue;
    }
    if (option.required && inline === undefined) {
      if (i + 1 >= args.length || args[i + 1].startsWith('--')) problems.push(`${flag} needs a value`);
      else i++;
    }
  }
  const accepted = command.registeredArguments;
  if (positional.length && !accepted.some((a) => a.variadic) && positional.length > accepted.length) {
    problems.push(`'${command.name()}' takes ${accepted.length} arguments, got ${positional.join(' ')}`);
  }
  return problems;
}

const program = buildProgram(() => undefined);

describe('GitHub Actions workflows', () => {
  it('are pr.yml, main.yml and release.yml', () => {
    expect(workflowFiles).toEqual(['main.yml', 'pr.yml', 'release.yml']);
  });

  for (const file of workflowFiles) {
    describe(file, () => {
      const workflow = load(file);

      it('parses, has triggers, and every job runs somewhere with steps that use or run something', () => {
        expect(workflow.on && Object.keys(workflow.on).length).toBeTruthy();
        expect(Object.keys(workflow.jobs ?? {}).length).toBeGreaterThan(0);
        for (const [name, job] of Object.entries(workflow.jobs!)) {
          expect(job['runs-on'], `${name}: runs-on`).toBeTruthy();
          expect(job.steps?.length, `${name}: steps`).toBeGreaterThan(0);
          for (const step of job.steps!)
            expect(Boolean(step.uses) !== Boolean(step.run), `${name}: a step needs exactly one of uses/run`).toBe(true);
          for (const need of [job.needs ?? []].flat()) expect(Object.keys(workflow.jobs!)).toContain(need);
        }
      });

      it('calls prunebench only with subcommands and flags the CLI defines', () => {
        for (const job of Object.values(workflow.jobs!)) {
          for (const step of job.steps!) {
            for (const args of prunebenchInvocations(step.run ?? ''))
              expect(invocationProblems(program, args), `${file}: prunebench ${args.join(' ')}`).toEqual([]);
          }
        }
      });

      it('shards a matrix by its own size: --shard k/n with n = the number of shard values, k from the matrix', () => {
        for (const job of Object.values(workflow.jobs!)) {
          const shards = job.strategy?.matrix?.shard as number[] | undefined;
          const shardArgs = job
            .steps!.flatMap((s) => prunebenchInvocations(s.run ?? ''))
            .flatMap((args) => args.flatMap((a, i) => (a === '--shard' ? [args[i + 1]] : [])));
          if (!shards) {
            expect(shardArgs).toEqual([]);
            continue;
          }
          expect(shards).toEqual(Array.from({ length: shards.length }, (_, i) => i));
          expect(shardArgs.length).toBeGreaterThan(0);
          for (const arg of shardArgs) expect(arg).toBe(`\${{matrix.shard}}/${shards.length}`);
        }
      });
    });
  }

  it('every job that runs method code demands full isolation and can create the sandbox namespaces', () => {
    for (const file of workflowFiles) {
      for (const [name, job] of Object.entries(load(file).jobs!)) {
        const runsMethods = job.steps!.some((s) => /npm test|prunebench (run|verify|reproduce)/.test(s.run ?? ''));
        if (!runsMethods) continue;
        expect((job as { env?: Record<string, string> }).env?.PRUNEBENCH_REQUIRE_ISOLATION, `${file} ${name}`).toBe('1');
        const container = (job as { container?: { options?: string } | string }).container;
        if (container)
          expect(typeof container === 'string' ? '' : container.options, `${file} ${name}: container options`).toMatch(
            /seccomp=unconfined/,
          );
        else
          expect(
            job.steps!.some((s) => /apparmor_restrict_unprivileged_userns=0/.test(s.run ?? '')),
            `${file} ${name}: AppArmor user namespaces`,
          ).toBe(true);
      }
    }
  });

  it('pr.yml checks a pull request: tests, history against the base, smoke, changed methods, verify, site', () => {
    const workflow = load('pr.yml');
    expect(Object.keys(workflow.on!)).toEqual(['pull_request']);
    const steps = Object.values(workflow.jobs!).flatMap((j) => j.steps!);
    const checkout = steps.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.with?.['fetch-depth']).toBe(0);
    expect(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['node-version']).toBe(20);
    const runs = steps.map((s) => s.run ?? '');
    expect(runs).toContain('npm ci');
    expect(runs).toContain('npm test');
    expect(runs.some((r) => /apt-get install -y chromium/.test(r))).toBe(true);
    const calls = steps.flatMap((s) => prunebenchInvocations(s.run ?? '')).map((a) => a.join(' '));
    expect(calls).toEqual([
      'validate --base origin/${{github.base_ref}}',
      'run --suite smoke --no-progress',
      'run --suite quick --methods ${{steps.changed.outputs.ids}} --no-progress',
      'verify --sample 3 --seed ${{github.event.pull_request.number}}',
      'site build --out site-out',
    ]);
  });

  it("pr.yml's changed-method step lists exactly the methods a branch adds or changes", () => {
    const step = load('pr.yml').jobs!.check.steps!.find((s) => s.id === 'changed')!;
    const repo = mkdtempSync(join(tmpdir(), 'pb-changed-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
    const write = (path: string, text: string) => {
      execFileSync('mkdir', ['-p', join(repo, path, '..')]);
      writeFileSync(join(repo, path), text);
    };
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 't@example.org');
    git('config', 'user.name', 'T');
    for (const id of ['old-a', 'old-b', 'gone']) write(`methods/${id}/manifest.json`, '{}');
    write('methods/registry.ts', '');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    git('update-ref', 'refs/remotes/origin/main', 'HEAD');
    git('checkout', '-q', '-b', 'pr');
    write('methods/new-one/manifest.json', '{}');
    write('methods/new-one/index.ts', '');
    write('methods/old-b/index.ts', 'changed');
    write('methods/registry.ts', 'changed');
    write('README.md', 'changed');
    git('rm', '-q', '-r', 'methods/gone');
    git('add', '-A');
    git('commit', '-q', '-m', 'pr');
    const output = join(repo, 'github-output');
    writeFileSync(output, '');
    const script = step.run!.replace(/\$\{\{\s*github\.base_ref\s*\}\}/g, 'main');
    execFileSync('bash', ['-e', '-c', script], { cwd: repo, env: { ...process.env, GITHUB_OUTPUT: output } });
    expect(readFileSync(output, 'utf8')).toBe('ids=new-one,old-b\n');
  });

  it('main.yml runs every suite a release requires in shards on push to main and merges their records into results/', () => {
    const workflow = load('main.yml');
    expect(workflow.on!.push).toEqual({ branches: ['main'] });
    const { suites, merge } = workflow.jobs!;
    expect(suites.strategy?.matrix?.shard).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const script = suites.steps!.map((s) => s.run ?? '').join('\n');
    expect(suites.steps!.flatMap((s) => prunebenchInvocations(s.run ?? '')).map((a) => a.join(' '))).toEqual([
      'run --suite $suite --shard ${{matrix.shard}}/8 --results results --no-progress',
    ]);
    // The loop's suites are exactly those `prunebench release` requires complete.
    const looped = /for suite in ([^;]+); do/.exec(script)![1].trim().split(/\s+/);
    expect([...looped].sort()).toEqual(
      leaderboardGrids()
        .map((g) => g.id)
        .sort(),
    );
    expect(suites.steps!.some((s) => s.uses?.startsWith('actions/upload-artifact@') && s.with?.path === 'results/runs')).toBe(true);
    expect(merge.needs).toBe('suites');
    const download = merge.steps!.find((s) => s.uses?.startsWith('actions/download-artifact@'));
    // Each shard in a folder of its own: merged into one folder, a shard's stale copy of a record
    // could overwrite the current one another shard re-made at the same path.
    expect(download?.with?.['merge-multiple']).toBeUndefined();
    expect(merge.steps!.flatMap((s) => prunebenchInvocations(s.run ?? '')).map((a) => a.join(' '))).toEqual([
      `merge shards/* --results results`,
      'validate',
    ]);
    expect(merge.steps!.some((s) => /git push/.test(s.run ?? ''))).toBe(true);
  });

  it('release.yml builds the site on a vX.Y.Z tag and deploys it to GitHub Pages', () => {
    const workflow = load('release.yml');
    expect(workflow.on!.push).toEqual({ tags: ['v*.*.*'] });
    const steps = Object.values(workflow.jobs!).flatMap((j) => j.steps!);
    expect(steps.some((s) => s.uses?.startsWith('actions/upload-pages-artifact@') && s.with?.path === 'site-out')).toBe(true);
    expect(steps.some((s) => s.uses?.startsWith('actions/deploy-pages@'))).toBe(true);
    expect(
      steps
        .flatMap((s) => prunebenchInvocations(s.run ?? ''))
        .some((a) => a.join(' ').startsWith('site build --release ${{github.ref_name}}')),
    ).toBe(true);
  });

  it('the invocation check catches what a typo would break', () => {
    const check = (script: string) => prunebenchInvocations(script).flatMap((a) => invocationProblems(program, a));
    expect(check('npx prunebench run --suite smoke --no-progress')).toEqual([]);
    expect(check('npx prunebench site build --out x && npx prunebench verify --sample=2')).toEqual([]);
    expect(check('npx prunebench run --suite smoke --shard-of 0/8')[0]).toMatch(/'run' has no option --shard-of/);
    expect(check('npx prunebench verfy --sample 3')[0]).toMatch(/unknown subcommand 'verfy'/);
    expect(check('npx prunebench site deploy')[0]).toMatch(/unknown subcommand 'deploy' of 'site'/);
    expect(check('npx prunebench run --suite')).toEqual(['--suite needs a value']);
    expect(check('npx prunebench list tasks methods')[0]).toMatch(/takes 1 arguments/);
  });
});
