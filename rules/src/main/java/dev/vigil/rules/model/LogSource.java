package dev.vigil.rules.model;

/** Sigma's {@code logsource}: any part may be null. */
public record LogSource(String product, String service, String category) {

  public static final LogSource ANY = new LogSource(null, null, null);

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    if (product != null) {
      text.append("product: ").append(product);
    }
    if (service != null) {
      text.append(text.isEmpty() ? "" : ", ").append("service: ").append(service);
    }
    if (category != null) {
      text.append(text.isEmpty() ? "" : ", ").append("category: ").append(category);
    }
    return text.isEmpty() ? "any" : text.toString();
  }
}
