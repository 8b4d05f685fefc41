package dev.vigil.detect;

import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.PackagedProgramUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/**
 * What {@code flink run} does with a job jar, in a JVM whose class path holds Flink only (started
 * by {@link JobJarITCase}): builds the job graph by running the jar's main class in a user-code
 * class loader, and runs it on a cluster that loads the job's classes from the uploaded jar. Uses
 * Flink APIs only, so it loads nothing of Vigil from its own class path.
 *
 * <p>Arguments: the job jar, then the job's own arguments. Exits 0 when the job finished.
 */
public final class JobJarLauncher {

  private JobJarLauncher() {}

  public static void main(String[] args) throws Exception {
    Configuration configuration = new Configuration();
    configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
    configuration.set(RestOptions.BIND_PORT, "0");
    PackagedProgram program =
        PackagedProgram.newBuilder()
            .setJarFile(new File(args[0]))
            .setConfiguration(configuration)
            .setArguments(List.of(args).subList(1, args.length).toArray(String[]::new))
            .build();
    JobGraph graph = PackagedProgramUtils.createJobGraph(program, configuration, 2, false);
    MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(configuration)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(2)
                .build());
    int status = 1;
    try {
      cluster.start();
      JobID job = cluster.submitJob(graph).get(60, TimeUnit.SECONDS).getJobID();
      JobResult result = cluster.requestJobResult(job).get(150, TimeUnit.SECONDS);
      if (result.getSerializedThrowable().isPresent()) {
        result
            .getSerializedThrowable()
            .get()
            .deserializeError(JobJarLauncher.class.getClassLoader())
            .printStackTrace();
      } else {
        status = 0;
      }
    } finally {
      cluster.closeAsync().get(60, TimeUnit.SECONDS);
      program.close();
    }
    System.exit(status);
  }
}
