package dev.vigil.detect.kafka;

import dev.vigil.detect.DetectionJob;
import dev.vigil.detect.JobOptions;
import dev.vigil.detect.RuleSet;
import dev.vigil.detect.config.VigilConfig;
import dev.vigil.ingest.RawRecord;
import dev.vigil.rules.RuleException;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code vigil run --config vigil.yaml}: the detection job, unbounded, from the raw Kafka topics to
 * the Kafka, OpenSearch, pager and file outputs vigil.yaml selects ({@link KafkaJobSinks}), with
 * the same operators as the bounded file run. This class only wires it: source, then {@link
 * DetectionJob} (watermarks per partition after normalization, keyed detection), then the sinks.
 *
 * <p>Two ways to run what it builds, with the same Flink settings ({@link FlinkSettings}): on a
 * MiniCluster inside this JVM ({@link EmbeddedJobRunner}), or through the shaded job jar's entry
 * point ({@code flink run vigil-detection-jobs.jar --config vigil.yaml}), which builds the job on
 * the submitting machine and hands it to the cluster. Either way {@link JobPreflight} checks and
 * prepares what the job needs before it is built.
 */
public final class ContinuousDetection {

  private ContinuousDetection() {}

  /**
   * Wires the job into {@code env}: Kafka source, the detection job over {@code rules} (from {@link
   * JobPreflight#check}), the configured sinks, which size their records by {@code limits} (from
   * {@link JobPreflight#prepare}).
   */
  public static void build(
      StreamExecutionEnvironment env, VigilConfig config, RuleSet rules, OutputRecordLimits limits)
      throws RuleException {
    build(
        env,
        config,
        rules,
        limits,
        KafkaConnectors.rawSource(config.kafka()),
        UnaryOperator.identity());
  }

  /**
   * As {@link #build(StreamExecutionEnvironment, VigilConfig, RuleSet, OutputRecordLimits)}, from
   * {@code source} (all of the topics, or a range of offsets), with {@code afterSource} applied to
   * the raw records before detection (identity, except in tests that inject a failure).
   */
  static void build(
      StreamExecutionEnvironment env,
      VigilConfig config,
      RuleSet rules,
      OutputRecordLimits limits,
      KafkaSource<RawRecord> source,
      UnaryOperator<DataStream<RawRecord>> afterSource)
      throws RuleException {
    JobOptions options =
        JobOptions.builder(rules)
            .setMaxOutOfOrderness(config.watermarks().outOfOrderness())
            .setIdleness(config.watermarks().idleness())
            .setVaultPairMemory(config.watermarks().vaultPairMemory())
            .setSourceHints(SourceHints.of(config.kafka().topics().raw()))
            .setNormalizer(config.normalizer())
            .build();
    // No watermarks at the source: event time exists only after normalization, where the job
    // assigns it per Kafka partition (see PartitionWatermarks).
    DataStream<RawRecord> raw =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "raw-kafka").uid("raw-kafka");
    DetectionJob.build(
        env, afterSource.apply(raw), new KafkaJobSinks(config, rules.pack(), limits), options);
  }
}
