/** A data file that is missing or corrupt: the message names the file and says what to do. */
export class DataFileError extends Error {}

/** Data this machine does not have (e.g. CIFAR-10 without PRUNEBENCH_DATA_DIR); tasks needing it are skipped. */
export class DataUnavailableError extends Error {}
