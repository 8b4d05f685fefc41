package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.detect.config.VigilConfigLoader;
import dev.vigil.ingest.io.IoProblems;
import dev.vigil.ingest.yaml.ConfigMapping;
import dev.vigil.ingest.yaml.InvalidConfigException;
import dev.vigil.ingest.yaml.YamlDocument;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.opensearch.client.opensearch._types.OpenSearchException;
import picocli.CommandLine.Option;

/**
 * The connection flags every OpenSearch command shares. They are turned into the {@code
 * opensearch:} section vigil.yaml would hold and read by {@link OpenSearchConfig#fromTree}, so
 * flags and configuration file are validated by the same rules (https for basic auth, no
 * credentials in URLs). The password is never a flag: argv is visible to every user of the machine
 * ({@code ps}) and lands in shell histories.
 */
final class OpenSearchOptions {

  /** Where the password is read from unless {@code --password-file} is given. */
  static final String PASSWORD_ENV = "VIGIL_OPENSEARCH_PASSWORD";

  /** Where {@code vigil stack up} runs OpenSearch. */
  private static final String LOCAL_STACK = "http://127.0.0.1:9200";

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--opensearch",
      paramLabel = "URL",
      split = ",",
      description =
          "OpenSearch node URL(s), comma-separated (default: "
              + LOCAL_STACK
              + ", the local stack).")
  List<String> urls;

  @Option(
      names = "--user",
      paramLabel = "NAME",
      description =
          "Basic-auth user (https only); the password comes from $"
              + PASSWORD_ENV
              + " or --password-file.")
  String user;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "File holding the password of --user (surrounding whitespace is ignored).")
  String passwordFile;

  @Option(
      names = "--ca-pem",
      paramLabel = "FILE",
      description = "PEM file of the CA certificate(s) to trust (default: the JVM's trust store).")
  String caPem;

  /** The cluster's configuration; {@code more} adds keys of the section (index, retention_file). */
  OpenSearchConfig cluster(CliEnvironment env, Consumer<ObjectNode> more) {
    return config(env, urls == null ? List.of(LOCAL_STACK) : urls, "--opensearch", more);
  }

  /**
   * The cluster's configuration as the {@code opensearch:} section of a configuration file (the
   * vigil.yaml of {@code vigil run}) says, with each flag given here, and each key {@code more}
   * adds, in place of the file's: the flags win. Only that section is read (a host that makes
   * reports need not hold the job's rules), by its owner as {@code vigil run} reads it: a mistake
   * in the file names its file, line and key, relative paths are the file's, and a flag's mistake
   * names the flag. {@code --user} replaces the file's user with its password source.
   *
   * @param typed the file as the user typed it
   */
  OpenSearchConfig clusterFromFile(CliEnvironment env, String typed, Consumer<ObjectNode> more) {
    Path file = env.resolve(typed);
    YamlDocument document;
    try {
      document = VigilConfigLoader.document(file, typed);
    } catch (InvalidConfigException e) {
      throw new CommandFailedException(e.getMessage());
    }
    JsonNode fromFile = document.root().path("opensearch");
    if (!fromFile.isObject()) {
      throw new CommandFailedException(
          typed + ": no opensearch: section, which names the cluster to read");
    }
    ObjectNode flags = JSON.createObjectNode();
    if (urls != null) {
      ArrayNode list = flags.putArray("urls");
      urls.forEach(list::add);
    }
    loginAndTrust(env, flags);
    more.accept(flags);
    ObjectNode section = ((ObjectNode) fromFile).deepCopy();
    if (flags.has("urls")) {
      section.remove("url");
    }
    if (flags.has("username")) {
      section.remove(List.of("password_env", "password_file"));
    }
    if (flags.has("password_file")) {
      section.remove("password_env");
    }
    if (flags.has("tls")) {
      JsonNode tls = section.path("tls");
      ObjectNode mergedTls = tls.isObject() ? ((ObjectNode) tls).deepCopy() : flags.objectNode();
      mergedTls.setAll((ObjectNode) flags.get("tls"));
      flags.set("tls", mergedTls);
    }
    section.setAll(flags);
    ObjectNode root = ((ObjectNode) document.root()).deepCopy();
    root.set("opensearch", section);
    try {
      return OpenSearchConfig.read(
          ConfigMapping.root(
                  typed,
                  new YamlDocument(root, document.lines(), document.line()),
                  file.toAbsolutePath().getParent())
              .section("opensearch"));
    } catch (InvalidConfigException e) {
      boolean byFlag =
          e.key().startsWith("opensearch.")
              && flags.has(e.key().substring("opensearch.".length()).split("\\.")[0]);
      throw new CommandFailedException(
          byFlag ? asTyped(env, asFlag(e, "--opensearch")) : e.getMessage());
    }
  }

  /** The user, password source and CA of the flags given, as keys of an opensearch: section. */
  private void loginAndTrust(CliEnvironment env, ObjectNode section) {
    if (user != null) {
      section.put("username", user);
    }
    if (passwordFile != null) {
      section.put("password_file", env.resolve(passwordFile).toString());
    } else if (user != null) {
      section.put("password_env", PASSWORD_ENV);
    }
    if (caPem != null) {
      section.putObject("tls").put("ca_pem", env.resolve(caPem).toString());
    }
  }

  /** The same credentials and trust for another service, e.g. OpenSearch Dashboards. */
  OpenSearchConfig sameLoginFor(CliEnvironment env, String url) {
    return config(env, List.of(url), "--dashboards", section -> {});
  }

  private OpenSearchConfig config(
      CliEnvironment env, List<String> serviceUrls, String urlFlag, Consumer<ObjectNode> more) {
    ObjectNode section = JSON.createObjectNode();
    ArrayNode list = section.putArray("urls");
    serviceUrls.forEach(list::add);
    loginAndTrust(env, section);
    more.accept(section);
    try {
      return OpenSearchConfig.fromTree(section);
    } catch (IllegalArgumentException e) {
      throw new CommandFailedException(asTyped(env, asFlag(e, urlFlag)));
    }
  }

  /**
   * A message naming the files of {@code --password-file} and {@code --ca-pem} as the user typed
   * them: they are resolved against the working directory before they are read.
   */
  private String asTyped(CliEnvironment env, String message) {
    String typed = message;
    for (String file : new String[] {passwordFile, caPem}) {
      if (file != null) {
        typed = typed.replace(env.resolve(file).toString(), file);
      }
    }
    return typed;
  }

  /** The keys of the {@code opensearch:} section that flags of the commands fill in. */
  private static final Map<String, String> FLAGS =
      Map.of(
          "opensearch.username", "--user",
          "opensearch.password_file", "--password-file",
          "opensearch.tls.ca_pem", "--ca-pem",
          "opensearch.index.shards", "--shards",
          "opensearch.index.replicas", "--replicas",
          "opensearch.retention_file", "--retention-file");

  /**
   * The message of a mistake {@link OpenSearchConfig} or {@link OpenSearchConnection} found, which
   * names a key of a configuration file's {@code opensearch:} section, with the key replaced by the
   * flag the user gave here instead; {@code urlFlag} is the flag the URLs came from. A key no flag
   * fills in, or an exception that names no key, is left as it is.
   */
  static String asFlag(IllegalArgumentException e, String urlFlag) {
    if (!(e instanceof InvalidConfigException invalid)) {
      return e.getMessage();
    }
    String key = invalid.key();
    String problem = invalid.problem();
    // Mistakes whose advice names keys (password_env, password_file, "use https urls") are
    // reworded whole to name the flags and the variable instead.
    if (key.equals("opensearch.password_env")) {
      return "--user: the password is read from $"
          + PASSWORD_ENV
          + ", which is not set or empty; set it, or give --password-file";
    }
    if (key.equals("opensearch.urls") && problem.startsWith("put credentials in ")) {
      return urlFlag
          + ": credentials (user:password@) do not go in the URL; give the user with"
          + " --user and the password in $"
          + PASSWORD_ENV
          + " or --password-file";
    }
    if (key.equals("opensearch") && problem.startsWith("basic auth over plain http")) {
      return "--user: basic auth over plain http would send the password in clear; give https"
          + " URLs to "
          + urlFlag;
    }
    String flag = key.equals("opensearch.urls") ? urlFlag : FLAGS.get(key);
    return flag == null ? invalid.getMessage() : flag + ": " + problem;
  }

  /**
   * Opens a connection to {@code config}, made from these flags; a password or CA file that cannot
   * be read is the user's to fix, and named by its flag and as typed.
   */
  OpenSearchConnection open(CliEnvironment env, OpenSearchConfig config) {
    try {
      return OpenSearchConnection.open(config, env.environment()::get);
    } catch (IllegalArgumentException e) {
      throw new CommandFailedException(asTyped(env, asFlag(e, "--opensearch")));
    }
  }

  /**
   * One line for a failed call: unreachable, refused (401/403, a bad request), or failed on the
   * server. OpenSearch's messages carry index names and error types, not credentials.
   */
  static CommandFailedException failure(OpenSearchConfig config, String doing, Exception e) {
    String reason;
    if (e instanceof OpenSearchException refused) {
      reason = "HTTP " + refused.status() + ", " + refused.getMessage();
    } else {
      reason = IoProblems.innermost(e);
    }
    return new CommandFailedException(
        doing + " failed on OpenSearch at " + String.join(",", urlTexts(config)) + ": " + reason);
  }

  private static List<String> urlTexts(OpenSearchConfig config) {
    return config.urls().stream().map(Object::toString).toList();
  }
}
