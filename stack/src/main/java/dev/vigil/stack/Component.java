package dev.vigil.stack;

/** The real components the local stack runs. */
public enum Component {
  KAFKA("Kafka"),
  OPENSEARCH("OpenSearch");

  private final String displayName;

  Component(String displayName) {
    this.displayName = displayName;
  }

  public String displayName() {
    return displayName;
  }

  /** The name used for this component's files under the state directory. */
  String directoryName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
