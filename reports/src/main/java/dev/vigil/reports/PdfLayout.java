package dev.vigil.reports;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * A minimal flowing layout on PDFBox: headings, wrapped paragraphs and tables that break across
 * pages (repeating their header row), then "page i of n" footers once the page count is known.
 *
 * <p>Design: the standard Helvetica fonts are not embedded, so no font file and no subset tag
 * (which PDFBox derives from the glyphs) varies the output; their encoding (WinAnsi) cannot show
 * every character, so text is reduced to what it can ({@link #printable}) and the exact text stays
 * in the CSV and JSON. The document's dates and its trailer {@code /ID} are fixed by the caller,
 * since PDFBox would otherwise derive the id from the wall clock: equal content gives equal bytes.
 */
final class PdfLayout implements AutoCloseable {

  static final float MARGIN = 50;
  private static final PDRectangle SIZE = PDRectangle.A4;
  private static final float BODY = 9;
  private static final float TABLE = 7.5f;
  private static final float CELL_PAD = 3;

  private final PDDocument document = new PDDocument();
  private final PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
  private final PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
  private final Map<Integer, Boolean> encodable = new HashMap<>();
  private PDPageContentStream content;
  private float y;

  /** A column: its header, its share of the text width, and whether numbers align right. */
  record Column(String header, float width, boolean right) {
    static Column left(String header, float width) {
      return new Column(header, width, false);
    }

    static Column right(String header, float width) {
      return new Column(header, width, true);
    }
  }

  PdfLayout() {
    newPage();
  }

  float width() {
    return SIZE.getWidth() - 2 * MARGIN;
  }

  void newPage() {
    closeContent();
    PDPage page = new PDPage(SIZE);
    document.addPage(page);
    try {
      content = new PDPageContentStream(document, page);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    y = SIZE.getHeight() - MARGIN;
  }

  void title(String text) {
    space(28);
    write(bold, 20, MARGIN, y - 20, text);
    y -= 30;
  }

  void heading(String text) {
    if (y - 60 < MARGIN) {
      newPage();
    }
    y -= 8;
    write(bold, 13, MARGIN, y - 13, text);
    y -= 20;
  }

  void subheading(String text) {
    if (y - 40 < MARGIN) {
      newPage();
    }
    y -= 4;
    write(bold, 10, MARGIN, y - 10, text);
    y -= 15;
  }

  void paragraph(String text) {
    for (String line : wrap(regular, BODY, text, width())) {
      space(BODY * 1.35f);
      write(regular, BODY, MARGIN, y - BODY, line);
      y -= BODY * 1.35f;
    }
    y -= 4;
  }

  /** A label and its value on one line (the value wrapped below the label's column). */
  void field(String label, String value) {
    float labelWidth = 120;
    List<String> lines = wrap(regular, BODY, value, width() - labelWidth);
    for (int i = 0; i < lines.size(); i++) {
      space(BODY * 1.35f);
      if (i == 0) {
        write(bold, BODY, MARGIN, y - BODY, label);
      }
      write(regular, BODY, MARGIN + labelWidth, y - BODY, lines.get(i));
      y -= BODY * 1.35f;
    }
  }

  void gap(float points) {
    y -= points;
  }

  /**
   * A table whose columns share the text width by their {@code width}s; rows break across pages.
   */
  void table(List<Column> columns, List<List<String>> rows) {
    table(columns, rows, null);
  }

  /**
   * A table as {@link #table(List, List)}, each row with a line of its own under its cells, across
   * the whole table, that is never wrapped: for an id a reader copies ({@code lines.get(i)} under
   * row {@code i}; none when {@code lines} is null).
   */
  void table(List<Column> columns, List<List<String>> rows, List<String> lines) {
    if (lines != null && lines.size() != rows.size()) {
      throw new IllegalArgumentException("one line per row");
    }
    float total = (float) columns.stream().mapToDouble(Column::width).sum();
    float[] widths = new float[columns.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = columns.get(i).width() / total * width();
    }
    List<String> header = columns.stream().map(Column::header).toList();
    // A header row never ends a page alone: it starts one with the first row under it.
    float headerHeight = rowHeight(widths, header, bold);
    if (!rows.isEmpty() && !fits(headerHeight + rowHeight(widths, rows.get(0), regular))) {
      newPage();
    }
    row(columns, widths, header, true, null);
    for (int i = 0; i < rows.size(); i++) {
      List<String> row = rows.get(i);
      String line = lines == null ? null : lines.get(i);
      if (!fits(rowHeight(widths, row, regular) + underHeight(line))) {
        newPage();
        row(columns, widths, header, true, null);
      }
      row(columns, widths, row, false, line);
    }
    y -= 8;
  }

  /**
   * The height a row's own line adds under its cells: one line, unless it is longer than the table
   * is wide, which no id of Vigil's rules is.
   */
  private float underHeight(String under) {
    return under == null ? 0 : underLines(under).size() * TABLE * 1.3f;
  }

  private List<String> underLines(String under) {
    return wrap(regular, TABLE, under, width() - 2 * CELL_PAD);
  }

  private boolean fits(float height) {
    return y - height >= MARGIN + 12;
  }

  private float rowHeight(float[] widths, List<String> row, PDType1Font font) {
    int lines = 1;
    for (int i = 0; i < widths.length; i++) {
      lines = Math.max(lines, wrap(font, TABLE, row.get(i), widths[i] - 2 * CELL_PAD).size());
    }
    return lines * TABLE * 1.3f + 2 * CELL_PAD;
  }

  private void row(
      List<Column> columns, float[] widths, List<String> cells, boolean header, String under) {
    PDType1Font font = header ? bold : regular;
    float cellsHeight = rowHeight(widths, cells, font);
    float height = cellsHeight + underHeight(under);
    try {
      if (header) {
        content.setNonStrokingColor(0.88f, 0.90f, 0.93f);
        content.addRect(MARGIN, y - height, width(), height);
        content.fill();
        content.setNonStrokingColor(0f, 0f, 0f);
      }
      float x = MARGIN;
      for (int i = 0; i < widths.length; i++) {
        List<String> lines = wrap(font, TABLE, cells.get(i), widths[i] - 2 * CELL_PAD);
        float lineY = y - CELL_PAD - TABLE;
        for (String line : lines) {
          float textX = x + CELL_PAD;
          if (columns.get(i).right()) {
            textX = x + widths[i] - CELL_PAD - textWidth(font, TABLE, line);
          }
          write(font, TABLE, textX, lineY, line);
          lineY -= TABLE * 1.3f;
        }
        x += widths[i];
      }
      if (under != null) {
        float lineY = y - cellsHeight + CELL_PAD - TABLE;
        for (String line : underLines(under)) {
          write(font, TABLE, MARGIN + CELL_PAD, lineY, line);
          lineY -= TABLE * 1.3f;
        }
      }
      content.setStrokingColor(0.75f, 0.75f, 0.75f);
      content.setLineWidth(0.4f);
      content.moveTo(MARGIN, y - height);
      content.lineTo(MARGIN + width(), y - height);
      content.stroke();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    y -= height;
  }

  /**
   * Finishes the document: a footer on every page, the given title, the fixed {@code date} as its
   * creation and modification date, and a trailer {@code /ID} derived from {@code idSeed}.
   */
  byte[] finish(String footer, String title, String producer, Instant date, String idSeed) {
    closeContent();
    int pages = document.getNumberOfPages();
    try {
      for (int i = 0; i < pages; i++) {
        PDPage page = document.getPage(i);
        try (PDPageContentStream footerStream =
            new PDPageContentStream(
                document, page, PDPageContentStream.AppendMode.APPEND, true, true)) {
          String text = printable(footer + "  |  page " + (i + 1) + " of " + pages);
          footerStream.beginText();
          footerStream.setFont(regular, 7);
          footerStream.setNonStrokingColor(0.4f, 0.4f, 0.4f);
          footerStream.newLineAtOffset(MARGIN, MARGIN / 2);
          footerStream.showText(text);
          footerStream.endText();
        }
      }
      PDDocumentInformation info = document.getDocumentInformation();
      info.setTitle(printable(title));
      info.setProducer(printable(producer));
      info.setCreator(printable(producer));
      Calendar calendar = new GregorianCalendar(TimeZone.getTimeZone(ZoneOffset.UTC), Locale.ROOT);
      calendar.setTimeInMillis(date.toEpochMilli());
      info.setCreationDate(calendar);
      info.setModificationDate(calendar);
      COSString id =
          new COSString(
              FileDigest.sha256Hex(idSeed.getBytes(StandardCharsets.UTF_8))
                  .substring(0, 32)
                  .getBytes(StandardCharsets.US_ASCII));
      COSArray ids = new COSArray();
      ids.add(id);
      ids.add(id);
      document.getDocument().getTrailer().setItem(COSName.ID, ids);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      document.save(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    closeContent();
    document.close();
  }

  private void closeContent() {
    if (content != null) {
      try {
        content.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      content = null;
    }
  }

  private void space(float needed) {
    if (y - needed < MARGIN) {
      newPage();
    }
  }

  private void write(PDType1Font font, float size, float x, float baseline, String text) {
    try {
      content.beginText();
      content.setFont(font, size);
      content.newLineAtOffset(x, baseline);
      content.showText(printable(text));
      content.endText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Words wrapped to {@code width}; a word longer than a line (an id, a path) is cut after the last
   * {@link #BREAK_AFTER} character that fits (a GUID at a {@code -}, an ARN at a {@code :} or
   * {@code /}), so each piece reads as a part of it, else where it overflows. Always at least one
   * line.
   */
  List<String> wrap(PDType1Font font, float size, String text, float width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : printable(text).split(" ")) {
      String candidate = line.length() == 0 ? word : line + " " + word;
      if (textWidth(font, size, candidate) <= width) {
        line.setLength(0);
        line.append(candidate);
        continue;
      }
      if (line.length() > 0) {
        lines.add(line.toString());
        line.setLength(0);
      }
      String rest = word;
      while (textWidth(font, size, rest) > width && rest.length() > 1) {
        int cut = rest.length() - 1;
        while (cut > 1 && textWidth(font, size, rest.substring(0, cut)) > width) {
          cut--;
        }
        int separator = lastBreak(rest, cut);
        if (separator > 0) {
          cut = separator + 1;
        }
        lines.add(rest.substring(0, cut));
        rest = rest.substring(cut);
      }
      line.append(rest);
    }
    lines.add(line.toString());
    return lines;
  }

  /** Where a word too long for a line is best cut: after one of these, which end its parts. */
  static final String BREAK_AFTER = "-/:.@_";

  /** The index of the last {@link #BREAK_AFTER} character before {@code end}; -1 when none. */
  private static int lastBreak(String word, int end) {
    for (int i = end - 1; i > 0; i--) {
      if (BREAK_AFTER.indexOf(word.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private float textWidth(PDType1Font font, float size, String text) {
    try {
      return font.getStringWidth(printable(text)) / 1000 * size;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The text with every character the standard fonts cannot show replaced by {@code ?}, and line
   * breaks and tabs by spaces.
   */
  String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            c -> {
              if (Character.isWhitespace(c)) {
                out.append(' ');
              } else if (encodable.computeIfAbsent(c, this::canEncode)) {
                out.appendCodePoint(c);
              } else {
                out.append('?');
              }
            });
    return out.toString();
  }

  private boolean canEncode(int codePoint) {
    if (Character.isISOControl(codePoint)) {
      return false;
    }
    try {
      regular.encode(new String(Character.toChars(codePoint)));
      return true;
    } catch (IllegalArgumentException | IOException e) {
      return false;
    }
  }
}
