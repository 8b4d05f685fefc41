#!/usr/bin/env python3
"""Writes the demo story under samples/ (deterministic; re-run after editing the story).

Usage: python3 tools/generate-samples.py

The story, 2026-11-20 UTC, across the four sources, mixed with ordinary traffic:
  10:02  a stolen Vault CI token probes denied paths (denied-access spike)
  10:06  the same token reads 60 distinct secrets (mass secret reads)
  10:20  a Vault root token rewrites an ACL policy (root token use + policy change)
  10:30  AWS: a break-glass role session, then secret reads and a policy attach (break-glass)
  10:40  AWS: the account root user signs in and creates an access key (root use)
  11:00  Azure: a service principal hammers Key Vault with refused SecretGets (denied spike),
         then a user adds an Owner role assignment (policy change)
  11:15  GCP: SetIamPolicy on the project (policy change), a service account refused on
         AccessSecretVersion (denied spike), the audit log sink deleted (audit config)
Plus two broken records, so the demo shows dead letters too.
"""
import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

rnd = random.Random(20261120)
HERE = Path(__file__).resolve().parent.parent / "samples"
DAY = datetime(2026, 11, 20, tzinfo=timezone.utc)


def at(hh, mm, ss=0.0):
    return DAY + timedelta(hours=hh, minutes=mm, seconds=ss)


def hmac():
    return "hmac-sha256:" + "".join(rnd.choice("0123456789abcdef") for _ in range(64))


def uuid():
    h = "".join(rnd.choice("0123456789abcdef") for _ in range(32))
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def iso_ns(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond:06d}{rnd.randint(0, 999):03d}Z"


# ---------------------------------------------------------------- Vault
VAULT_IDENTITIES = {
    "payments": dict(display_name="approle", entity_id="4f7c1e52-0b7a-4a43-9d43-1f3c6a0e8b11",
                     policies=["default", "payments-read"], metadata={"role_name": "payments-api"},
                     ip="10.20.1.15"),
    "ci": dict(display_name="token-ci-runner", entity_id="9a1d2c3b-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
               policies=["default", "ci-deploy"], metadata=None, ip="203.0.113.77"),
    "root": dict(display_name="root", entity_id="", policies=["root"], metadata=None,
                 ip="10.20.0.5"),
    "alice": dict(display_name="oidc-alice@example.com", entity_id="2b3c4d5e-6f70-4812-93a4-b5c6d7e8f901",
                  policies=["default", "sre"], metadata={"email": "alice@example.com", "role": "sre"},
                  ip="198.51.100.23"),
}
ACCESSORS = {k: hmac() for k in VAULT_IDENTITIES}
TOKENS = {k: hmac() for k in VAULT_IDENTITIES}


def vault_pair(who, t, operation, path, mount_type, denied=False, response_data=None):
    ident = VAULT_IDENTITIES[who]
    auth = {
        "client_token": TOKENS[who], "accessor": ACCESSORS[who],
        "display_name": ident["display_name"], "policies": ident["policies"],
        "token_policies": ident["policies"], "metadata": ident["metadata"],
        "entity_id": ident["entity_id"], "token_type": "service",
    }
    rid = uuid()
    request = {"id": rid, "operation": operation, "mount_type": mount_type,
               "client_token": TOKENS[who], "client_token_accessor": ACCESSORS[who],
               "namespace": {"id": "root"}, "path": path, "remote_address": ident["ip"]}
    if operation in ("create", "update"):
        request["data"] = {"policy": hmac()}
    req = {"time": iso_ns(t), "type": "request", "auth": auth, "request": request}
    resp = {"time": iso_ns(t + timedelta(milliseconds=3)), "type": "response", "auth": auth,
            "request": request, "response": {"mount_type": mount_type}}
    if denied:
        req["error"] = "permission denied"
        resp["error"] = "1 error occurred:\n\t* permission denied\n\n"
    elif response_data is not None:
        resp["response"]["data"] = response_data
    return [req, resp]


vault = []
# Ordinary traffic: payments-api reads its one database secret all morning (many reads, one secret).
for minute in range(0, 120, 3):
    vault += vault_pair("payments", at(9, 0) + timedelta(minutes=minute, seconds=rnd.random() * 50),
                        "read", "secret/data/payments/db", "kv",
                        response_data={"data": {"password": hmac(), "username": hmac()}})
for minute in (5, 35, 65, 95):
    vault += vault_pair("alice", at(9, 0) + timedelta(minutes=minute, seconds=12), "list",
                        "secret/metadata/team-sre/", "kv", response_data={"keys": [hmac(), hmac()]})
