package dev.vigil.stack;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the local stack runs and where, as {@link LocalStack#up()}, {@link LocalStack#down()} or
 * {@link LocalStack#status()} left it.
 *
 * @param stateDir where the stack keeps its files
 * @param components one entry per component, in {@link Component} order
 */
public record StackStatus(Path stateDir, List<ComponentStatus> components) {

  public StackStatus {
    components = List.copyOf(components);
  }

  public ComponentStatus component(Component component) {
    return components.stream()
        .filter(status -> status.component() == component)
        .findFirst()
        .orElseThrow();
  }

  public boolean isRunning(Component component) {
    return component(component).running();
  }

  /** The running broker's endpoint. */
  public Optional<KafkaEndpoint> kafka() {
    ComponentStatus kafka = component(Component.KAFKA);
    if (!kafka.running()) {
      return Optional.empty();
    }
    Optional<KafkaEndpoint.SaslPlain> saslPlain =
        Optional.ofNullable(kafka.endpoints().get(KafkaBroker.SASL_PLAIN_BOOTSTRAP_SERVERS))
            .map(
                servers ->
                    new KafkaEndpoint.SaslPlain(
                        servers, KafkaBroker.SASL_PLAIN_USER, KafkaBroker.SASL_PLAIN_PASSWORD));
    return Optional.of(
        new KafkaEndpoint(kafka.endpoints().get(KafkaBroker.BOOTSTRAP_SERVERS), saslPlain));
  }

  /** The running node's endpoint. */
  public Optional<OpenSearchEndpoint> openSearch() {
    ComponentStatus openSearch = component(Component.OPENSEARCH);
    return openSearch.running()
        ? Optional.of(
            new OpenSearchEndpoint(URI.create(openSearch.endpoints().get(OpenSearchNode.URL))))
        : Optional.empty();
  }

  /** A few lines for a terminal: one per component, then where the state is. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    components.forEach(status -> text.append(status.describe()).append('\n'));
    text.append("state and logs: ").append(stateDir).append('\n');
    return text.toString();
  }
}
