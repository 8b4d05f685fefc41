package dev.vigil.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.dashboards.index.IndexContract;
import dev.vigil.ingest.spi.EventIds;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;

/**
 * Reads a report's input from OpenSearch through the index contract ({@link IndexContract}'s
 * aliases and field names), never through detection internals.
 *
 * <p>Design: alerts are few and each is listed, so they are fetched whole, sorted by {@code time}
 * and {@code alert_id} and paged with {@code search_after} (no scroll context to leak). Events are
 * many and only counted, so they are never fetched: a composite aggregation by source, category,
 * {@code denied} and UTC day pages through every bucket, which is exact where a {@code terms}
 * aggregation's counts may not be. Dead letters are counted the same way, by reason and source
 * guess, and over the whole alias for how many were received outside the period and when the first
 * was (a filter and a min aggregation, both exact). Privileged events are counted by a composite
 * aggregation too, by source, account and the actor's id, name and type, with a filter aggregation
 * per kind and the first and last time, over the events that are of at least one kind and are not a
 * Vault request entry ({@link PrivilegedActorCount}); the period's privileged request entries are
 * then read, a page at a time, and those whose response id is nowhere in the alias are added to the
 * rows and the listed events, as the file reader counts them. An alias that does not exist yet (no
 * document of its kind was ever written) is zero documents, not an error. Every other failure stops
 * the report, also one OpenSearch answers with 200: a closed index behind an alias, or a shard that
 * failed or timed out, would otherwise leave its documents out of counts that look complete. {@code
 * raw} is never requested.
 */
public final class OpenSearchReportSource implements ReportSource {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE = 1000;
  private static final List<String> ALERT_FIELDS =
      List.of(
          "alert_id",
          "time",
          "severity",
          "detection",
          "rule_id",
          "rule_title",
          "rule_version",
          "summary",
          "event_count",
          "event_ids",
          "sources",
          "tags");

  private static final List<String> PRIVILEGED_EVENT_FIELDS =
      List.of(
          "event_id",
          "time",
          "source",
          "category",
          "operation",
          "action",
          "outcome",
          "actor.id",
          "actor.name",
          "actor.type",
          "target.resource",
          "target.account");

  /**
   * No {@code ignore_unavailable}: it would skip a closed index of the alias, and its documents
   * with it, without a word.
   */
  private static final Map<String, String> SEARCH_OPTIONS = Map.of("allow_no_indices", "true");

  private final OpenSearchClient client;
  private final InputDescription description;

  /**
   * @param urls the nodes the client connects to, for the report and its manifest (any credentials
   *     in them are left out)
   */
  public OpenSearchReportSource(OpenSearchClient client, List<URI> urls) {
    this.client = client;
    Map<String, String> aliases = new LinkedHashMap<>();
    aliases.put("alerts", IndexContract.ALERTS_ALIAS);
    aliases.put("events", IndexContract.EVENTS_ALIAS);
    aliases.put("dead_letters", IndexContract.DEAD_LETTERS_ALIAS);
    this.description = InputDescription.openSearch(urls, aliases);
  }

  @Override
  public ReportInput read(ReportPeriod period) throws IOException {
    JsonNode receipts = deadLetterReceipts(period);
    JsonNode first = receipts.path("first").path("value");
    Unanswered unanswered = unansweredRequests(period);
    List<PrivilegedActorCount> actors = new ArrayList<>(privilegedActors(period));
    actors.addAll(unanswered.actors().values());
    return new ReportInput(
        alerts(period),
        events(period),
        deadLetters(period),
        receipts.path("outside").path("doc_count").asLong(0),
        first.isNumber() ? Instant.ofEpochMilli(first.asLong()) : null,
        actors,
        privilegedEvents(period, unanswered.events()));
  }

  @Override
  public InputDescription description() {
    return description;
  }

