import type { SuiteDefinition } from '../../harness/task-api.ts';

export interface PaperSuite {
  suite: SuiteDefinition;
}

export const paperSuites: PaperSuite[] = [];
