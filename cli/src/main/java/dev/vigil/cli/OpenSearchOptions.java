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
 * The connection flags every OpenSearch command shares ({@code vigil report}, {@code vigil
 * retention apply}, {@code vigil dashboards install}), and {@code --config}, the configuration file
 * whose {@code opensearch:} section they may start from. The flags are turned into the {@code
 * opensearch:} section vigil.yaml would hold, laid over the file's when one is given, and read by
 * {@link OpenSearchConfig#read}, so flags and configuration file are validated by the same rules
 * (https for basic auth, no credentials in URLs), and every command combines them the same way. The
 * password is never a flag: argv is visible to every user of the machine ({@code ps}) and lands in
 * shell histories.
 */
final class OpenSearchOptions {

  /** Where the password is read from unless {@code --password-file} is given. */
  static final String PASSWORD_ENV = "VIGIL_OPENSEARCH_PASSWORD";

  /** Where {@code vigil stack up} runs OpenSearch. */
  private static final String LOCAL_STACK = "http://127.0.0.1:9200";

  private static final String URL_FLAG = "--opensearch";

  /** The keys of a section that say how to log in, which another service of the cluster shares. */
  private static final List<String> LOGIN_KEYS =
      List.of(
          "username",
          "password_env",
          "password_file",
          "tls",
          "connect_timeout",
          "response_timeout");

  private static final ObjectMapper JSON = new ObjectMapper();

  // How OpenSearchConfig words the rules between keys that flags can break.
  private static final String PLAIN_HTTP_BASIC_AUTH = "basic auth over plain http";
  private static final String PASSWORD_WITHOUT_USER = "a password needs a username";
  private static final String TLS_OVER_HTTP = "tls is configured but the urls are http";

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Read OpenSearch from the opensearch: section of this file (the vigil.yaml of vigil run),"
              + " its retention_file and index settings included; each flag given here wins over"
              + " the key it sets.")
  String configFile;

  @Option(
      names = URL_FLAG,
      paramLabel = "URL",
      split = ",",
      description =
          "OpenSearch node URL(s), comma-separated (default: "
              + LOCAL_STACK
              + ", the local stack, or the --config file's).")
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

  /** The {@code --config} file as read by {@link #cluster}, or null without one. */
  private ConfigFile file;

  /**
   * The keys of the section that flags (and the command's own options) set, by {@link #cluster}.
   */
  private ObjectNode byFlags = JSON.createObjectNode();

  /** The section {@link #cluster} read, flags and file combined, for {@link #sameLoginFor}. */
  private ObjectNode clusterSection;

  /**
   * A configuration file given with {@code --config}, only its document read.
   *
   * @param typed the file as the user typed it, which messages name
   */
  private record ConfigFile(String typed, Path path, YamlDocument document) {}

  /** True when the cluster comes from {@code --config}, with or without flags. */
  boolean configGiven() {
    return configFile != null;
  }

  /**
   * The cluster's configuration: the {@code opensearch:} section of the {@code --config} file, when
   * given, with each flag given here, and each key {@code more} adds (index settings,
   * retention_file), in place of the file's: the flags win, and a flag that sets one key of a
   * mapping ({@code --ca-pem}, {@code --shards}) keeps the file's others. Without the file, the
   * flags alone, and the local stack unless {@code --opensearch} is given. Only that section of the
   * file is read (a host that makes reports need not hold the job's rules), by its owner as {@code
   * vigil run} reads it: a mistake in the file names its file, line and key, relative paths are the
   * file's, and a flag's mistake names the flag. {@code --user} replaces the file's user with its
   * password source.
   */
  OpenSearchConfig cluster(CliEnvironment env, Consumer<ObjectNode> more) {
    byFlags = JSON.createObjectNode();
    if (urls != null) {
      ArrayNode list = byFlags.putArray("urls");
      urls.forEach(list::add);
    }
    loginAndTrust(env, byFlags);
    more.accept(byFlags);
    if (configFile == null) {
      clusterSection = byFlags.deepCopy();
      if (!clusterSection.has("urls")) {
        clusterSection.putArray("urls").add(LOCAL_STACK);
      }
      return read(env, clusterSection, URL_FLAG);
    }
    file = readFile(env);
    JsonNode fromFile = file.document().root().path("opensearch");
    if (!fromFile.isObject()) {
      throw new CommandFailedException(
          configFile + ": no opensearch: section, which names the cluster to read");
    }
    clusterSection = ((ObjectNode) fromFile).deepCopy();
    if (byFlags.has("urls")) {
      clusterSection.remove("url");
    }
    if (byFlags.has("username")) {
      clusterSection.remove(List.of("password_env", "password_file"));
    }
    if (byFlags.has("password_file")) {
      clusterSection.remove("password_env");
    }
    overlay(clusterSection, byFlags);
    return read(env, clusterSection, byFlags.has("urls") ? URL_FLAG : null);
  }

  private ConfigFile readFile(CliEnvironment env) {
    Path path = env.resolve(configFile);
    try {
      return new ConfigFile(configFile, path, VigilConfigLoader.document(path, configFile));
    } catch (InvalidConfigException e) {
      throw new CommandFailedException(e.getMessage());
    }
  }

  /** Sets every key of {@code flags} in {@code section}, key by key inside mappings both have. */
  private static void overlay(ObjectNode section, ObjectNode flags) {
    flags
        .fields()
        .forEachRemaining(
            field -> {
              JsonNode mine = section.get(field.getKey());
              if (mine instanceof ObjectNode mapping && field.getValue().isObject()) {
                overlay(mapping, (ObjectNode) field.getValue());
              } else {
                section.set(field.getKey(), field.getValue().deepCopy());
              }
            });
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

  /**
   * The same credentials and trust as {@link #cluster}'s, flags and file alike, for another service
   * of it, e.g. OpenSearch Dashboards at {@code url}, given by {@code --dashboards}.
   */
  OpenSearchConfig sameLoginFor(CliEnvironment env, String url) {
    ObjectNode section = JSON.createObjectNode();
    section.putArray("urls").add(url);
    for (String key : LOGIN_KEYS) {
      if (clusterSection.has(key)) {
        section.set(key, clusterSection.get(key).deepCopy());
      }
    }
    return read(env, section, "--dashboards");
  }

  /**
   * Reads a section made here, in the {@code --config} file's place when one is given.
   *
   * @param urlFlag the flag the section's URLs came from, or null when from the file
   */
  private OpenSearchConfig read(CliEnvironment env, ObjectNode section, String urlFlag) {
    try {
      if (file == null) {
        return OpenSearchConfig.fromTree(section);
      }
      ObjectNode root = ((ObjectNode) file.document().root()).deepCopy();
      root.set("opensearch", section);
      YamlDocument document = file.document();
      return OpenSearchConfig.read(
          ConfigMapping.root(
                  file.typed(),
                  new YamlDocument(root, document.lines(), document.line()),
                  file.path().toAbsolutePath().getParent())
              .section("opensearch"));
    } catch (IllegalArgumentException e) {
      throw new CommandFailedException(mistake(env, e, urlFlag));
    }
  }

  /**
   * One line for a mistake of the section: a key a flag set is named by the flag ({@link #asFlag}),
   * one of the {@code --config} file by the file, line and key, as {@code vigil run} names it, also
   * when it is found only when connecting (a password variable not set, a CA file missing).
   *
   * @param urlFlag the flag the URLs came from, or null when from the file
   */
  private String mistake(CliEnvironment env, IllegalArgumentException e, String urlFlag) {
    if (file == null || !(e instanceof InvalidConfigException invalid)) {
      return asTyped(env, asFlag(e, urlFlag == null ? URL_FLAG : urlFlag));
    }
    String key = invalid.key();
    if (key.equals("opensearch")) {
      // A rule between keys (the user, its password, the URLs, the trust), named by the flag
      // that broke it when one did.
      String problem = invalid.problem();
      boolean plainHttp = problem.startsWith(PLAIN_HTTP_BASIC_AUTH);
      if (byFlags.has("username") && plainHttp) {
        return urlFlag != null
            ? asFlag(e, urlFlag)
            : "--user: basic auth over plain http would send the password in clear; the"
                + " opensearch: section of "
                + file.typed()
                + " gives http URLs; give https URLs to --opensearch";
      }
      if (byFlags.has("password_file") && problem.startsWith(PASSWORD_WITHOUT_USER)) {
        return asFlag(e, URL_FLAG);
      }
      if (urlFlag != null && (plainHttp || problem.startsWith(TLS_OVER_HTTP))) {
        return urlFlag + ": " + problem;
      }
    } else if (key.equals("opensearch.urls") ? urlFlag != null : setByFlag(key)) {
      return asTyped(env, asFlag(e, urlFlag));
    }
    if (invalid.file() != null) {
      return invalid.getMessage();
    }
    // Found when connecting, after the file was read: located by its key, as vigil run does.
    String pointer = "/" + key.replace("~", "~0").replace("/", "~1").replace('.', '/');
    return InvalidConfigException.message(
        file.typed(), file.document().lineOf(pointer), key, invalid.problem());
  }

  /**
   * Whether a flag (or the command's own option) set {@code key}, {@code opensearch.tls.ca_pem}.
   */
  private boolean setByFlag(String key) {
    if (!key.startsWith("opensearch.")) {
      return false;
    }
    JsonNode node = byFlags;
    for (String name : key.substring("opensearch.".length()).split("\\.")) {
      node = node.path(name);
    }
    return !node.isMissingNode();
  }

  /**
   * A message naming the files of {@code --password-file} and {@code --ca-pem} as the user typed
   * them: they are resolved against the working directory before they are read.
   */
  private String asTyped(CliEnvironment env, String message) {
    String typed = message;
    for (String flagFile : new String[] {passwordFile, caPem}) {
      if (flagFile != null) {
        typed = typed.replace(env.resolve(flagFile).toString(), flagFile);
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
    if (key.equals("opensearch") && problem.startsWith(PLAIN_HTTP_BASIC_AUTH)) {
      return "--user: basic auth over plain http would send the password in clear; give https"
          + " URLs to "
          + urlFlag;
    }
    if (key.equals("opensearch") && problem.startsWith(PASSWORD_WITHOUT_USER)) {
      return "--password-file: a password needs a user; give it with --user";
    }
    String flag = key.equals("opensearch.urls") ? urlFlag : FLAGS.get(key);
    return flag == null ? invalid.getMessage() : flag + ": " + problem;
  }

  /**
   * Opens a connection to {@code config}, made by {@link #cluster} or {@link #sameLoginFor}; a
   * password or CA file that cannot be read is the user's to fix, and named by its flag and as
   * typed, or by its key in the {@code --config} file.
   */
  OpenSearchConnection open(CliEnvironment env, OpenSearchConfig config) {
    try {
      return OpenSearchConnection.open(config, env.environment()::get);
    } catch (IllegalArgumentException e) {
      // What is read only now is a password or trust file, never a URL.
      throw new CommandFailedException(mistake(env, e, URL_FLAG));
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
