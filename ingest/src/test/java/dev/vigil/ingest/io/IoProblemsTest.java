package dev.vigil.ingest.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IoProblemsTest {

  @TempDir Path dir;

  static Stream<Arguments> wordsOfEachType() {
    return Stream.of(
        Arguments.of(new NoSuchFileException("/x"), "no such file or directory"),
        Arguments.of(new AccessDeniedException("/x"), "permission denied"),
        Arguments.of(new FileAlreadyExistsException("/nowhere/x"), "already exists"),
        Arguments.of(new DirectoryNotEmptyException("/x"), "directory is not empty"),
        Arguments.of(new NotDirectoryException("/x"), "not a directory"),
        Arguments.of(
            new FileSystemException("/x", null, "No space left on device"),
            "no space left on device"),
        Arguments.of(
            new FileSystemException("/x", null, "Read-only file system"), "read-only file system"),
        Arguments.of(new IOException("Is a directory"), "is a directory"),
        Arguments.of(new MalformedInputException(1), "not UTF-8 text"),
        Arguments.of(new EOFException(), "ends too early (cut off?)"),
        Arguments.of(new ConnectException("Connection refused"), "connection refused"),
        Arguments.of(new ConnectException(), "connection refused"),
        Arguments.of(new NoRouteToHostException("No route to host"), "no route to host"),
        Arguments.of(new UnknownHostException("kafka.internal"), "name does not resolve"),
        Arguments.of(new UnresolvedAddressException(), "name does not resolve"),
        Arguments.of(new SocketTimeoutException("Read timed out"), "timed out"),
        Arguments.of(new HttpConnectTimeoutException("HTTP connect timed out"), "timed out"),
        Arguments.of(new TimeoutException(), "timed out"),
        Arguments.of(
            new SSLHandshakeException("PKIX path building failed: sun.security...Exception"),
            "the TLS handshake failed"),
        Arguments.of(new IOException(), "an I/O error without a reason"),
        Arguments.of(new IllegalStateException(), "failed without a reason"));
  }

  @ParameterizedTest
  @MethodSource("wordsOfEachType")
  void eachTypeHasItsWordsAndNoClassName(Throwable error, String words) {
    assertThat(IoProblems.reason(error)).isEqualTo(words).doesNotContain("Exception");
  }

  @Test
  void aProgramThatCannotBeStartedGetsTheSystemsWordsOnly() {
    IOException missing =
        assertThrows(
            IOException.class,
            () -> new ProcessBuilder(dir.resolve("no-such-program").toString()).start());
    IOException inDirectory =
        new IOException(
            "Cannot run program \"/opt/x\" (in directory \"/tmp\"): error=13, Permission denied");

    assertThat(IoProblems.reason(missing)).isEqualTo("no such file or directory");
    assertThat(IoProblems.reason(inDirectory)).isEqualTo("permission denied");
  }

  @Test
  void anUntrustedCertificateSaysSo() {
    SSLHandshakeException handshake = new SSLHandshakeException("PKIX path building failed");
    handshake.initCause(new CertificateException("unable to find valid certification path"));

    assertThat(IoProblems.reason(handshake))
        .isEqualTo("the server's TLS certificate is not trusted (give the CA that signed it)");
  }

  @Test
  void describeNamesTheFilesOrTheHost() {
    assertThat(IoProblems.describe(new NoSuchFileException("/etc/vigil.yaml")))
        .isEqualTo("no such file or directory: /etc/vigil.yaml");
    assertThat(IoProblems.describe(new AccessDeniedException("/a", "/b", null)))
        .isEqualTo("permission denied: /a (to /b)");
    assertThat(IoProblems.describe(new UnknownHostException("kafka.internal")))
        .isEqualTo("name does not resolve: kafka.internal");
    assertThat(
            IoProblems.describe(
                new UnknownHostException("kafka.internal: Name or service not known")))
        .isEqualTo("name does not resolve: kafka.internal");
    assertThat(IoProblems.describe(new UncheckedIOException(new NotDirectoryException("/f"))))
        .isEqualTo("not a directory: /f");
  }

  @Test
  void aFileInTheWayOfADirectoryIsCalledAFile() throws IOException {
    Path blocker = Files.writeString(dir.resolve("savepoints"), "");

    assertThat(IoProblems.describe(new FileAlreadyExistsException(blocker.toString())))
        .isEqualTo("already exists as a file: " + blocker);
  }

  @Test
  void readProblemSaysADirectoryIsOne() {
    assertThat(IoProblems.readProblem(dir, new IOException("Is a directory")))
        .isEqualTo("is a directory, not a file");
    assertThat(IoProblems.readProblem(dir.resolve("gone"), new NoSuchFileException("gone")))
        .isEqualTo("no such file or directory");
  }

  @Test
  void innermostSkipsWrappersThatOnlyRepeatTheirCause() {
    Throwable flink =
        new RuntimeException(
            "Could not stop with a savepoint job",
            new ExecutionException(
                new UncheckedIOException(new FileAlreadyExistsException("/state/savepoints"))));

    assertThat(IoProblems.innermost(flink)).isEqualTo("already exists: /state/savepoints");
  }

  @Test
  void innermostFallsBackToTheWrapperWhenTheCauseSaysNothing() {
    Throwable wrapped = new IllegalStateException("the sink stopped", new NullPointerException());

    assertThat(IoProblems.innermost(wrapped)).isEqualTo("the sink stopped");
    assertThat(IoProblems.innermost(null)).isEqualTo("no cause was reported");
  }

  @Test
  void messagesBecomeOneLineWithoutLeadingClassNames() {
    Throwable error =
        new IOException("java.io.IOException: java.net.SocketException: Connection reset\nmore");

    assertThat(IoProblems.reason(error)).isEqualTo("connection reset more");
    assertThat(
            IoProblems.reason(
                new IOException("Could not parse certificate: java.io.IOException: Empty input")))
        .isEqualTo("could not parse certificate: Empty input");
    assertThat(IoProblems.reason(new IOException("TLS record overflow"))).startsWith("TLS");
    assertThat(IoProblems.reason(new IOException("OpenSearch said no"))).startsWith("OpenSearch");
  }
}
