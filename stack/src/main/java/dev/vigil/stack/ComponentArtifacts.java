package dev.vigil.stack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the components' files are: the build resolves them with Maven (the Kafka broker's runtime
 * jars, the OpenSearch distribution zip) and records their paths in resources of this module, so
 * nothing is downloaded at run time and the broker runs on Kafka's own classpath rather than on
 * whatever classpath the caller has.
 */
record ComponentArtifacts(List<Path> kafkaClasspath, Path openSearchZip, String openSearchVersion) {

  // Two files because Maven's scopes split the broker's set: the jars Vigil's own code also uses
  // (kafka-clients, its compression libraries) resolve at compile/runtime scope, the rest at
  // provided scope. See stack/pom.xml.
  private static final List<String> KAFKA_CLASSPATH_RESOURCES =
      List.of("kafka-broker-runtime.classpath", "kafka-broker-provided.classpath");
  private static final String OPENSEARCH_ZIP_RESOURCE = "opensearch-distribution.path";
  private static final Pattern OPENSEARCH_ZIP_NAME = Pattern.compile("opensearch-(.+)\\.zip");

  static ComponentArtifacts fromBuild() {
    List<Path> kafkaClasspath = new ArrayList<>();
    for (String resource : KAFKA_CLASSPATH_RESOURCES) {
      for (String entry : readResource(resource).split(java.io.File.pathSeparator)) {
        if (!entry.isBlank()) {
          kafkaClasspath.add(requireFile(Path.of(entry.strip()), "a Kafka broker jar"));
        }
      }
    }
    Path zip = requireFile(Path.of(readResource(OPENSEARCH_ZIP_RESOURCE).strip()), "OpenSearch");
    Matcher version = OPENSEARCH_ZIP_NAME.matcher(zip.getFileName().toString());
    if (!version.matches()) {
      throw new StackException("unexpected OpenSearch distribution file name: " + zip);
    }
    return new ComponentArtifacts(List.copyOf(kafkaClasspath), zip, version.group(1));
  }

  String kafkaClasspathString() {
    return String.join(
        java.io.File.pathSeparator, kafkaClasspath.stream().map(Path::toString).toList());
  }

  private static String readResource(String name) {
    try (InputStream in = ComponentArtifacts.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new StackException(
            "vigil-stack was built without its component list ("
                + name
                + "); rebuild it with ./mvnw package");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw StackException.io("cannot read resource " + name, e);
    }
  }

  private static Path requireFile(Path path, String what) {
    if (!Files.isRegularFile(path)) {
      throw new StackException(
          what
              + " is not where the build recorded it ("
              + path
              + "); the local Maven repository changed since. Rebuild with ./mvnw package.");
    }
    return path;
  }
}
