package dev.vigil.detect.metrics;

import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Flink's way to {@link PrometheusEndpoint}: registered in {@code META-INF/services}, named by
 * {@code metrics.reporter.<name>.factory.class}.
 */
public final class PrometheusEndpointFactory implements MetricReporterFactory {

  @Override
  public MetricReporter createMetricReporter(Properties properties) {
    return new PrometheusEndpoint();
  }
}