# 10:02 the stolen CI token probes: 14 refused requests in under three minutes.
probes = ["secret/data/prod/db", "secret/data/prod/stripe", "sys/policies/acl/ci-deploy",
          "auth/token/create", "secret/data/prod/aws", "sys/mounts", "secret/data/prod/ssh"]
for i in range(14):
    vault += vault_pair("ci", at(10, 2, 5 + i * 11.5), "read", probes[i % len(probes)],
                        "kv" if probes[i % len(probes)].startswith("secret/") else "system", denied=True)
# 10:06 then it reads 60 distinct application secrets within six minutes.
apps = [f"secret/data/apps/svc-{i:02d}/config" for i in range(60)]
for i, path in enumerate(apps):
    vault += vault_pair("ci", at(10, 6, i * 6.0), "read", path, "kv",
                        response_data={"data": {"api_key": hmac()}})
# 10:20 a root token rewrites the ops-admin ACL policy.
vault += vault_pair("root", at(10, 20, 14), "update", "sys/policies/acl/ops-admin", "system")
vault.sort(key=lambda r: r["time"])

# ---------------------------------------------------------------- AWS CloudTrail
ACCOUNT = "111122223333"


def trail(t, name, source, identity, params=None, response=None, error=None, ip="198.51.100.10",
          agent="aws-cli/2.15.0", read_only=True, extra=None):
    rec = {
        "eventVersion": "1.09", "userIdentity": identity, "eventTime": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": source, "eventName": name, "awsRegion": "eu-west-1", "sourceIPAddress": ip,
        "userAgent": agent, "requestParameters": params, "responseElements": response,
        "requestID": uuid(), "eventID": uuid(), "readOnly": read_only, "eventType": "AwsApiCall",
        "managementEvent": True, "recipientAccountId": ACCOUNT, "eventCategory": "Management",
    }
    if error:
        rec["errorCode"], rec["errorMessage"] = error
    if extra:
        rec.update(extra)
    return rec


def iam_user(name):
    return {"type": "IAMUser", "principalId": "AIDA" + name.upper()[:12].ljust(12, "X"),
            "arn": f"arn:aws:iam::{ACCOUNT}:user/{name}", "accountId": ACCOUNT,
            "accessKeyId": "AKIA" + name.upper()[:12].ljust(16, "Q"), "userName": name}


def role_session(role, session, mfa="true"):
    return {"type": "AssumedRole", "principalId": f"AROAEXAMPLEROLEID:{session}",
            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}", "accountId": ACCOUNT,
            "accessKeyId": "ASIA" + session.upper()[:12].ljust(16, "Z"),
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLEROLEID",
                                                 "arn": f"arn:aws:iam::{ACCOUNT}:role/{role}",
                                                 "accountId": ACCOUNT, "userName": role},
                               "attributes": {"creationDate": "2026-11-20T10:29:58Z",
                                              "mfaAuthenticated": mfa}}}


ROOT = {"type": "Root", "principalId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:root",
        "accountId": ACCOUNT, "accessKeyId": ""}

aws = []
for minute in range(0, 150, 7):
    aws.append(trail(at(9, 0) + timedelta(minutes=minute, seconds=rnd.randint(0, 50)), "DescribeInstances",
                     "ec2.amazonaws.com", iam_user("deploy-bot"), params={"maxResults": 100}))
for minute in (10, 40, 70, 100):
    aws.append(trail(at(9, 0) + timedelta(minutes=minute, seconds=30), "GetSecretValue",
                     "secretsmanager.amazonaws.com", role_session("payments-task", "ecs-task-7f3a"),
                     params={"secretId": "prod/payments/db"}, ip="10.30.4.12",
                     agent="aws-sdk-java/2.25.0"))
# 10:30 break-glass: the emergency role is assumed, then used to read secrets and attach a policy.
aws.append(trail(at(10, 30, 2), "AssumeRole", "sts.amazonaws.com", iam_user("bob"),
                 params={"roleArn": f"arn:aws:iam::{ACCOUNT}:role/break-glass-admin",
                         "roleSessionName": "bob-incident-4411"},
                 response={"assumedRoleUser": {"assumedRoleId": "AROAEXAMPLEROLEID:bob-incident-4411",
                                               "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/break-glass-admin/bob-incident-4411"}},
                 read_only=False))
bg = role_session("break-glass-admin", "bob-incident-4411")
for i, secret in enumerate(["prod/payments/db", "prod/stripe/api", "prod/ssh/bastion"]):
    aws.append(trail(at(10, 33, i * 20), "GetSecretValue", "secretsmanager.amazonaws.com", bg,
                     params={"secretId": secret}))
