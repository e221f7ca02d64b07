/** A data file that is present but unusable (corrupt, truncated, wrong format) or that a package should ship but does not; the message names the file and says how to restore it. */
export class DataFileError extends Error {
  override name = 'DataFileError';
}

/**
 * Data this machine does not have and that PruneBench does not ship (CIFAR-10 without
 * PRUNEBENCH_DATA_DIR). Tasks that need it are skipped with this message, which says how to get it.
 */
export class DataUnavailableError extends Error {
  override name = 'DataUnavailableError';
}
