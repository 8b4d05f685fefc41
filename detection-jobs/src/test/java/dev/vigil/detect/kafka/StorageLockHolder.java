package dev.vigil.detect.kafka;

import java.time.Instant;

/**
 * A second process for {@link CheckpointStorageLockTest}: locks the storage its argument names as
 * {@code vigil run} does, says "held" on stdout, and keeps the lock until its stdin ends or it is
 * killed. File locks belong to a process, so only another process shows what a second run sees.
 */
final class StorageLockHolder {

  private StorageLockHolder() {}

  public static void main(String[] args) throws Exception {
    try (CheckpointStorageLock lock =
        CheckpointStorageLock.acquire(
                args[0], ProcessHandle.current().pid(), Instant.parse(args[1]))
            .orElseThrow()) {
      System.out.println("held");
      System.out.flush();
      while (System.in.read() >= 0) {
        // held until the test closes stdin
      }
    }
  }
}