  private List<AlertEntry> alerts(ReportPeriod period) throws IOException {
    List<AlertEntry> alerts = new ArrayList<>();
    sortedHits(
        IndexContract.ALERTS_ALIAS,
        range("time", period),
        "alert_id",
        ALERT_FIELDS,
        Integer.MAX_VALUE,
        hit -> {
          try {
            alerts.add(AlertEntry.fromJson(hit.path("_source")));
          } catch (IllegalArgumentException e) {
            throw new IOException(
                "alert "
                    + hit.path("_id").asText()
                    + " in "
                    + hit.path("_index").asText()
                    + ": "
                    + e.getMessage());
          }
        });
    return alerts;
  }

  /** What {@link #sortedHits} does with each hit. */
  private interface HitReader {
    void read(JsonNode hit) throws IOException;
  }

  /**
   * Reads the hits of {@code query} in order of time, then {@code idField}, page by page with
   * {@code search_after} (no scroll context to leak), up to {@code limit} of them, only {@code
   * fields} of each.
   */
  private void sortedHits(
      String alias,
      JsonNode query,
      String idField,
      List<String> fields,
      int limit,
      HitReader reader)
      throws IOException {
    int read = 0;
    JsonNode after = null;
    while (read < limit) {
      ObjectNode body = JSON.createObjectNode();
      int size = Math.min(PAGE, limit - read);
      body.put("size", size);
      body.set("query", query);
      ArrayNode sort = body.putArray("sort");
      sort.addObject().put("time", "asc");
      sort.addObject().put(idField, "asc");
      fields.forEach(body.putObject("_source").putArray("includes")::add);
      if (after != null) {
        body.set("search_after", after);
      }
      JsonNode hits = search(alias, body).path("hits").path("hits");
      for (JsonNode hit : hits) {
        reader.read(hit);
      }
      read += hits.size();
      if (hits.size() < size) {
        return;
      }
      after = hits.get(hits.size() - 1).path("sort");
    }
  }

  private List<EventCount> events(ReportPeriod period) throws IOException {
    ArrayNode sources = JSON.createArrayNode();
    terms(sources, "source", "source", false);
    terms(sources, "category", "category", false);
    terms(sources, "denied", "denied", true);
    sources
        .addObject()
        .putObject("day")
        .putObject("date_histogram")
        .put("field", "time")
        .put("calendar_interval", "1d")
        .put("time_zone", "UTC");
    List<EventCount> counts = new ArrayList<>();
    composite(
        IndexContract.EVENTS_ALIAS,
        range("time", period),
        sources,
        bucket -> {
          JsonNode key = bucket.path("key");
          counts.add(
              new EventCount(
                  key.path("source").asText(),
                  key.path("category").asText(),
                  bool(key.path("denied")),
                  LocalDate.ofInstant(
                      Instant.ofEpochMilli(key.path("day").asLong()), ZoneOffset.UTC),
                  bucket.path("doc_count").asLong()));
        });
    return counts;
  }

  private List<DeadLetterCount> deadLetters(ReportPeriod period) throws IOException {
    ArrayNode sources = JSON.createArrayNode();
    terms(sources, "reason", "reason", false);
    terms(sources, "source_guess", "source_guess", true);
    List<DeadLetterCount> counts = new ArrayList<>();
    composite(
        IndexContract.DEAD_LETTERS_ALIAS,
        range("received_at", period),
        sources,
        bucket -> {
          JsonNode key = bucket.path("key");
          counts.add(
              new DeadLetterCount(
                  key.path("reason").asText(),
                  text(key.path("source_guess")),
                  bucket.path("doc_count").asLong()));
        });
    return counts;
  }

