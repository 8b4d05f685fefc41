package dev.vigil.ingest.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MethodVerbsTest {

  @ParameterizedTest
  @CsvSource({
    "GetResourceBillingInfo, read",
    "beta.compute.machineTypes.aggregatedList, list",
    "v1.compute.instances.insert, create",
    "google.iam.admin.v1.CreateServiceAccountKey, create",
    "v1.compute.disks.setIamPolicy, update",
    "google.iam.admin.v1.SetIAMPolicy, update",
    "io.k8s.apps.v1.deployments.patch, update",
    "io.k8s.get, read",
    "io.k8s.core.v1.nodes.list, list",
    "io.k8s.core.v1.pods.watch, list",
    "io.k8s.core.v1.pods.deletecollection, delete",
    "DestroyCryptoKeyVersion, delete",
    "google.admin.AdminService.addGroupMember, create",
    "testIamPermissions, read",
    "google.iam.admin.v1.UndeleteServiceAccount, update",
    "google.iam.admin.v1.EnableServiceAccount, enable",
    "Encrypt, encrypt",
    "SignJwt, sign",
    "beta.compute.instances.stop, disable",
    "v1.compute.instances.start, enable",
    "v1.compute.instances.startWithEncryptionKey, enable",
    "v1.compute.instances.resume, enable",
    "v1.compute.instances.suspend, disable",
    "v1.compute.instances.reset, update",
    "stopwatch, other",
    "google.ssh-serialport.v1.connect, other",
    "settle, other",
    "getaway, other",
    "google.login.LoginService.2svDisable, other",
    "'', other",
    "., other"
  })
  void verbOfTheLastSegment(String methodName, String action) {
    assertThat(MethodVerbs.actionOf(methodName)).isEqualTo(action);
  }
}
