package dev.vigil.detect.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.stack.OpenSearchEndpoint;
import dev.vigil.stack.junit.RealOpenSearch;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;

/** What {@code vigil run} says of the existing indices its templates give new fields. */
@RealOpenSearch
class IndexSetupITCase {

  @Test
  void namesEachExistingIndexGivenNewFieldsOnceOnly(OpenSearchEndpoint openSearch)
      throws IOException {
    OpenSearchConfig config = OpenSearchConfig.local(openSearch.url());
    String index = "vigil-alerts-2031.07";
    try (OpenSearchConnection connection = OpenSearchConnection.open(config)) {
      OpenSearchClient client = connection.client();
      // An index made before this build's alerts template: a template of higher priority for its
      // name alone leaves it without Vigil's fields, as an older build's template would have.
      send(
          client,
          "PUT",
          "/_index_template/setup-it-bare",
          "{\"index_patterns\":[\"" + index + "\"],\"priority\":1000,\"template\":{}}");
      send(client, "PUT", "/" + index, "{}");
      send(client, "DELETE", "/_index_template/setup-it-bare", null);
    }

    assertThat(
            IndexSetup.extendedIndexLines(
                IndexSetup.prepare(config, true, Map.<String, String>of()::get)))
        .contains(
            "added the new fields of index template vigil-alerts to the existing index " + index);
    assertThat(
            IndexSetup.extendedIndexLines(
                IndexSetup.prepare(config, true, Map.<String, String>of()::get)))
        .as("nothing to add the second time")
        .isEmpty();
  }

  private static void send(OpenSearchClient client, String method, String path, String body)
      throws IOException {
    var request = Requests.builder().method(method).endpoint(path);
    if (body != null) {
      request.json(body);
    }
    try (Response response = client.generic().execute(request.build())) {
      assertThat(response.getStatus()).as(method + " " + path).isLessThan(300);
    }
  }
}