  /** The period's privileged events by actor, source and account ({@link PrivilegedActorCount}). */
  private List<PrivilegedActorCount> privilegedActors(ReportPeriod period) throws IOException {
    ObjectNode query = JSON.createObjectNode();
    ObjectNode bool = query.putObject("bool");
    bool.putArray("filter").add(range("time", period)).add(anyOf(rootUse(), policy(), audit()));
    bool.putArray("must_not").add(vaultRequestEntries());
    ArrayNode sources = JSON.createArrayNode();
    terms(sources, "source", "source", false);
    terms(sources, "account", "target.account", true);
    terms(sources, "actor_id", "actor.id", true);
    terms(sources, "actor_name", "actor.name", true);
    terms(sources, "actor_type", "actor.type", true);
    ObjectNode kinds = JSON.createObjectNode();
    kinds.putObject("root").set("filter", rootUse());
    kinds.putObject("policy").set("filter", policy());
    kinds.putObject("audit").set("filter", audit());
    kinds.putObject("first").putObject("min").put("field", "time");
    kinds.putObject("last").putObject("max").put("field", "time");
    List<PrivilegedActorCount> counts = new ArrayList<>();
    composite(
        IndexContract.EVENTS_ALIAS,
        query,
        sources,
        kinds,
        bucket -> {
          JsonNode key = bucket.path("key");
          counts.add(
              new PrivilegedActorCount(
                  key.path("source").asText(),
                  text(key.path("account")),
                  text(key.path("actor_id")),
                  PrivilegedActorCount.names(text(key.path("actor_name"))),
                  text(key.path("actor_type")),
                  bucket.path("doc_count").asLong(),
                  bucket.path("root").path("doc_count").asLong(),
                  bucket.path("policy").path("doc_count").asLong(),
                  bucket.path("audit").path("doc_count").asLong(),
                  Instant.ofEpochMilli(bucket.path("first").path("value").asLong()),
                  Instant.ofEpochMilli(bucket.path("last").path("value").asLong())));
        });
    return counts;
  }

  /**
   * The privileged events privileged-events.csv lists, as {@link PrivilegedEvent#SELECTION} chooses
   * them: root use first, then the others, each by time and id, up to {@link
   * PrivilegedEvent#AT_MOST} (two sorted searches paged with {@code search_after}; {@code raw} is
   * not requested), with the request entries whose response was not seen among them.
   */
  private List<PrivilegedEvent> privilegedEvents(
      ReportPeriod period, Collection<PrivilegedEvent> unanswered) throws IOException {
    List<PrivilegedEvent> events = new ArrayList<>();
    privilegedEvents(period, true, events);
    // They are root use (a request entry's outcome is never SUCCESS), so they go before the others
    // and take their room; ComplianceReport keeps the first AT_MOST of all in selection order.
    events.addAll(unanswered);
    privilegedEvents(period, false, events);
    return events;
  }

  /**
   * The period's privileged Vault request entries whose response entry is nowhere in the index, as
   * rows to add to the actors' ({@link #privilegedActors} leaves every request entry out) and the
   * first {@link PrivilegedEvent#AT_MOST} of them in selection order, marked.
   */
  private record Unanswered(
      Map<PrivilegedActorCount.Key, PrivilegedActorCount> actors,
      TreeSet<PrivilegedEvent> events) {}

  /**
   * Reads the period's privileged request entries page by page (sorted, with {@code search_after})
   * and asks, for each page, which of their response ids are in the whole alias: a response after
   * the period's end means the request counts next period, by its response, so it must not count
   * here too.
   */
  private Unanswered unansweredRequests(ReportPeriod period) throws IOException {
    ObjectNode query = JSON.createObjectNode();
    query
        .putObject("bool")
        .putArray("filter")
        .add(range("time", period))
        .add(vaultRequestEntries())
        .add(anyOf(rootUse(), policy(), audit()));
    Unanswered unanswered =
        new Unanswered(new HashMap<>(), new TreeSet<>(PrivilegedEvent.SELECTION));
    List<JsonNode> page = new ArrayList<>(PAGE);
    List<String> fields = new ArrayList<>(PRIVILEGED_EVENT_FIELDS);
    fields.add("actor.root");
    sortedHits(
        IndexContract.EVENTS_ALIAS,
        query,
        "event_id",
        fields,
        Integer.MAX_VALUE,
        hit -> {
          page.add(hit.path("_source"));
          if (page.size() == PAGE) {
            keepUnanswered(page, unanswered);
            page.clear();
          }
        });
    keepUnanswered(page, unanswered);
    return unanswered;
  }