aws.append(trail(at(10, 36, 40), "AttachRolePolicy", "iam.amazonaws.com", bg,
                 params={"roleName": "payments-task", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
                 read_only=False, extra={"awsRegion": "us-east-1"}))
# 10:40 the account root user signs in and creates an access key.
aws.append(trail(at(10, 40, 1), "ConsoleLogin", "signin.amazonaws.com", ROOT, params=None,
                 response={"ConsoleLogin": "Success"}, ip="192.0.2.44",
                 agent="Mozilla/5.0 (Macintosh) Firefox/132.0", read_only=False,
                 extra={"eventType": "AwsConsoleSignIn", "awsRegion": "us-east-1",
                        "additionalEventData": {"MFAUsed": "Yes", "MobileVersion": "No"}}))
aws.append(trail(at(10, 41, 30), "CreateAccessKey", "iam.amazonaws.com", ROOT, params={},
                 response={"accessKey": {"accessKeyId": "AKIAEXAMPLEROOTKEY01", "status": "Active",
                                         "createDate": "Nov 20, 2026 10:41:30 AM"}},
                 ip="192.0.2.44", read_only=False, extra={"awsRegion": "us-east-1"}))
aws.sort(key=lambda r: r["eventTime"])

# ---------------------------------------------------------------- Azure Monitor
SUB = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
TENANT = "0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9"
VAULT_ID = f"/SUBSCRIPTIONS/{SUB.upper()}/RESOURCEGROUPS/PROD/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/PROD-KV"


def kv(t, op, secret, status, oid, appid, upn=None, ip="20.50.1.10"):
    claim = {"oid": oid, "appid": appid, "appidacr": "2" if upn is None else "0",
             "http://schemas.microsoft.com/identity/claims/tenantid": TENANT}
    if upn:
        claim["upn"] = upn
    signature = {200: "OK", 403: "Forbidden", 404: "Not Found"}[status]
    return {"time": t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond:06d}0Z", "category": "AuditEvent",
            "operationName": op, "resultType": "Success", "correlationId": uuid(),
            "callerIpAddress": ip, "identity": {"claim": claim},
            "properties": {"id": f"https://prod-kv.vault.azure.net/secrets/{secret}",
                           "clientInfo": "azsdk-python-keyvault-secrets/4.8.0", "httpStatusCode": status,
                           "requestUri": f"https://prod-kv.vault.azure.net/secrets/{secret}/?api-version=7.4",
                           "isAccessPolicyMatch": status == 200, "tlsVersion": "TLS1_2"},
            "resourceId": VAULT_ID, "operationVersion": "7.4", "resultSignature": signature,
            "durationMs": str(rnd.randint(5, 90)), "level": "Informational"}


azure = []
for minute in range(0, 120, 9):
    azure.append(kv(at(9, 0) + timedelta(minutes=minute, seconds=rnd.randint(0, 59)), "SecretGet",
                    "orders-db-password", 200, "7c1d2e3f-aaaa-4bbb-8ccc-0d1e2f3a4b5c",
                    "11111111-2222-4333-8444-555555555555"))
# 11:00 a service principal is refused twelve times in four minutes.
for i in range(12):
    azure.append(kv(at(11, 0, 5 + i * 19.0), "SecretGet", f"prod-secret-{i % 5}", 403,
                    "e9d8c7b6-a5f4-4e3d-9c2b-1a0f9e8d7c6b", "99999999-8888-4777-8666-555544443333",
                    ip="198.51.100.201"))
azure.append({
    "time": "2026-11-20T11:07:41.1234567Z",
    "resourceId": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleAssignments/3f2e1d0c-b9a8-4765-8432-10fedcba9876",
    "operationName": "Microsoft.Authorization/roleAssignments/write", "category": "Administrative",
    "resultType": "Success", "resultSignature": "Created", "callerIpAddress": "198.51.100.23",
    "correlationId": uuid(), "level": "Information", "location": "global", "tenantId": TENANT,
    "identity": {"authorization": {"action": "Microsoft.Authorization/roleAssignments/write",
                                   "scope": f"/subscriptions/{SUB}",
                                   "evidence": {"role": "User Access Administrator", "principalType": "User"}},
                 "claims": {"http://schemas.microsoft.com/identity/claims/objectidentifier": "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d",
                            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn": "carol@example.com",
                            "name": "Carol Admin", "ipaddr": "198.51.100.23"}},
    "properties": {"statusCode": "Created", "serviceRequestId": uuid(),
                   "requestbody": json.dumps({"Id": "3f2e1d0c-b9a8-4765-8432-10fedcba9876",
                                              "Properties": {"PrincipalId": "e9d8c7b6-a5f4-4e3d-9c2b-1a0f9e8d7c6b",
                                                             "RoleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
                                                             "Scope": f"/subscriptions/{SUB}"}})},
})
azure.sort(key=lambda r: r["time"])

