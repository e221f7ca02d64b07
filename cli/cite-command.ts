/** `prunebench cite`: checks the options, gathers what to cite (harness/cite/) and prints it as BibTeX or CFF. */
import { CitationError, projectCitationFile } from '../harness/cite/citation-file.ts';
import { gatherCitation } from '../harness/cite/gather.ts';
import { renderBibtex, renderCff } from '../harness/cite/render.ts';
import { methodsDir as registeredMethodsDir } from '../harness/registry/methods.ts';

export interface CiteOptions {
  release?: string;
  format: string;
  results: string;
  /** Default: the registry's methods/. */
  methodsDir?: string;
  /** Default: the repository's CITATION.cff. */
  citationFile?: string;
}

export async function citeCommand(
  opts: CiteOptions,
  print: (text: string) => void = (t) => process.stdout.write(t),
  error: (line: string) => void = console.error,
): Promise<number> {
  if (opts.format !== 'bibtex' && opts.format !== 'cff') {
    error(`prunebench cite: --format must be bibtex or cff, got '${opts.format}'`);
    return 1;
  }
  try {
    const subject = await gatherCitation({
      release: opts.release,
      resultsDir: opts.results,
      methodsDir: opts.methodsDir ?? registeredMethodsDir,
      citationFile: opts.citationFile ?? projectCitationFile,
    });
    print(opts.format === 'bibtex' ? renderBibtex(subject) : renderCff(subject));
    return 0;
  } catch (e) {
    if (!(e instanceof CitationError)) throw e;
    error(`prunebench cite: ${e.message}`);
    return 1;
  }
}