  /** Adds the request entries of {@code page} whose response is not in the index. */
  private void keepUnanswered(List<JsonNode> page, Unanswered unanswered) throws IOException {
    if (page.isEmpty()) {
      return;
    }
    Set<String> responseIds = new HashSet<>();
    page.forEach(
        event -> responseIds.add(EventIds.vaultResponseId(event.path("event_id").asText())));
    Set<String> answered = vaultEventsAmong(responseIds);
    for (JsonNode event : page) {
      String eventId = event.path("event_id").asText();
      if (answered.contains(EventIds.vaultResponseId(eventId))) {
        continue;
      }
      PrivilegedEvent request =
          privilegedEvent(event, bool(event.path("actor").path("root")), true);
      PrivilegedActorCount count =
          new PrivilegedActorCount(
              request.source(),
              request.account(),
              request.actorId(),
              PrivilegedActorCount.names(request.actorName()),
              request.actorType(),
              1,
              request.rootUse() ? 1 : 0,
              request.policyChange() ? 1 : 0,
              request.auditConfigChange() ? 1 : 0,
              request.time(),
              request.time());
      unanswered.actors().merge(count.key(), count, PrivilegedActorCount::plus);
      unanswered.events().add(request);
      if (unanswered.events().size() > PrivilegedEvent.AT_MOST) {
        unanswered.events().pollLast();
      }
    }
  }

