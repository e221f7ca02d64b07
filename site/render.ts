/** Handlebars rendering: page templates inside the layout, partials for tables, figures, facts and the legend. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { formatDate } from '../harness/report/format.ts';
import type { PageView, ReleaseInfo } from './pages/common.ts';

const templateDir = fileURLToPath(new URL('./templates/', import.meta.url));

export interface NavItem {
  label: string;
  href: string;
  current: boolean;
}

export interface LayoutContext {
  /** From the page to its (release) site root. */
  root: string;
  /** From the page to the top of the output (differs from root inside an archived release). */
  topRoot: string;
  release: ReleaseInfo;
  rejectedCount: number;
}

export class SiteRenderer {
  private readonly hb = Handlebars.create();
  private readonly templates = new Map<string, Handlebars.TemplateDelegate>();

  constructor() {
    const partialDir = join(templateDir, 'partials');
    for (const file of readdirSync(partialDir).filter((f) => f.endsWith('.hbs'))) {
      this.hb.registerPartial(file.replace(/\.hbs$/, ''), readFileSync(join(partialDir, file), 'utf8'));
    }
    for (const file of readdirSync(templateDir).filter((f) => f.endsWith('.hbs'))) {
      this.templates.set(file.replace(/\.hbs$/, ''), this.hb.compile(readFileSync(join(templateDir, file), 'utf8'), { strict: true }));
    }
  }

  private template(name: string): Handlebars.TemplateDelegate {
    const t = this.templates.get(name);
    if (!t) throw new Error(`no template '${name}'`);
    return t;
  }

  render(page: PageView, layout: LayoutContext): string {
    const body = this.template(page.template)({ ...page.content, root: layout.root, topRoot: layout.topRoot });
    const nav: NavItem[] = [
      {
        label: 'Leaderboard',
        href: `${layout.root}index.html`,
        current: page.section === 'home' || page.section === 'task' || page.section === 'suite',
      },
      { label: 'Structured', href: `${layout.root}structured.html`, current: page.section === 'structured' },
      { label: 'Methods', href: `${layout.root}methods.html`, current: page.section === 'methods' },
      { label: 'Reproductions', href: `${layout.root}reproductions.html`, current: page.section === 'reproductions' },
      { label: 'Protocol', href: `${layout.root}protocol.html`, current: page.section === 'protocol' },
      { label: 'Cite', href: `${layout.topRoot}cite.html`, current: page.section === 'cite' },
      { label: 'Changelog', href: `${layout.topRoot}changelog.html`, current: page.section === 'changelog' },
      { label: 'Releases', href: `${layout.topRoot}releases.html`, current: page.section === 'releases' },
    ];
    return this.template('layout')({
      title: page.title,
      description: page.description,
      release: layout.release,
      releasedAt: layout.release.releasedAt ? formatDate(layout.release.releasedAt) : '',
      commit: layout.release.commit
        ? layout.release.commit.slice(0, 12)
        : layout.release.recordsCommit
          ? `${layout.release.recordsCommit.slice(0, 12)} (named by the newest record; built outside a git checkout)`
          : 'unknown (built outside a git checkout; the records name no commit)',
      builtAt: formatDate(layout.release.builtAt),
      nav,
      root: layout.root,
      topRoot: layout.topRoot,
      assets: `${layout.topRoot}assets/`,
      archived: layout.release.archived,
      rejectedCount: layout.rejectedCount,
      // The body is our own template output, already escaped.
      body: new Handlebars.SafeString(body),
    });
  }
}
