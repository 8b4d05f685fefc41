package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterFileTest {

  @TempDir Path dir;

  @Test
  void aMovedFileNeverReplacesTheDeadLettersOfAnEarlierRun() throws IOException {
    Path earlier = Files.writeString(dir.resolve("vigil-deadletters-20261120T100000Z.jsonl"), "a");
    Files.writeString(dir.resolve("vigil-deadletters-20261120T100000Z-2.jsonl"), "b");
    Path fresh = Files.writeString(dir.resolve("scratch.jsonl"), "c");

    Path kept = DeadLetterFile.moveToNewName(fresh, earlier);

    assertThat(kept).isEqualTo(dir.resolve("vigil-deadletters-20261120T100000Z-3.jsonl"));
    assertThat(kept).hasContent("c");
    assertThat(earlier).hasContent("a");
    assertThat(fresh).doesNotExist();
  }
}
