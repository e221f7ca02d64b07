/**
 * The application's one door into suites/ and planted/: the task, suite and paper registries and
 * the planted-task generator's command. Nothing else in harness/ or cli/ imports those folders
 * (harness/layers.test.ts checks it), so what the application needs of them is listed here.
 */
export { getSuite, getTask, listSuites, listTasks } from '../../suites/registry.ts';
export { getPaperSuite, paperSuites } from '../../suites/papers/index.ts';
export { plantedCommand } from '../../planted/cli.ts';
