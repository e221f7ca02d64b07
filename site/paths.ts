/** Page paths and relative links: every link is relative, so the site works from any sub-path and from file://. */
import { createHash } from 'node:crypto';
import type { TaskRef } from '../harness/aggregate/aggregate.ts';

/** A file-name-safe slug; text that had to change gets a short hash so two ids never share a file. */
export function safeName(text: string): string {
  const clean = text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  if (clean === text && clean !== '') return clean;
  return `${clean || 'x'}-${createHash('sha256').update(text).digest('hex').slice(0, 8)}`;
}

export function taskSlug(task: Pick<TaskRef, 'id' | 'version'>): string {
  return safeName(`${task.id}-v${task.version}`);
}

export function taskPath(task: Pick<TaskRef, 'id' | 'version'>): string {
  return `tasks/${taskSlug(task)}.html`;
}

/** The structured section's index page. */
export const STRUCTURED_PATH = 'structured.html';

/** A task's page, or for a structured track (`structure` set) the track's page: '2:4' → `…-v1-2-4.html`. */
export function trackPath(task: Pick<TaskRef, 'id' | 'version' | 'structure'>): string {
  if (task.structure === undefined) return taskPath(task);
  return `structured/${safeName(`${task.id}-v${task.version}-${task.structure.replace(':', '-')}`)}.html`;
}

export function suitePath(suiteId: string): string {
  return `suites/${safeName(suiteId)}.html`;
}

/** The anchor of a task's section on a suite page. */
export function suiteTaskAnchor(task: Pick<TaskRef, 'key'>): string {
  return safeName(task.key);
}

/** A leaderboard release's page (from results/releases/vX.Y.Z.json). */
export function releasePath(label: string): string {
  return `releases/${safeName(label)}.html`;
}

export function methodPath(methodId: string): string {
  return `methods/${safeName(methodId)}.html`;
}

/** "../" per directory level of a root-relative page path ('' for a page at the root). */
export function rootPrefix(pagePath: string): string {
  return '../'.repeat(pagePath.split('/').length - 1);
}

/** Only absolute http(s) URLs become links; anything else (javascript:, data:, relative) is shown as text. */
export function safeExternalUrl(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}
