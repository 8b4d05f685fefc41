package dev.vigil.ingest.cloudtrail;

import static dev.vigil.ingest.cloudtrail.CloudTrailActors.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.ingest.spi.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks {@code target.resource}: the most specific identifier of what a call touched, in this order
 * (first present wins):
 *
 * <ol>
 *   <li>the request fields the operation table names for the operation ({@code target} of its rule
 *       in {@code cloudtrail.yaml}, e.g. the flow log ids of {@code DeleteFlowLogs}): dotted paths
 *       into {@code requestParameters} whose arrays fan out (comma-joined) and whose EC2-style
 *       {@code {"content": ..., "tag": ...}} members read as their content;
 *   <li>Secrets Manager: {@code secretId}; for {@code BatchGetSecretValue} the {@code secretIdList}
 *       (comma-joined) or, when the batch selects by {@code filters}, {@code
 *       filter:key=value|value} pairs, since CloudTrail does not say which secrets a filter
 *       returned;
 *   <li>SSM Parameter Store: {@code name}, the {@code names} list (comma-joined) or {@code path};
 *   <li>the ARN in {@code resources} (data events, AssumeRole, KMS): the first one, except that an
 *       S3 object wins over its bucket, since the object is what an object-level call touched
 *       (CloudTrail lists bucket and object in either order), and of several objects (CopyObject
 *       lists source and destination) the one the request's {@code bucketName}/{@code key} names;
 *   <li>IAM: the principal changed, as the resource part of its ARN ({@code role/Name}, {@code
 *       user/Name}, {@code group/Name}), else {@code policyArn}, else {@code policy/Name};
 *   <li>S3: {@code bucketName}, with {@code /key} for an object;
 *   <li>common identifiers in {@code requestParameters} ({@code keyId}, {@code functionName},
 *       {@code trailName}, {@code name}, instance, snapshot, image, DB identifiers, ...);
 *   <li>the eventSource itself.
 * </ol>
 *
 * Lists are capped at {@value #MAX_LISTED} entries (then {@code ,…+N}) so one record cannot make a
 * huge field. Only identifiers are read: policy documents and parameter values are never copied.
 */
final class CloudTrailTargets {

  static final int MAX_LISTED = 20;

  private static final List<String> COMMON_IDENTIFIERS =
      List.of(
          "keyId",
          "functionName",
          "trailName",
          "name",
          "dBInstanceIdentifier",
          "dBClusterIdentifier",
          "dBSnapshotIdentifier",
          "dBClusterSnapshotIdentifier",
          "instanceId",
          "snapshotId",
          "imageId",
          "groupId",
          "repositoryName",
          "detectorId",
          "logGroupName",
          "queueUrl",
          "topicArn",
          "clusterName",
          "stackName",
          "roleArn",
          "target");

  private static final String S3_OBJECT = "AWS::S3::Object";

  /**
   * S3 ARNs carry neither region nor account ({@code arn:<partition>:s3:::bucket/key}), so the
   * request's bucket and key name exactly one of them in any partition.
   */
  private static final String S3_ARN_SERVICE_PART = ":s3:::";

  /** What AWS itself writes in place of a sensitive request parameter. */
  private static final String HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS";

  private CloudTrailTargets() {}

  /**
   * @param service the eventSource without {@code .amazonaws.com}, or null
   * @param targetPaths the request fields the operation table names, most specific first
   * @param selfCredentialOwner the caller's id when the operation creates a credential for the
   *     caller itself (flag {@code root_credential} without a {@code userName}), else null
   */
  static String resource(
      String service,
      String eventSource,
      JsonNode requestParameters,
      JsonNode resources,
      List<String> targetPaths,
      String selfCredentialOwner) {
    JsonNode request =
        requestParameters != null && requestParameters.isObject() ? requestParameters : null;
    if (selfCredentialOwner != null) {
      return selfCredentialOwner;
    }
    String found = null;
    if (request != null) {
      for (String path : targetPaths) {
        found = atPath(request, path);
        if (found != null) {
          return found;
        }
      }
    }
    if (request != null && "secretsmanager".equals(service)) {
      found = secret(request);
    } else if (request != null && "ssm".equals(service)) {
      found = CloudTrailActors.first(text(request, "name"), joined(request.get("names")));
      found = CloudTrailActors.first(found, text(request, "path"));
    }
    if (found == null) {
      found = resourceArn(resources, request);
    }
    if (found == null && request != null) {
      found = "iam".equals(service) ? iam(request) : null;
      if (found == null) {
        found = bucket(request);
      }
      if (found == null) {
        found = common(request);
      }
    }
    return found != null ? found : eventSource;
  }

  private static String secret(JsonNode request) {
    String id = text(request, "secretId");
    if (id != null) {
      return id;
    }
    String list = joined(request.get("secretIdList"));
    if (list != null) {
      return list;
    }
    JsonNode filters = request.get("filters");
    if (filters == null || !filters.isArray() || filters.isEmpty()) {
      return null;
    }
    StringBuilder out = new StringBuilder("filter:");
    int listed = 0;
    for (JsonNode filter : filters) {
      if (listed == MAX_LISTED) {
        out.append(",…+").append(filters.size() - listed);
        break;
      }
      String key = text(filter, "key");
      String values = joinedWith(filter.get("values"), '|');
      if (listed > 0) {
        out.append(',');
      }
      out.append(key == null ? "?" : key).append('=').append(values == null ? "" : values);
      listed++;
    }
    return out.toString();
  }

  private static String resourceArn(JsonNode resources, JsonNode request) {
    if (resources == null || !resources.isArray() || resources.isEmpty()) {
      return null;
    }
    String requested = request != null ? bucket(request) : null;
    String requestedSuffix = requested != null ? S3_ARN_SERVICE_PART + requested : null;
    String firstObject = null;
    for (JsonNode resource : resources) {
      String arn = arn(resource);
      if (arn == null || !S3_OBJECT.equals(text(resource, "type"))) {
        continue;
      }
      if (requestedSuffix != null && arn.endsWith(requestedSuffix)) {
        return arn;
      }
      if (firstObject == null) {
        firstObject = arn;
      }
    }
    return firstObject != null ? firstObject : arn(resources.get(0));
  }

  private static String arn(JsonNode resource) {
    return CloudTrailActors.first(text(resource, "ARN"), text(resource, "arn"));
  }

  private static String iam(JsonNode request) {
    String role = text(request, "roleName");
    if (role != null) {
      return "role/" + role;
    }
    String user = text(request, "userName");
    if (user != null) {
      return "user/" + user;
    }
    String group = text(request, "groupName");
    if (group != null) {
      return "group/" + group;
    }
    String policyArn = text(request, "policyArn");
    if (policyArn != null) {
      return policyArn;
    }
    String policy = text(request, "policyName");
    return policy != null ? "policy/" + policy : null;
  }

  private static String bucket(JsonNode request) {
    String bucket = text(request, "bucketName");
    if (bucket == null) {
      return null;
    }
    String key = text(request, "key");
    return key == null ? bucket : bucket + "/" + key;
  }

  private static String common(JsonNode request) {
    for (String key : COMMON_IDENTIFIERS) {
      String value = text(request, key);
      if (value != null && !value.equals(HIDDEN)) {
        return value;
      }
    }
    String instanceIds = joined(request.get("instanceIds"));
    if (instanceIds != null) {
      return instanceIds;
    }
    JsonNode instances = request.path("instancesSet").path("items");
    if (instances.isArray() && !instances.isEmpty()) {
      return text(instances.get(0), "instanceId");
    }
    return null;
  }

  /**
   * The values at a dotted path of the request, comma-joined (capped at {@link #MAX_LISTED}); null
   * when there are none. Arrays on the way fan out; an EC2-style {@code {"content": "fl-1", "tag":
   * 1}} object reads as its content; AWS's placeholder for hidden values is skipped.
   */
  static String atPath(JsonNode request, String path) {
    Found found = new Found();
    collect(request, path.split("\\."), 0, found);
    if (found.values.isEmpty()) {
      return null;
    }
    String listed = String.join(",", found.values);
    return found.count > MAX_LISTED ? listed + ",…+" + (found.count - MAX_LISTED) : listed;
  }

  /** The first {@link #MAX_LISTED} values found and how many there were in all. */
  private static final class Found {
    final List<String> values = new ArrayList<>();
    int count;
  }

  private static void collect(JsonNode node, String[] path, int depth, Found found) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return;
    }
    if (node.isArray()) {
      for (JsonNode member : node) {
        collect(member, path, depth, found);
      }
      return;
    }
    if (depth == path.length) {
      String text = Json.scalarText(node.isObject() ? node.get("content") : node);
      if (text != null && !text.equals(HIDDEN)) {
        if (found.count < MAX_LISTED) {
          found.values.add(text);
        }
        found.count++;
      }
      return;
    }
    if (node.isObject()) {
      collect(node.get(path[depth]), path, depth + 1, found);
    }
  }

  private static String joined(JsonNode array) {
    return joinedWith(array, ',');
  }

  /** The array's scalar members joined, capped at {@link #MAX_LISTED}; null when none. */
  private static String joinedWith(JsonNode array, char separator) {
    if (array == null || !array.isArray()) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    int listed = 0;
    for (JsonNode member : array) {
      String value = Json.scalarText(member);
      if (value == null) {
        continue;
      }
      if (listed == MAX_LISTED) {
        out.append(separator).append("…+").append(array.size() - listed);
        break;
      }
      if (listed > 0) {
        out.append(separator);
      }
      out.append(value);
      listed++;
    }
    return listed == 0 ? null : out.toString();
  }
}
