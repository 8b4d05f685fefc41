package dev.vigil.detect.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.junit.jupiter.api.Test;

/** The series a scrape gets, named as Flink's Prometheus reporter names them, over real HTTP. */
class PrometheusEndpointTest {

  /** An operator's group: its logical scope and variables, as Flink's own groups give them. */
  private static final class OperatorGroup extends UnregisteredMetricsGroup
      implements LogicalScopeProvider {
    private final Map<String, String> variables;

    OperatorGroup(Map<String, String> variables) {
      this.variables = variables;
    }

    @Override
    public Map<String, String> getAllVariables() {
      return variables;
    }

    @Override
    public String getLogicalScope(CharacterFilter filter) {
      return getLogicalScope(filter, '.');
    }

    @Override
    public String getLogicalScope(CharacterFilter filter, char delimiter) {
      return String.join(String.valueOf(delimiter), "taskmanager", "job", "task", "operator");
    }

    @Override
    public MetricGroup getWrappedMetricGroup() {
      return this;
    }
  }

  @Test
  void servesCountersGaugesMetersAndHistogramsOnTheLoopbackInterface() throws Exception {
    PrometheusEndpoint endpoint = new PrometheusEndpoint();
    MetricConfig config = new MetricConfig();
    config.setProperty(PrometheusEndpoint.PORT, "0");
    endpoint.open(config);
    try {
      MetricGroup normalize =
          new OperatorGroup(
              Map.of(
                  "<job_name>",
                  "vigil \"prod\"",
                  "<operator_name>",
                  "normalize",
                  "<subtask_index>",
                  "0"));
      SimpleCounter recordsIn = new SimpleCounter();
      recordsIn.inc(42);
      endpoint.notifyOfAddedMetric(recordsIn, "recordsIn", normalize);
      endpoint.notifyOfAddedMetric((Gauge<Double>) () -> 0.25, "ratio", normalize);
      endpoint.notifyOfAddedMetric((Gauge<String>) () -> "text", "description", normalize);
      endpoint.notifyOfAddedMetric(new MeterView(recordsIn), "recordsInPerSecond", normalize);
      DescriptiveStatisticsHistogram latency = new DescriptiveStatisticsHistogram(10);
      latency.update(100);
      latency.update(300);
      endpoint.notifyOfAddedMetric(latency, "eventToAlertLatencyMs", normalize);
      SimpleCounter gone = new SimpleCounter();
      endpoint.notifyOfAddedMetric(gone, "source.VAULT.eventsOut", normalize);
      endpoint.notifyOfRemovedMetric(gone, "source.VAULT.eventsOut", normalize);

      HttpResponse<String> scrape =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("Content-Type"))
          .hasValue("text/plain; version=0.0.4; charset=utf-8");
      String labels =
          "job_name=\"vigil \\\"prod\\\"\",operator_name=\"normalize\",subtask_index=\"0\"";
      String prefix = "flink_taskmanager_job_task_operator_";
      assertThat(scrape.body())
          .contains(
              "# TYPE " + prefix + "recordsIn gauge\n" + prefix + "recordsIn{" + labels + "} 42\n",
              prefix + "ratio{" + labels + "} 0.25\n",
              prefix + "recordsInPerSecond{" + labels + "} 0.0\n",
              "# TYPE " + prefix + "eventToAlertLatencyMs summary\n",
              prefix + "eventToAlertLatencyMs{" + labels + ",quantile=\"0.5\"} 200.0\n",
              prefix + "eventToAlertLatencyMs_count{" + labels + "} 2\n")
          .doesNotContain("description", "source_VAULT");
      HttpResponse<Void> elsewhere =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/"))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      assertThat(elsewhere.statusCode()).isEqualTo(404);
      assertThat(endpoint.address()).isEqualTo(InetAddress.getByName("127.0.0.1"));
    } finally {
      endpoint.close();
    }
  }
}
