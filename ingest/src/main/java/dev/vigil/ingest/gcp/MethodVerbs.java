package dev.vigil.ingest.gcp;

import java.util.List;

/**
 * The normalized verb of a GCP method name, for operations the mapping table gives no action.
 *
 * <p>Design: GCP spells one verb many ways: gRPC style {@code CreateServiceAccount}, REST style
 * {@code v1.compute.instances.insert}, camel case {@code setIamPolicy}, Kubernetes verbs {@code
 * io.k8s.apps.v1.deployments.patch}. The verb is a prefix of the method's last dotted segment that
 * ends at a word boundary (end of segment, an upper-case letter or a digit), so {@code
 * setIamPolicy} is {@code set} but {@code settle} would not be. Plain character comparisons, no
 * regex: this runs once per distinct method and the result is cached with the mapping.
 */
final class MethodVerbs {

  private record Verb(String prefix, String action) {}

  /** Longest prefixes first where one is the start of another (aggregatedList before add...). */
  private static final List<Verb> VERBS =
      List.of(
          new Verb("deletecollection", "delete"),
          new Verb("aggregatedList", "list"),
          new Verb("batchGet", "read"),
          new Verb("undelete", "update"),
          new Verb("get", "read"),
          new Verb("read", "read"),
          new Verb("access", "read"),
          new Verb("lookup", "read"),
          new Verb("check", "read"),
          new Verb("test", "read"),
          new Verb("fetch", "read"),
          new Verb("describe", "read"),
          new Verb("view", "read"),
          new Verb("query", "read"),
          new Verb("export", "read"),
          new Verb("download", "read"),
          new Verb("list", "list"),
          new Verb("search", "list"),
          new Verb("watch", "list"),
          new Verb("create", "create"),
          new Verb("insert", "create"),
          new Verb("add", "create"),
          new Verb("upload", "create"),
          new Verb("import", "create"),
          new Verb("copy", "create"),
          new Verb("clone", "create"),
          new Verb("update", "update"),
          new Verb("patch", "update"),
          new Verb("set", "update"),
          new Verb("modify", "update"),
          new Verb("replace", "update"),
          new Verb("edit", "update"),
          new Verb("rename", "update"),
          new Verb("move", "update"),
          new Verb("change", "update"),
          new Verb("put", "update"),
          new Verb("resize", "update"),
          new Verb("attach", "update"),
          new Verb("detach", "update"),
          new Verb("rotate", "update"),
          new Verb("delete", "delete"),
          new Verb("remove", "delete"),
          new Verb("destroy", "delete"),
          new Verb("purge", "delete"),
          new Verb("drop", "delete"),
          new Verb("enable", "enable"),
          new Verb("disable", "disable"),
          // Power and state changes, as AWS's StartInstances, StopInstances, RebootInstances.
          new Verb("start", "enable"),
          new Verb("resume", "enable"),
          new Verb("stop", "disable"),
          new Verb("suspend", "disable"),
          new Verb("reset", "update"),
          new Verb("login", "login"),
          new Verb("logout", "logout"),
          new Verb("encrypt", "encrypt"),
          new Verb("decrypt", "decrypt"),
          new Verb("sign", "sign"),
          new Verb("issue", "issue"),
          new Verb("revoke", "revoke"),
          new Verb("renew", "renew"));

  private MethodVerbs() {}

  /** The verb of a method name, or {@code other} when it starts with none of the known verbs. */
  static String actionOf(String methodName) {
    int start = methodName.lastIndexOf('.') + 1;
    for (Verb verb : VERBS) {
      String prefix = verb.prefix();
      int end = start + prefix.length();
      if (methodName.regionMatches(true, start, prefix, 0, prefix.length())
          && (end == methodName.length() || isWordStart(methodName.charAt(end)))) {
        return verb.action();
      }
    }
    return "other";
  }

  private static boolean isWordStart(char c) {
    return Character.isUpperCase(c) || Character.isDigit(c);
  }
}
