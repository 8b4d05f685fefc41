package dev.vigil.detect;

import java.net.URI;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/**
 * The Flink MiniCluster every Vigil command that runs the job inside its own JVM starts ({@code
 * vigil run}, {@code detect}, {@code rules backtest}, {@code demo}): one TaskManager, and every
 * listener on the loopback interface only.
 *
 * <p>Design: Flink binds its listeners to every interface unless told otherwise, and its REST API
 * reads the job's configuration and exceptions and cancels jobs without authentication. An embedded
 * cluster serves only this process and whoever is logged in on the machine, so each bind host is
 * 127.0.0.1: the REST API ({@code rest.bind-address}, and {@code rest.address} so the address the
 * cluster reports is the one it listens on), the blob server ({@code jobmanager.bind-host}), and
 * the RPC and shuffle servers Flink opens when components talk over the network ({@code
 * jobmanager.bind-host}, {@code taskmanager.bind-host}; with one TaskManager and shared RPC, the
 * MiniCluster keeps those in memory, but the setting holds if that changes). A job jar submitted
 * with {@code flink run} runs on the cluster's own configuration and is not affected.
 */
public final class EmbeddedFlink {

  /** Where every listener of the embedded cluster binds. */
  public static final String LOOPBACK = "127.0.0.1";

  /** {@link #cluster}'s {@code restPort} for a free port the system picks. */
  public static final int ANY_FREE_PORT = 0;

  private static final long REST_ADDRESS_WAIT_SECONDS = 10;

  private EmbeddedFlink() {}

  /**
   * {@code job} with the embedded cluster's listener settings: all on {@link #LOOPBACK}, the REST
   * API on {@code restPort} ({@link #ANY_FREE_PORT}: a Flink or another run may hold the default
   * 8081).
   */
  public static Configuration loopbackOnly(Configuration job, int restPort) {
    Configuration cluster = new Configuration(job);
    cluster.set(RestOptions.BIND_ADDRESS, LOOPBACK);
    cluster.set(RestOptions.ADDRESS, LOOPBACK);
    cluster.set(RestOptions.BIND_PORT, Integer.toString(restPort));
    cluster.set(JobManagerOptions.BIND_HOST, LOOPBACK);
    cluster.set(JobManagerOptions.ADDRESS, LOOPBACK);
    cluster.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
    cluster.set(TaskManagerOptions.HOST, LOOPBACK);
    return cluster;
  }

  /**
   * A MiniCluster, not yet started, running jobs configured by {@code job} in {@code slots} task
   * slots, listening on the loopback interface only ({@link #loopbackOnly}).
   */
  public static MiniCluster cluster(Configuration job, int slots, int restPort) {
    return new MiniCluster(
        new MiniClusterConfiguration.Builder()
            .setConfiguration(loopbackOnly(job, restPort))
            .setNumTaskManagers(1)
            .setNumSlotsPerTaskManager(slots)
            .build());
  }

  /**
   * The REST API of a started cluster, {@code http://127.0.0.1:<port>/}: the address it listens on,
   * as the cluster reports it.
   *
   * @throws IllegalStateException when the cluster does not report it (not started, or failed)
   */
  public static URI restAddress(MiniCluster cluster) throws InterruptedException {
    try {
      return cluster.getRestAddress().get(REST_ADDRESS_WAIT_SECONDS, TimeUnit.SECONDS).resolve("/");
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the embedded Flink cluster reports no REST address", e);
    }
  }
}
