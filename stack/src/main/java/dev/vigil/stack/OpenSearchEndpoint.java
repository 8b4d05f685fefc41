package dev.vigil.stack;

import java.net.URI;

/**
 * Where a running OpenSearch node of the local stack answers: plain HTTP, no credentials.
 *
 * @param url the base URL, e.g. {@code http://127.0.0.1:9200}
 */
public record OpenSearchEndpoint(URI url) {}
