package dev.vigil.rules.detect;

import dev.vigil.ingest.spi.NearNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The modifiers of one field key ({@code field|base64offset|contains}), checked for combinations
 * that make sense. A record of what they ask for, or an error naming the offending modifier.
 */
record Modifiers(
    Kind kind,
    List<String> transforms,
    String encoding,
    boolean wrapBefore,
    boolean wrapAfter,
    boolean all,
    boolean cased,
    boolean neq,
    boolean exists,
    String compareOperator,
    Set<String> regexFlags,
    String error) {

  enum Kind {
    TEXT,
    REGEX,
    CIDR,
    COMPARE,
    FIELDREF,
    EXISTS
  }

  /** Every modifier {@link #parse} knows but the flags of {@code |re}: the names to suggest. */
  static final List<String> NAMES =
      List.of(
          "contains",
          "startswith",
          "endswith",
          "all",
          "cased",
          "neq",
          "expand",
          "windash",
          "base64",
          "base64offset",
          "wide",
          "utf16le",
          "utf16be",
          "utf16",
          "re",
          "cidr",
          "lt",
          "lte",
          "gt",
          "gte",
          "fieldref",
          "exists");

  static Modifiers parse(List<String> modifiers) {
    Kind kind = Kind.TEXT;
    List<String> transforms = new ArrayList<>();
    String encoding = "utf8";
    boolean before = false;
    boolean after = false;
    boolean all = false;
    boolean cased = false;
    boolean neq = false;
    String operator = null;
    Set<String> flags = new java.util.LinkedHashSet<>();
    for (String modifier : modifiers) {
      switch (modifier) {
        case "contains", "startswith", "endswith" -> {
          if (before || after) {
            return error("only one of contains, startswith, endswith may be used");
          }
          before = !modifier.equals("startswith");
          after = !modifier.equals("endswith");
        }
        case "all" -> all = true;
        case "cased" -> cased = true;
        case "neq" -> neq = true;
        case "expand", "windash", "base64", "base64offset" -> {
          if (before || after) {
            return error("'" + modifier + "' must come before contains/startswith/endswith");
          }
          transforms.add(modifier);
        }
        case "wide", "utf16le", "utf16be", "utf16" -> {
          if (!encoding.equals("utf8")) {
            return error(
                "'"
                    + encoding
                    + "' and '"
                    + modifier
                    + "' are two encodings; use one of wide, utf16le, utf16be, utf16");
          }
          if (transforms.contains("base64") || transforms.contains("base64offset")) {
            // Sigma applies modifiers left to right: the text is encoded (UTF-16), then the
            // encoded bytes in base64. Read otherwise, a rule would match what it does not say.
            return error(
                "'"
                    + modifier
                    + "' must come before base64 or base64offset (the text is encoded first,"
                    + " then in base64): write |"
                    + String.join("|", encodingFirst(modifiers, modifier)));
          }
          encoding = modifier;
        }
        case "re", "cidr", "lt", "lte", "gt", "gte", "fieldref", "exists" -> {
          if (kind != Kind.TEXT) {
            return error("'" + modifier + "' cannot be combined with another comparison modifier");
          }
          kind =
              switch (modifier) {
                case "re" -> Kind.REGEX;
                case "cidr" -> Kind.CIDR;
                case "fieldref" -> Kind.FIELDREF;
                case "exists" -> Kind.EXISTS;
                default -> Kind.COMPARE;
              };
          if (kind == Kind.COMPARE) {
            operator = modifier;
          }
        }
        case "i", "m", "s" -> {
          if (kind != Kind.REGEX) {
            return error("'" + modifier + "' is a flag of '|re' and must follow it");
          }
          flags.add(modifier);
        }
        default -> {
          if (SearchCompiler.UNSUPPORTED_MODIFIERS.contains(modifier)) {
            return error(
                "the modifier '" + modifier + "' is not supported by Vigil (see docs/rules.md)");
          }
          return error(
              "unknown modifier '" + modifier + "'" + NearNames.suggestion(modifier, NAMES));
        }
      }
    }
    if (!encoding.equals("utf8")
        && !(transforms.contains("base64") || transforms.contains("base64offset"))) {
      return error("'" + encoding + "' only applies before base64 or base64offset");
    }
    if (kind != Kind.TEXT && kind != Kind.FIELDREF && (before || after)) {
      return error(
          "contains/startswith/endswith cannot be combined with '"
              + kindName(kind, operator)
              + "'");
    }
    if (kind != Kind.TEXT && !transforms.isEmpty()) {
      return error(
          "'" + transforms.get(0) + "' cannot be combined with '" + kindName(kind, operator) + "'");
    }
    if (kind == Kind.EXISTS && (all || neq || cased)) {
      return error("'exists' takes no other modifier");
    }
    return new Modifiers(
        kind,
        List.copyOf(transforms),
        encoding,
        before,
        after,
        all,
        cased,
        neq,
        kind == Kind.EXISTS,
        operator,
        Set.copyOf(flags),
        null);
  }

  /** The modifiers with {@code encoding} moved just before the first base64 modifier. */
  private static List<String> encodingFirst(List<String> modifiers, String encoding) {
    List<String> reordered = new ArrayList<>(modifiers);
    reordered.remove(encoding);
    int base64 = 0;
    while (!reordered.get(base64).startsWith("base64")) {
      base64++;
    }
    reordered.add(base64, encoding);
    return reordered;
  }

  private static String kindName(Kind kind, String operator) {
    return kind == Kind.COMPARE ? operator : kind.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static Modifiers error(String message) {
    return new Modifiers(
        Kind.TEXT, List.of(), "utf8", false, false, false, false, false, false, null, Set.of(),
        message);
  }
}
