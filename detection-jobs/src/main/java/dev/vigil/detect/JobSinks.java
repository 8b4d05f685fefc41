package dev.vigil.detect;

/**
 * Where a deployment of the job writes its outputs: files for a bounded run, Kafka topics for a
 * streaming one. Implementations attach sinks (and may ignore an output they do not keep).
 */
@FunctionalInterface
public interface JobSinks {

  void attach(JobStreams streams);
}
