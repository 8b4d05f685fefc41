package dev.vigil.ingest;

/**
 * Bounds on one raw record, so a hostile or broken record costs bounded memory and time. Records
 * over a bound are dead-lettered with {@code TOO_LARGE} or {@code TOO_DEEP}.
 *
 * @param maxRecordBytes largest record accepted (GKE audit entries reach hundreds of KiB)
 * @param maxDepth deepest object/array nesting accepted
 */
public record NormalizerLimits(int maxRecordBytes, int maxDepth) {

  public static final NormalizerLimits DEFAULTS = new NormalizerLimits(8 * 1024 * 1024, 64);

  public NormalizerLimits {
    if (maxRecordBytes < 1024) {
      throw new IllegalArgumentException("maxRecordBytes must be at least 1024");
    }
    if (maxDepth < 8) {
      throw new IllegalArgumentException("maxDepth must be at least 8");
    }
  }
}