  /**
   * Which of {@code eventIds} are ids of Vault events anywhere in the alias, whatever their time: a
   * terms aggregation as large as the ids asked, so every one found is returned.
   */
  private Set<String> vaultEventsAmong(Set<String> eventIds) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("size", 0);
    body.put("track_total_hits", false);
    ArrayNode filter = body.putObject("query").putObject("bool").putArray("filter");
    filter.addObject().putObject("term").put("source", PrivilegedActorCount.VAULT);
    ArrayNode ids = filter.addObject().putObject("terms").putArray("event_id");
    eventIds.forEach(ids::add);
    body.putObject("aggs")
        .putObject("found")
        .putObject("terms")
        .put("field", "event_id")
        .put("size", eventIds.size());
    Set<String> found = new HashSet<>();
    search(IndexContract.EVENTS_ALIAS, body)
        .path("aggregations")
        .path("found")
        .path("buckets")
        .forEach(bucket -> found.add(bucket.path("key").asText()));
    return found;
  }

  private void privilegedEvents(ReportPeriod period, boolean root, List<PrivilegedEvent> events)
      throws IOException {
    ObjectNode query = JSON.createObjectNode();
    ObjectNode bool = query.putObject("bool");
    ArrayNode filter = bool.putArray("filter").add(range("time", period));
    ArrayNode mustNot = bool.putArray("must_not").add(vaultRequestEntries());
    if (root) {
      filter.add(rootUse());
    } else {
      filter.add(anyOf(policy(), audit()));
      mustNot.add(rootUse());
    }
    sortedHits(
        IndexContract.EVENTS_ALIAS,
        query,
        "event_id",
        PRIVILEGED_EVENT_FIELDS,
        PrivilegedEvent.AT_MOST - events.size(),
        hit -> events.add(privilegedEvent(hit.path("_source"), root, false)));
  }

  /** An event's {@link #PRIVILEGED_EVENT_FIELDS} as privileged-events.csv lists it. */
  private static PrivilegedEvent privilegedEvent(
      JsonNode event, boolean root, boolean responseNotSeen) {
    String category = text(event.path("category"));
    String outcome = text(event.path("outcome"));
    return new PrivilegedEvent(
        event.path("event_id").asText(),
        event.path("time").isNumber()
            ? Instant.ofEpochMilli(event.path("time").asLong())
            : Instant.parse(event.path("time").asText()),
        event.path("source").asText(),
        category,
        text(event.path("target").path("account")),
        text(event.path("actor").path("id")),
        text(event.path("actor").path("name")),
        text(event.path("actor").path("type")),
        text(event.path("operation")),
        text(event.path("action")),
        text(event.path("target").path("resource")),
        outcome,
        root,
        PrivilegedActorCount.isPolicyChange(category, outcome),
        PrivilegedActorCount.isAuditConfigChange(category, outcome),
        responseNotSeen);
  }

  private static ObjectNode rootUse() {
    ObjectNode query = JSON.createObjectNode();
    query.putObject("term").put("actor.root", true);
    return query;
  }

  private static ObjectNode policy() {
    return successIn(PrivilegedActorCount.POLICY_CHANGE);
  }

  private static ObjectNode audit() {
    return successIn(PrivilegedActorCount.AUDIT_CONFIG);
  }

  private static ObjectNode successIn(String category) {
    ObjectNode query = JSON.createObjectNode();
    ArrayNode filter = query.putObject("bool").putArray("filter");
    filter.addObject().putObject("term").put("category", category);
    filter.addObject().putObject("term").put("outcome", PrivilegedActorCount.SUCCESS);
    return query;
  }

  private static ObjectNode anyOf(ObjectNode... queries) {
    ObjectNode query = JSON.createObjectNode();
    ObjectNode bool = query.putObject("bool");
    ArrayNode should = bool.putArray("should");
    for (ObjectNode each : queries) {
      should.add(each);
    }
    bool.put("minimum_should_match", 1);
    return query;
  }

  /** The request entries of Vault requests, as the dashboards' filter names them. */
  private static ObjectNode vaultRequestEntries() {
    ObjectNode query = JSON.createObjectNode();
    ArrayNode filter = query.putObject("bool").putArray("filter");
    filter.addObject().putObject("term").put("source", PrivilegedActorCount.VAULT);
    filter.add(
        anyOf(
            wildcard("*" + EventIds.VAULT_REQUEST_ENTRY),
            wildcard("*" + EventIds.VAULT_KMIP_REQUEST_ENTRY)));
    return query;
  }

  private static ObjectNode wildcard(String pattern) {
    ObjectNode query = JSON.createObjectNode();
    query.putObject("wildcard").put("event_id", pattern);
    return query;
  }

  /**
   * A {@code terms} source of a composite aggregation; with {@code missingBucket}, documents
   * without the field form a bucket of their own (key null) instead of being left out.
   */
  private static void terms(ArrayNode sources, String name, String field, boolean missingBucket) {
    ObjectNode terms = sources.addObject().putObject(name).putObject("terms").put("field", field);
    if (missingBucket) {
      terms.put("missing_bucket", true);
    }
  }

  private static String text(JsonNode value) {
    return value.isMissingNode() || value.isNull() ? null : value.asText();
  }

  /**
   * Over every dead letter of the alias, not only the period's: how many were received outside the
   * period ({@code outside.doc_count}) and the first receipt time ({@code first.value}, epoch
   * milliseconds, null without dead letters).
   */
  private JsonNode deadLetterReceipts(ReportPeriod period) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("size", 0);
    body.put("track_total_hits", false);
    ObjectNode aggs = body.putObject("aggs");
    aggs.putObject("first").putObject("min").put("field", "received_at");
    aggs.putObject("outside")
        .putObject("filter")
        .putObject("bool")
        .putArray("must_not")
        .add(range("received_at", period));
    return search(IndexContract.DEAD_LETTERS_ALIAS, body).path("aggregations");
  }

  /** Every bucket of a composite aggregation, page by page. */
  private void composite(
      String alias, JsonNode query, ArrayNode sources, Consumer<JsonNode> bucketHandler)
      throws IOException {
    composite(alias, query, sources, null, bucketHandler);
  }

  /** Every bucket of a composite aggregation with sub-aggregations ({@code aggs}), page by page. */
  private void composite(
      String alias,
      JsonNode query,
      ArrayNode sources,
      ObjectNode aggs,
      Consumer<JsonNode> bucketHandler)
      throws IOException {
    JsonNode after = null;
    while (true) {
      ObjectNode body = JSON.createObjectNode();
      body.put("size", 0);
      body.put("track_total_hits", false);
      body.set("query", query);
      ObjectNode counted = body.putObject("aggs").putObject("counts");
      ObjectNode composite = counted.putObject("composite").put("size", PAGE);
      composite.set("sources", sources);
      if (aggs != null) {
        counted.set("aggs", aggs);
      }
      if (after != null) {
        composite.set("after", after);
      }
      JsonNode counts = search(alias, body).path("aggregations").path("counts");
      counts.path("buckets").forEach(bucketHandler);
      after = counts.get("after_key");
      if (after == null || counts.path("buckets").size() < PAGE) {
        return;
      }
    }
  }

  private static ObjectNode range(String field, ReportPeriod period) {
    ObjectNode query = JSON.createObjectNode();
    query
        .putObject("range")
        .putObject(field)
        .put("gte", period.from().toString())
        .put("lt", period.to().toString())
        .put("format", "strict_date_optional_time");
    return query;
  }

  private JsonNode search(String alias, ObjectNode body) throws IOException {
    try (Response response =
        client
            .generic()
            .execute(
                Requests.builder()
                    .method("POST")
                    .endpoint("/" + alias + "/_search")
                    .query(SEARCH_OPTIONS)
                    .json(JSON.writeValueAsString(body))
                    .build())) {
      String text = response.getBody().map(Body::bodyAsString).orElse("");
      if (response.getStatus() == 404 && reason(text).startsWith(NO_SUCH_INDEX)) {
        return JSON.createObjectNode();
      }
      if (response.getStatus() >= 300) {
        throw new IOException(
            "searching " + alias + " failed (HTTP " + response.getStatus() + "): " + reason(text));
      }
      JsonNode result = JSON.readTree(text);
      requireComplete(alias, result);
      return result;
    }
  }

  private static final String NO_SUCH_INDEX = "index_not_found_exception:";

  /**
   * A search that OpenSearch answered from some shards only (others failed or the search timed out)
   * is refused: a report made of it would count less than the index holds and not know it.
   */
  private static void requireComplete(String alias, JsonNode result) throws IOException {
    JsonNode shards = result.path("_shards");
    long failed = shards.path("failed").asLong(0);
    if (failed > 0) {
      JsonNode failure = shards.path("failures").path(0);
      throw new IOException(
          "searching "
              + alias
              + " failed on "
              + failed
              + " of "
              + shards.path("total").asLong()
              + " shards, so the report would leave out their documents: index "
              + failure.path("index").asText("?")
              + ": "
              + failure.path("reason").path("type").asText("error")
              + ": "
              + failure.path("reason").path("reason").asText(""));
    }
    if (result.path("timed_out").asBoolean(false)) {
      throw new IOException(
          "searching " + alias + " timed out, so the report would leave out documents");
    }
  }

  /** OpenSearch's error type and reason; they name indices and fields, not document content. */
  private static String reason(String body) {
    try {
      JsonNode error = JSON.readTree(body).path("error");
      JsonNode cause = error.path("root_cause").path(0);
      JsonNode source = cause.isMissingNode() ? error : cause;
      return source.path("type").asText("error") + ": " + source.path("reason").asText("");
    } catch (IOException e) {
      return "the response is not JSON";
    }
  }

  /** A composite key of a boolean field: true or false, 1 or 0, or missing (false). */
  private static boolean bool(JsonNode value) {
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    if (value.isNumber()) {
      return value.asLong() != 0;
    }
    return "true".equals(value.asText());
  }
}
