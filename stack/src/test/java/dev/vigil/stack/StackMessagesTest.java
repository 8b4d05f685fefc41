package dev.vigil.stack;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the stack tells a person when the file system or a program is in the way: Vigil's words for
 * I/O problems (as everywhere else), never a JDK text such as {@code error=2} or a class name.
 */
class StackMessagesTest {

  @TempDir Path dir;

  @Test
  void aStateDirectoryThatIsAFileIsNamedAsSuchByEveryVerb() throws Exception {
    Path file = Files.writeString(dir.resolve("state"), "");
    LocalStack stack = new LocalStack(StackConfig.forTests(file));

    String expected = "state directory " + file + ": not a directory (a file is in its place)";
    assertThatThrownBy(stack::status).isInstanceOf(StackException.class).hasMessage(expected);
    assertThatThrownBy(stack::down).isInstanceOf(StackException.class).hasMessage(expected);
    assertThatThrownBy(stack::up).isInstanceOf(StackException.class).hasMessage(expected);
  }

  @Test
  void aStateDirectoryUnderAFileNamesTheFileInTheWay() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "");
    Path stateDir = file.resolve("state");
    LocalStack stack = new LocalStack(StackConfig.forTests(stateDir));

    String expected = "state directory " + stateDir + ": not a directory (" + file + " is a file)";
    assertThatThrownBy(stack::status).isInstanceOf(StackException.class).hasMessage(expected);
    assertThatThrownBy(stack::down).isInstanceOf(StackException.class).hasMessage(expected);
  }

  @Test
  void aProgramThatCannotRunIsToldInWords() {
    Path missing = dir.resolve("no-such-program");

    assertThatThrownBy(() -> Commands.run(List.of(missing.toString()), Duration.ofSeconds(5)))
        .isInstanceOf(StackException.class)
        .hasMessage("cannot run `" + missing + "`: no such file or directory");
  }
}
