package dev.vigil.stack;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;

/**
 * The unprivileged account OpenSearch runs as when the stack runs as root (OpenSearch refuses to
 * start as root). Created with {@code useradd --system} when missing: no home, no login shell.
 */
record SystemUser(String name, int uid, int gid) {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  /** useradd's exit code when the user exists: another process created it meanwhile. */
  private static final int USERADD_USER_EXISTS = 9;

  static boolean runningAsRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      // No /proc or no unix attribute view: not Linux, where OpenSearch's root check and the
      // user switch apply; start it as the current user and let OpenSearch judge.
      return false;
    }
  }

  /** The system user {@code name}, created when missing. */
  static SystemUser ensure(String name) {
    if (!lookup(name, "-u").succeeded()) {
      Path useradd =
          Commands.find("useradd")
              .orElseThrow(
                  () ->
                      new StackException(
                          "OpenSearch refuses to run as root and the user "
                              + name
                              + " does not exist; `useradd` is missing to create it. Create the"
                              + " user yourself or run the stack as an unprivileged user."));
      Commands.Result created =
          Commands.run(
              List.of(
                  useradd.toString(),
                  "--system",
                  "--user-group",
                  "--no-create-home",
                  "--home-dir",
                  "/nonexistent",
                  "--shell",
                  "/usr/sbin/nologin",
                  name),
              COMMAND_TIMEOUT);
      if (!created.succeeded() && created.exitCode() != USERADD_USER_EXISTS) {
        throw new StackException("cannot create the user " + name + ": " + created.output());
      }
    }
    Commands.Result uid = lookup(name, "-u");
    Commands.Result gid = lookup(name, "-g");
    if (!uid.succeeded() || !gid.succeeded()) {
      throw new StackException("cannot look up the user " + name + ": " + uid.output());
    }
    return new SystemUser(name, Integer.parseInt(uid.output()), Integer.parseInt(gid.output()));
  }

  private static Commands.Result lookup(String name, String option) {
    return Commands.run(List.of("id", option, name), COMMAND_TIMEOUT);
  }

  /** Makes this user the owner of {@code dir} and everything below it. */
  void own(Path dir) {
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path path, BasicFileAttributes attributes)
                throws IOException {
              chown(path);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path path, BasicFileAttributes attributes)
                throws IOException {
              chown(path);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw StackException.io("cannot give " + dir + " to " + name, e);
    }
  }

  private void chown(Path path) throws IOException {
    Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Fails when this user cannot reach {@code dir}: every directory above it must be searchable by
   * other users, or OpenSearch dies on its first file access with a less helpful message.
   */
  void requireReachable(Path dir) {
    for (Path ancestor = dir.getParent(); ancestor != null; ancestor = ancestor.getParent()) {
      try {
        if (!Files.getPosixFilePermissions(ancestor).contains(PosixFilePermission.OTHERS_EXECUTE)) {
          throw new StackException(
              "OpenSearch runs as the user "
                  + name
                  + ", which cannot reach "
                  + dir
                  + " because "
                  + ancestor
                  + " is not searchable by other users. Use a state directory under a"
                  + " path others can traverse, or `chmod o+x "
                  + ancestor
                  + "`.");
        }
      } catch (IOException e) {
        throw StackException.io("cannot read the permissions of " + ancestor, e);
      }
    }
  }
}
