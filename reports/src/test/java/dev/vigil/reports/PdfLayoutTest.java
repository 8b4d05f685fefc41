package dev.vigil.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;

class PdfLayoutTest {

  private static final PDType1Font HELVETICA = new PDType1Font(Standard14Fonts.FontName.HELVETICA);

  @Test
  void aWordLongerThanALineIsCutAfterASeparatorSoEachPieceReadsAsAPartOfIt() throws IOException {
    try (PdfLayout pdf = new PdfLayout()) {
      // An Azure subscription in the privileged activity's account column (58 points): cut where
      // it overflowed, it read "12345678-123", "4-1234-1234-1", "23456789abc".
      assertThat(pdf.wrap(HELVETICA, 7.5f, "12345678-1234-1234-1234-123456789abc", 52))
          .containsExactly("12345678-", "1234-1234-", "1234-", "123456789abc");
      assertThat(pdf.wrap(HELVETICA, 7.5f, "role SampleRole/leroy.jenkins", 60))
          .containsExactly("role", "SampleRole/", "leroy.jenkins");
      // Without a separator it is still cut where it overflows, and a short word never.
      assertThat(pdf.wrap(HELVETICA, 7.5f, "0123456789abcdef0123456789abcdef", 60))
          .allMatch(line -> !line.isEmpty())
          .hasSizeGreaterThan(1)
          .satisfies(lines -> assertThat(String.join("", lines)).hasSize(32));
      assertThat(pdf.wrap(HELVETICA, 7.5f, "ROLE_SESSION", 60)).containsExactly("ROLE_SESSION");
    }
  }
}
