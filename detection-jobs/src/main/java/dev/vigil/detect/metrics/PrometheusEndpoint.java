package dev.vigil.detect.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;

/**
 * The embedded job's Flink metrics for Prometheus to scrape, at {@code
 * http://<host>:<port>/metrics} ({@code metrics.prometheus} in vigil.yaml), on the loopback
 * interface unless configured otherwise.
 *
 * <p>Design: Flink's own Prometheus reporter ({@code flink-metrics-prometheus}) listens on every
 * interface with no way to choose one, which an embedded cluster that binds everything to 127.0.0.1
 * ({@link dev.vigil.detect.EmbeddedFlink}) must not do; so this reporter serves the same series,
 * named the way Flink's reporter names them so that dashboards and alert rules written for Flink
 * work unchanged: {@code flink_<logical scope>_<metric>} with the scope variables as labels ({@code
 * job_name}, {@code task_name}, {@code operator_name}, {@code subtask_index}, ...). Counters,
 * gauges and meters (their rate) are gauges, histograms summaries with Flink's quantiles. It holds
 * the metrics Flink registers and reads them on each scrape, so a scrape costs what reading them
 * costs and nothing is computed between scrapes. A gauge that is not a number (a string) is left
 * out.
 */
public final class PrometheusEndpoint implements MetricReporter {

  /** {@code metrics.reporter.<name>.host}: the address to listen on. */
  public static final String HOST = "host";

  /** {@code metrics.reporter.<name>.port}: the port to listen on. */
  public static final String PORT = "port";

  /** Where Prometheus scrapes. */
  public static final String PATH = "/metrics";

  private static final double[] QUANTILES = {0.5, 0.75, 0.95, 0.98, 0.99, 0.999};
  private static final Pattern NOT_ALLOWED = Pattern.compile("[^a-zA-Z0-9:_]");
  private static final CharacterFilter FILTER = text -> NOT_ALLOWED.matcher(text).replaceAll("_");

  /** The reporter's name in Flink's configuration ({@code metrics.reporter.<name>.*}). */
  private static final String REPORTER = "metrics.reporter.prometheus.";

  private final Map<Metric, Series> metrics = new ConcurrentHashMap<>();
  private HttpServer server;

  /** One metric's series name and labels, as Prometheus sees them. */
  private record Series(String name, Map<String, String> labels) {}

  /** Has a cluster configured by {@code flink} serve its metrics on {@code host:port}. */
  public static void addTo(Configuration flink, String host, int port) {
    flink.set(option("factory.class"), PrometheusEndpointFactory.class.getName());
    flink.set(option(HOST), host);
    flink.set(option(PORT), Integer.toString(port));
  }

  private static ConfigOption<String> option(String key) {
    return ConfigOptions.key(REPORTER + key).stringType().noDefaultValue();
  }

  /** The port it listens on (the one the system picked, for port 0). */
  int port() {
    return server.getAddress().getPort();
  }

  /** The address it listens on. */
  InetAddress address() {
    return server.getAddress().getAddress();
  }

  @Override
  public void open(MetricConfig config) {
    String host = config.getString(HOST, "127.0.0.1");
    int port = config.getInteger(PORT, 9249);
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot serve metrics on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    server.createContext("/", this::answer);
    server.start();
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Override
  public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
    String scope;
    try {
      scope = LogicalScopeProvider.castFrom(group).getLogicalScope(FILTER, '_');
    } catch (IllegalStateException noScope) {
      scope = "";
    }
    Map<String, String> labels = new TreeMap<>();
    group
        .getAllVariables()
        .forEach(
            (variable, value) ->
                labels.put(FILTER.filterCharacters(variable.replaceAll("[<>]", "")), value));
    String name =
        "flink_" + (scope.isEmpty() ? "" : scope + "_") + FILTER.filterCharacters(metricName);
    metrics.put(metric, new Series(name, labels));
  }

  @Override
  public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
    metrics.remove(metric);
  }

  /** Every series in Prometheus' text format (version 0.0.4), grouped by name. */
  String scrape() {
    Map<String, List<Map.Entry<Metric, Series>>> families = new TreeMap<>();
    metrics
        .entrySet()
        .forEach(e -> families.computeIfAbsent(e.getValue().name(), n -> new ArrayList<>()).add(e));
    StringBuilder out = new StringBuilder();
    Set<String> written = new HashSet<>();
    for (Map.Entry<String, List<Map.Entry<Metric, Series>>> family : families.entrySet()) {
      StringBuilder samples = new StringBuilder();
      boolean summary = false;
      for (Map.Entry<Metric, Series> entry : family.getValue()) {
        Series series = entry.getValue();
        // Two metrics with one identity (a re-registered operator) would fail the whole scrape.
        if (!written.add(series.name() + series.labels())) {
          continue;
        }
        try {
          summary |= write(samples, entry.getKey(), series);
        } catch (RuntimeException unreadable) {
          // A gauge of a task that is shutting down may throw: the series is left out of this
          // scrape, not the whole scrape.
        }
      }
      if (!samples.isEmpty()) {
        out.append("# TYPE ").append(family.getKey()).append(summary ? " summary\n" : " gauge\n");
        out.append(samples);
      }
    }
    return out.toString();
  }

  /** Appends the samples of {@code metric}; whether it is a summary. */
  private static boolean write(StringBuilder samples, Metric metric, Series series) {
    if (metric instanceof Histogram histogram) {
      HistogramStatistics statistics = histogram.getStatistics();
      for (double quantile : QUANTILES) {
        sample(
            samples,
            series.name(),
            series.labels(),
            "quantile",
            Double.toString(quantile),
            number(statistics.getQuantile(quantile)));
      }
      sample(
          samples,
          series.name() + "_count",
          series.labels(),
          null,
          null,
          Long.toString(histogram.getCount()));
      return true;
    }
    String value = value(metric);
    if (value != null) {
      sample(samples, series.name(), series.labels(), null, null, value);
    }
    return false;
  }

  private static String value(Metric metric) {
    if (metric instanceof Counter counter) {
      return Long.toString(counter.getCount());
    }
    if (metric instanceof Meter meter) {
      return number(meter.getRate());
    }
    if (metric instanceof Gauge<?> gauge) {
      Object value = gauge.getValue();
      if (value instanceof Long
          || value instanceof Integer
          || value instanceof Short
          || value instanceof Byte) {
        return value.toString();
      }
      if (value instanceof Number number) {
        return number(number.doubleValue());
      }
      if (value instanceof Boolean bool) {
        return bool ? "1" : "0";
      }
    }
    return null;
  }

  private static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    return Double.toString(value);
  }

  private static void sample(
      StringBuilder out,
      String name,
      Map<String, String> labels,
      String extraLabel,
      String extraValue,
      String value) {
    out.append(name);
    if (!labels.isEmpty() || extraLabel != null) {
      out.append('{');
      String separator = "";
      for (Map.Entry<String, String> label : labels.entrySet()) {
        out.append(separator)
            .append(label.getKey())
            .append("=\"")
            .append(escape(label.getValue()))
            .append('"');
        separator = ",";
      }
      if (extraLabel != null) {
        out.append(separator).append(extraLabel).append("=\"").append(extraValue).append('"');
      }
      out.append('}');
    }
    out.append(' ').append(value).append('\n');
  }

  /** A label value as the text format wants it: backslash, quote and newline escaped. */
  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals(PATH)) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] body = scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream response = exchange.getResponseBody()) {
        response.write(body);
      }
    }
  }
}