# ---------------------------------------------------------------- GCP Cloud Audit Logs
PROJECT = "acme-prod-4411"


def gcp(t, method, service, principal, resource, log="data_access", status=None, granted=True, ip="203.0.113.9",
        permission=None, service_data=None):
    payload = {"@type": "type.googleapis.com/google.cloud.audit.AuditLog",
               "authenticationInfo": {"principalEmail": principal},
               "authorizationInfo": [{"resource": resource, "permission": permission or method.split(".")[-1],
                                      "granted": granted, "resourceAttributes": {}}],
               "methodName": method, "requestMetadata": {"callerIp": ip,
                                                         "callerSuppliedUserAgent": "google-cloud-sdk gcloud/499.0.0,gzip(gfe)",
                                                         "requestAttributes": {"time": t.isoformat().replace("+00:00", "Z")},
                                                         "destinationAttributes": {}},
               "resourceName": resource, "serviceName": service,
               "resourceLocation": {"currentLocations": ["europe-west1"]}}
    if status:
        payload["status"] = status
    if service_data:
        payload["serviceData"] = service_data
    return {"insertId": "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(12)),
            "logName": f"projects/{PROJECT}/logs/cloudaudit.googleapis.com%2F{log}",
            "protoPayload": payload, "receiveTimestamp": (t + timedelta(milliseconds=180)).isoformat().replace("+00:00", "Z"),
            "resource": {"type": "audited_resource", "labels": {"project_id": PROJECT, "service": service,
                                                                "method": method}},
            "severity": "NOTICE" if log == "activity" else "INFO",
            "timestamp": t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond:06d}Z"}


gcpl = []
SM = "secretmanager.googleapis.com"
ACCESS = "google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion"
for minute in range(0, 120, 11):
    gcpl.append(gcp(at(9, 0) + timedelta(minutes=minute, seconds=rnd.randint(0, 59)), ACCESS, SM,
                    "billing-job@acme-prod-4411.iam.gserviceaccount.com",
                    f"projects/{PROJECT}/secrets/billing-api-key/versions/latest", ip="10.128.0.7",
                    permission="secretmanager.versions.access"))
gcpl.append(gcp(at(11, 15, 3.2), "SetIamPolicy", "cloudresourcemanager.googleapis.com", "dave@example.com",
                f"projects/{PROJECT}", log="activity", permission="resourcemanager.projects.setIamPolicy",
                service_data={"@type": "type.googleapis.com/google.iam.v1.logging.AuditData",
                              "policyDelta": {"bindingDeltas": [{"action": "ADD", "role": "roles/owner",
                                                                 "member": "user:mallory@example.net"}]}}))
for i in range(11):
    gcpl.append(gcp(at(11, 16, 10 + i * 21.0), ACCESS, SM, "scraper@acme-prod-4411.iam.gserviceaccount.com",
                    f"projects/{PROJECT}/secrets/prod-db-{i % 4}/versions/latest",
                    status={"code": 7, "message": "PERMISSION_DENIED"}, granted=False, ip="203.0.113.150",
                    permission="secretmanager.versions.access"))
gcpl.append(gcp(at(11, 24, 50.5), "google.logging.v2.ConfigServiceV2.DeleteSink", "logging.googleapis.com",
                "dave@example.com", f"projects/{PROJECT}/sinks/audit-archive", log="activity",
                permission="logging.sinks.delete"))
gcpl.sort(key=lambda r: r["timestamp"])

# ---------------------------------------------------------------- write
def write_lines(path, records, broken=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as out:
        for i, rec in enumerate(records):
            out.write(json.dumps(rec, separators=(",", ":")) + "\n")
            if broken and i == len(records) // 2:
                out.write(broken + "\n")


write_lines(HERE / "vault" / "audit.log", vault,
            broken='{"time":"2026-11-20T10:10:00.000000000Z","type":"request","auth":{"token_type":"service"')
(HERE / "aws").mkdir(exist_ok=True)
(HERE / "aws" / "cloudtrail.json").write_text(json.dumps({"Records": aws}, indent=2) + "\n")
write_lines(HERE / "azure" / "PT1H.json", azure)
write_lines(HERE / "gcp" / "cloudaudit.jsonl", gcpl,
            broken='{"insertId":"broken01","protoPayload":{"methodName":"x"},"timestamp":"not a time"}')
print(len(vault), len(aws), len(azure), len(gcpl))
