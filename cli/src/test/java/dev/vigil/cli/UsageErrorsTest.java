package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the command line answers a typo or a missing command: one line, a suggestion, exit 1. */
class UsageErrorsTest {

  @TempDir Path dir;

  private CliRun.Result run(String... args) {
    return new CliRun(dir, List.of()).execute(args);
  }

  @Test
  void anUnknownCommandGetsTheClosestOneSuggested() {
    assertThat(run("normalise", "x").stderrLines())
        .containsExactly("vigil: unknown command 'normalise'; did you mean 'normalize'?");
    assertThat(run("stack", "stat").stderrLines())
        .containsExactly("vigil stack: unknown command 'stat'; did you mean 'status'?");
    assertThat(run("rules", "tset").stderrLines())
        .containsExactly("vigil rules: unknown command 'tset'; did you mean 'test'?");
    assertThat(run("report", "verfy", "DIR").stderrLines())
        .containsExactly("vigil report: unknown command 'verfy'; did you mean 'verify'?");
    assertThat(run("normalise", "x").exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
  }

  @Test
  void anUnknownOptionIsReportedRatherThanTheRequiredOptionItMisspells() {
    CliRun.Result backtest = run("rules", "backtest", "--rule", "my-rules", "in.log");
    CliRun.Result runCommand = run("run", "--conf", "x.yaml");

    assertThat(backtest.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(backtest.stderrLines())
        .containsExactly("vigil rules backtest: unknown option '--rule'; did you mean '--rules'?");
    assertThat(runCommand.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(runCommand.stderrLines())
        .containsExactly("vigil run: unknown option '--conf'; did you mean '--config'?");
    assertThat(run("run", "--conf=x.yaml").stderrLines())
        .containsExactly("vigil run: unknown option '--conf'; did you mean '--config'?");
  }

  @Test
  void aStrayArgumentDoesNotHideTheMissingRequiredOption() {
    assertThat(run("run", "x.yaml").stderrLines())
        .singleElement()
        .asString()
        .startsWith("vigil run: missing --config FILE");
  }

  @Test
  void aMissingOptionOrParameterIsNamedAsTyped() {
    assertThat(run("run").stderrLines())
        .containsExactly("vigil run: missing --config FILE (see 'vigil run --help')");
    assertThat(run("report", "verify").stderrLines())
        .containsExactly("vigil report verify: needs DIR (see 'vigil report verify --help')");
    assertThat(run("detect", "--out").stderrLines())
        .containsExactly("vigil detect: --out needs a value (FILE) (see 'vigil detect --help')");
    assertThat(run("report", "verify").exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
  }

  @Test
  void aValueOutsideAFixedSetGetsTheClosestOneSuggested() {
    String choices =
        "(one of auto, vault, cloudtrail, aws_cloudtrail, azure, azure_monitor, gcp, gcp_audit)";
    assertThat(run("normalize", "--source", "vaul", "x").stderrLines())
        .containsExactly("vigil normalize: --source 'vaul': did you mean 'vault'? " + choices);
    assertThat(run("normalize", "--source", "splunk", "x").stderrLines())
        .containsExactly(
            "vigil normalize: --source 'splunk' is not one of auto, vault, cloudtrail,"
                + " aws_cloudtrail, azure, azure_monitor, gcp, gcp_audit");
  }

  @Test
  void withoutASuggestionTheLinePointsToTheHelp() {
    assertThat(run("xyzzy").stderrLines())
        .containsExactly("vigil: unknown command 'xyzzy' (see 'vigil --help')");
    assertThat(run("stack", "status", "extra").stderrLines())
        .containsExactly(
            "vigil stack status: unexpected argument 'extra' (see 'vigil stack status --help')");
  }

  @Test
  void aCommandGroupWithoutACommandPrintsItsUsageToStderrAndFails() {
    for (String group : List.of("", "rules", "stack", "retention", "dashboards")) {
      String[] args = group.isEmpty() ? new String[0] : new String[] {group};
      CliRun.Result result = run(args);

      assertThat(result.exitCode()).as("vigil %s", group).isEqualTo(VigilCommand.EXIT_ERROR);
      assertThat(result.stdout()).as("vigil %s", group).isEmpty();
      assertThat(result.stderr())
          .as("vigil %s", group)
          .startsWith(("Usage: vigil " + group).strip())
          .contains("Commands:");
    }
  }

  @Test
  void helpOfAGroupStillGoesToStdoutWithExitZero() {
    CliRun.Result result = run("stack", "--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).startsWith("Usage: vigil stack").contains("status");
  }
}
