//! A small document model and its PDF: headings, paragraphs, tables of figures and SVG
//! figures on A4 pages with a running header and page numbers.
//!
//! The PDF is written by [krilla](https://docs.rs/krilla) with the fonts embedded in this
//! binary (Noto Sans for Latin text, Noto Sans Lao for Lao; `assets/fonts`), subset to the
//! glyphs used. Text is shaped with rustybuzz, so Lao vowels and tone marks stack as they
//! should, and lines break where the Unicode line-breaking rules allow, with ICU4X's
//! dictionary for Lao (written without spaces between words). SVG figures (`chart.rs`, and the
//! maps) are placed through `krilla-svg` with their text kept as text.
//!
//! Laying out ([`layout`]) is separate from painting, so that pagination is tested without
//! reading a PDF back: a heading is never left alone at the foot of a page, a figure is never
//! split, and a table that does not fit goes on over the next pages with its header repeated.

use icu_segmenter::options::LineBreakOptions;
use icu_segmenter::LineSegmenter;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::Document as PdfWriter;
use krilla_svg::{SurfaceExt, SvgSettings};
use std::sync::{Arc, LazyLock};

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;
/// The margin on every side (20 mm).
pub const MARGIN: f32 = 56.7;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// Where content starts and must end, leaving room for the running header and footer.
const CONTENT_TOP: f32 = MARGIN + 14.0;
const CONTENT_BOTTOM: f32 = PAGE_HEIGHT - MARGIN - 10.0;
const BODY: f32 = 10.0;
const SMALL: f32 = 8.5;
const LEADING: f32 = 1.45;
/// A heading needs this much room below it, or it moves to the next page.
const KEEP_WITH_NEXT: f32 = 90.0;

static LATIN_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/NotoSans-Regular.ttf");
static LATIN_BOLD: &[u8] = include_bytes!("../../../assets/fonts/NotoSans-Bold.ttf");
static LAO_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/NotoSansLao-Regular.ttf");
static LAO_BOLD: &[u8] = include_bytes!("../../../assets/fonts/NotoSansLao-Bold.ttf");

/// What went wrong while making a PDF.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("an embedded font could not be read")]
    Font,
    #[error("figure {0}: not a drawing this writer can place: {1}")]
    Figure(usize, String),
    #[error("writing the PDF: {0}")]
    Write(String),
}

/// A block of a document, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A section's title.
    Heading(String),
    /// A title inside a section.
    Subheading(String),
    Paragraph(String),
    /// Smaller, grey text: sources, notes, what a figure leaves out.
    Note(String),
    Table(Table),
    Figure(Figure),
}

/// A table: a header row and rows of text, column widths as shares of the page's width.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Relative widths, one per column.
    pub widths: Vec<f32>,
    /// Columns set right (figures).
    pub numeric: Vec<bool>,
}

/// An SVG drawing placed across the text width, never split over two pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub svg: String,
    /// Read by screen readers on the web page; the drawing carries its own title.
    pub alt: String,
}

/// A document to print.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    /// Lines under the title on the first page (period, scope, when and by whom).
    pub subtitle: Vec<String>,
    /// The running header of every page (`Situation report · Bokeo · 2025-04`).
    pub header: String,
    /// The footer's page number, with `{page}` and `{pages}` in it (`Page {page} of {pages}`).
    pub page_label: String,
    /// The document's language (`en`, `lo`), written in the PDF's metadata.
    pub language: String,
    pub blocks: Vec<Block>,
}

/// A thing placed on a page, in points from the top left corner.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Text {
        x: f32,
        /// The baseline.
        y: f32,
        size: f32,
        bold: bool,
        grey: bool,
        text: String,
    },
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
    },
    /// A light grey box (a table's header).
    Shade {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
    /// The figure at this index of [`Laid::figures`].
    Figure {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        index: usize,
    },
}

/// A document laid out on pages.
pub struct Laid {
    pub pages: Vec<Vec<Item>>,
    figures: Vec<usvg::Tree>,
}

impl std::fmt::Debug for Laid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Laid")
            .field("pages", &self.pages)
            .field("figures", &self.figures.len())
            .finish()
    }
}

struct Face {
    font: Font,
    shaper: rustybuzz::Face<'static>,
}

struct Fonts {
    latin: [Face; 2],
    lao: [Face; 2],
    /// The same faces for the text of SVG figures.
    db: Arc<usvg::fontdb::Database>,
}

fn face(data: &'static [u8]) -> Option<Face> {
    Some(Face {
        font: Font::new(data.into(), 0)?,
        shaper: rustybuzz::Face::from_slice(data, 0)?,
    })
}

fn load_fonts() -> Option<Fonts> {
    let mut db = usvg::fontdb::Database::new();
    for data in [LATIN_REGULAR, LATIN_BOLD, LAO_REGULAR, LAO_BOLD] {
        db.load_font_data(data.to_vec());
    }
    db.set_sans_serif_family("Noto Sans");
    Some(Fonts {
        latin: [face(LATIN_REGULAR)?, face(LATIN_BOLD)?],
        lao: [face(LAO_REGULAR)?, face(LAO_BOLD)?],
        db: Arc::new(db),
    })
}

static FONTS: LazyLock<Option<Fonts>> = LazyLock::new(load_fonts);

fn fonts() -> Result<&'static Fonts, PdfError> {
    FONTS.as_ref().ok_or(PdfError::Font)
}

fn is_lao(c: char) -> bool {
    ('\u{0E80}'..='\u{0EFF}').contains(&c)
}

/// A run of text in one font, shaped.
struct Shaped {
    lao: bool,
    text: String,
    glyphs: Vec<KrillaGlyph>,
    /// In ems.
    width: f32,
}

/// Cuts text into runs of Lao and of everything else; spaces and punctuation stay with the run
/// they are in, so that a Lao phrase with a space keeps one font.
fn runs(text: &str) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    for c in text.chars() {
        let neutral = c.is_whitespace() || c.is_ascii_punctuation();
        match out.last_mut() {
            Some((lao, s)) if neutral || *lao == is_lao(c) => s.push(c),
            _ => out.push((is_lao(c), c.to_string())),
        }
    }
    out
}

fn shape(fonts: &Fonts, text: &str, bold: bool) -> Vec<Shaped> {
    runs(text)
        .into_iter()
        .map(|(lao, t)| {
            let f = if lao { &fonts.lao } else { &fonts.latin };
            let face = &f[usize::from(bold)];
            let upem = face.font.units_per_em();
            let mut buffer = rustybuzz::UnicodeBuffer::new();
            buffer.push_str(&t);
            buffer.guess_segment_properties();
            let out = rustybuzz::shape(&face.shaper, &[], buffer);
            let infos = out.glyph_infos();
            let positions = out.glyph_positions();
            let mut glyphs = Vec::with_capacity(infos.len());
            let mut width = 0.0;
            for (i, (info, pos)) in infos.iter().zip(positions).enumerate() {
                let start = info.cluster as usize;
                let end = infos[i..]
                    .iter()
                    .find(|n| n.cluster != info.cluster)
                    .map_or(t.len(), |n| n.cluster as usize);
                let advance = pos.x_advance as f32 / upem;
                width += advance;
                glyphs.push(KrillaGlyph::new(
                    GlyphId::new(info.glyph_id),
                    advance,
                    pos.x_offset as f32 / upem,
                    pos.y_offset as f32 / upem,
                    pos.y_advance as f32 / upem,
                    start..end.max(start),
                    None,
                ));
            }
            Shaped {
                lao,
                text: t,
                glyphs,
                width,
            }
        })
        .collect()
}

/// The width of a line of text in points.
pub fn text_width(text: &str, size: f32, bold: bool) -> Result<f32, PdfError> {
    let f = fonts()?;
    Ok(shape(f, text, bold).iter().map(|s| s.width).sum::<f32>() * size)
}

/// Breaks text into lines no wider than `width` points, at the places Unicode's line-breaking
/// rules allow (between Lao words by ICU4X's dictionary). A word wider than the line is left
/// whole on its own line. Line feeds in the text are kept.
pub fn wrap(text: &str, size: f32, bold: bool, width: f32) -> Result<Vec<String>, PdfError> {
    let segmenter = LineSegmenter::new_dictionary(LineBreakOptions::default());
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let breaks: Vec<usize> = segmenter.segment_str(paragraph).collect();
        let mut line_start = 0usize;
        let mut last_fit: Option<usize> = None;
        for &b in breaks.iter().filter(|b| **b > 0) {
            let candidate = paragraph[line_start..b].trim_end();
            if text_width(candidate, size, bold)? <= width {
                last_fit = Some(b);
                continue;
            }
            match last_fit {
                Some(fit) => {
                    lines.push(paragraph[line_start..fit].trim_end().to_owned());
                    line_start = fit;
                    let rest = paragraph[line_start..b].trim_end();
                    last_fit = if text_width(rest, size, bold)? <= width {
                        Some(b)
                    } else {
                        // One word wider than the line: alone on its line.
                        lines.push(rest.to_owned());
                        line_start = b;
                        None
                    };
                }
                None => {
                    lines.push(candidate.to_owned());
                    line_start = b;
                }
            }
        }
        let rest = paragraph[line_start..].trim_end();
        if !rest.is_empty() || lines.is_empty() || line_start == 0 {
            lines.push(rest.to_owned());
        }
    }
    Ok(lines)
}

/// Where the next block goes while laying out.
struct Cursor {
    pages: Vec<Vec<Item>>,
    y: f32,
}

impl Cursor {
    fn room(&self) -> f32 {
        CONTENT_BOTTOM - self.y
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = CONTENT_TOP;
    }

    fn ensure(&mut self, h: f32) {
        if self.room() < h && self.y > CONTENT_TOP {
            self.new_page();
        }
    }

    fn push(&mut self, item: Item) {
        if let Some(p) = self.pages.last_mut() {
            p.push(item);
        }
    }

    fn text_lines(
        &mut self,
        text: &str,
        size: f32,
        bold: bool,
        grey: bool,
    ) -> Result<(), PdfError> {
        let line_h = size * LEADING;
        for line in wrap(text, size, bold, CONTENT_WIDTH)? {
            self.ensure(line_h);
            self.y += line_h;
            self.push(Item::Text {
                x: MARGIN,
                y: self.y - size * 0.3,
                size,
                bold,
                grey,
                text: line,
            });
        }
        Ok(())
    }
}

/// Lays a document out on A4 pages (the running header and footer are added when painting,
/// once the number of pages is known).
pub fn layout(doc: &Document) -> Result<Laid, PdfError> {
    let fonts = fonts()?;
    let mut c = Cursor {
        pages: vec![Vec::new()],
        y: CONTENT_TOP,
    };
    let mut figures = Vec::new();
    c.text_lines(&doc.title, 18.0, true, false)?;
    c.y += 4.0;
    for s in &doc.subtitle {
        c.text_lines(s, BODY, false, true)?;
    }
    c.y += 10.0;
    for (i, block) in doc.blocks.iter().enumerate() {
        match block {
            Block::Heading(t) => {
                c.ensure(KEEP_WITH_NEXT);
                if c.y > CONTENT_TOP {
                    c.y += 14.0;
                }
                c.text_lines(t, 14.0, true, false)?;
                let y = c.y + 3.0;
                c.push(Item::Rule {
                    x1: MARGIN,
                    y1: y,
                    x2: MARGIN + CONTENT_WIDTH,
                    y2: y,
                });
                c.y += 8.0;
            }
            Block::Subheading(t) => {
                c.ensure(KEEP_WITH_NEXT * 0.7);
                c.y += 6.0;
                c.text_lines(t, 11.5, true, false)?;
                c.y += 2.0;
            }
            Block::Paragraph(t) => {
                c.text_lines(t, BODY, false, false)?;
                c.y += 5.0;
            }
            Block::Note(t) => {
                c.text_lines(t, SMALL, false, true)?;
                c.y += 5.0;
            }
            Block::Table(t) => {
                table(&mut c, t)?;
                c.y += 8.0;
            }
            Block::Figure(f) => {
                let opts = usvg::Options {
                    fontdb: fonts.db.clone(),
                    font_family: "Noto Sans".to_owned(),
                    ..usvg::Options::default()
                };
                let tree = usvg::Tree::from_str(&f.svg, &opts)
                    .map_err(|e| PdfError::Figure(i, e.to_string()))?;
                let size = tree.size();
                let mut w = CONTENT_WIDTH.min(size.width());
                let mut h = size.height() * w / size.width().max(1.0);
                let most = CONTENT_BOTTOM - CONTENT_TOP;
                if h > most {
                    w *= most / h;
                    h = most;
                }
                c.ensure(h + 6.0);
                c.push(Item::Figure {
                    x: MARGIN,
                    y: c.y + 3.0,
                    w,
                    h,
                    index: figures.len(),
                });
                figures.push(tree);
                c.y += h + 12.0;
            }
        }
    }
    Ok(Laid {
        pages: c.pages,
        figures,
    })
}

fn table(c: &mut Cursor, t: &Table) -> Result<(), PdfError> {
    let n = t.header.len().max(1);
    let total: f32 = t.widths.iter().take(n).sum::<f32>().max(f32::EPSILON);
    let widths: Vec<f32> = (0..n)
        .map(|i| CONTENT_WIDTH * t.widths.get(i).copied().unwrap_or(1.0) / total)
        .collect();
    let pad = 3.0;
    let line_h = 9.0 * LEADING;
    let cells = |row: &[String], bold: bool| -> Result<(Vec<Vec<String>>, f32), PdfError> {
        let mut out = Vec::new();
        let mut lines = 1usize;
        for (i, w) in widths.iter().enumerate() {
            let text = row.get(i).map(String::as_str).unwrap_or("");
            let l = wrap(text, 9.0, bold, w - 2.0 * pad)?;
            lines = lines.max(l.len());
            out.push(l);
        }
        Ok((out, lines as f32 * line_h + 2.0 * pad))
    };
    let (head, head_h) = cells(&t.header, true)?;
    let draw_row = |c: &mut Cursor, row: &[Vec<String>], h: f32, bold: bool| {
        let mut x = MARGIN;
        if bold {
            c.push(Item::Shade {
                x: MARGIN,
                y: c.y,
                w: CONTENT_WIDTH,
                h,
            });
        }
        for (i, (lines, w)) in row.iter().zip(&widths).enumerate() {
            let right = t.numeric.get(i).copied().unwrap_or(false);
            for (k, line) in lines.iter().enumerate() {
                let lw = text_width(line, 9.0, bold).unwrap_or(0.0);
                let lx = if right { x + w - pad - lw } else { x + pad };
                c.push(Item::Text {
                    x: lx,
                    y: c.y + pad + (k as f32 + 1.0) * line_h - 9.0 * 0.35,
                    size: 9.0,
                    bold,
                    grey: false,
                    text: line.clone(),
                });
            }
            x += w;
        }
        c.y += h;
        c.push(Item::Rule {
            x1: MARGIN,
            y1: c.y,
            x2: MARGIN + CONTENT_WIDTH,
            y2: c.y,
        });
    };
    let mut rows = Vec::with_capacity(t.rows.len());
    for r in &t.rows {
        rows.push(cells(r, false)?);
    }
    // The header and at least the first row together.
    let first = rows.first().map(|r| r.1).unwrap_or(0.0);
    c.ensure(head_h + first);
    draw_row(c, &head, head_h, true);
    for (row, h) in &rows {
        if c.room() < *h {
            c.new_page();
            draw_row(c, &head, head_h, true);
        }
        draw_row(c, row, *h, false);
    }
    Ok(())
}

fn rect_path(x: f32, y: f32, w: f32, h: f32) -> Option<krilla::geom::Path> {
    let mut pb = PathBuilder::new();
    pb.push_rect(Rect::from_xywh(x, y, w, h)?);
    pb.finish()
}

fn line_path(x1: f32, y1: f32, x2: f32, y2: f32) -> Option<krilla::geom::Path> {
    let mut pb = PathBuilder::new();
    pb.move_to(x1, y1);
    pb.line_to(x2, y2);
    pb.finish()
}

fn colour(grey: bool) -> rgb::Color {
    if grey {
        rgb::Color::new(90, 90, 90)
    } else {
        rgb::Color::new(20, 20, 20)
    }
}

/// How a line of text is set.
#[derive(Clone, Copy)]
struct Style {
    size: f32,
    bold: bool,
    grey: bool,
}

fn draw_text(s: &mut Surface<'_>, fonts: &Fonts, (x, y): (f32, f32), style: Style, text: &str) {
    let Style { size, bold, grey } = style;
    s.set_fill(Some(Fill {
        paint: colour(grey).into(),
        ..Fill::default()
    }));
    let mut x = x;
    for run in shape(fonts, text, bold) {
        let f = if run.lao { &fonts.lao } else { &fonts.latin };
        let font = f[usize::from(bold)].font.clone();
        s.draw_glyphs(
            Point::from_xy(x, y),
            &run.glyphs,
            font,
            &run.text,
            size,
            false,
        );
        x += run.width * size;
    }
}

/// Paints a laid-out document: each page with the running header, the figures and the footer
/// "Page n of m".
pub fn paint(doc: &Document, laid: &Laid) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts()?;
    let mut pdf = PdfWriter::new();
    pdf.set_metadata(
        Metadata::new()
            .title(doc.title.clone())
            .language(doc.language.clone())
            .creator(format!("dcis {}", env!("CARGO_PKG_VERSION"))),
    );
    let pages = laid.pages.len();
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
        .ok_or_else(|| PdfError::Write("page size".into()))?;
    for (n, items) in laid.pages.iter().enumerate() {
        let mut page = pdf.start_page_with(settings.clone());
        let mut s = page.surface();
        let small = Style {
            size: SMALL,
            bold: false,
            grey: true,
        };
        draw_text(&mut s, fonts, (MARGIN, MARGIN - 6.0), small, &doc.header);
        let label = doc
            .page_label
            .replace("{page}", &(n + 1).to_string())
            .replace("{pages}", &pages.to_string());
        let lw = text_width(&label, SMALL, false)?;
        draw_text(
            &mut s,
            fonts,
            (PAGE_WIDTH - MARGIN - lw, PAGE_HEIGHT - MARGIN + 14.0),
            small,
            &label,
        );
        for item in items {
            match item {
                Item::Text {
                    x,
                    y,
                    size,
                    bold,
                    grey,
                    text,
                } => draw_text(
                    &mut s,
                    fonts,
                    (*x, *y),
                    Style {
                        size: *size,
                        bold: *bold,
                        grey: *grey,
                    },
                    text,
                ),
                Item::Rule { x1, y1, x2, y2 } => {
                    if let Some(p) = line_path(*x1, *y1, *x2, *y2) {
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke {
                            paint: rgb::Color::new(180, 180, 180).into(),
                            width: 0.6,
                            ..Stroke::default()
                        }));
                        s.draw_path(&p);
                        s.set_stroke(None);
                    }
                }
                Item::Shade { x, y, w, h } => {
                    if let Some(p) = rect_path(*x, *y, *w, *h) {
                        s.set_stroke(None);
                        s.set_fill(Some(Fill {
                            paint: rgb::Color::new(238, 238, 238).into(),
                            ..Fill::default()
                        }));
                        s.draw_path(&p);
                    }
                }
                Item::Figure { x, y, w, h, index } => {
                    let tree = laid
                        .figures
                        .get(*index)
                        .ok_or_else(|| PdfError::Write("a figure went missing".into()))?;
                    let size = Size::from_wh(*w, *h)
                        .ok_or_else(|| PdfError::Figure(*index, "empty".into()))?;
                    s.push_transform(&Transform::from_translate(*x, *y));
                    s.draw_svg(tree, size, SvgSettings::default())
                        .ok_or_else(|| PdfError::Figure(*index, "not drawn".into()))?;
                    s.pop();
                }
            }
        }
        s.finish();
        page.finish();
    }
    pdf.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
}

/// Lays out and paints a document.
pub fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let laid = layout(doc)?;
    paint(doc, &laid)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn lao_and_latin_are_separate_runs() {
        assert_eq!(
            runs("ລາຍງານ 2025: Bokeo ແຂວງ"),
            vec![
                (true, "ລາຍງານ ".to_owned()),
                (false, "2025: Bokeo ".to_owned()),
                (true, "ແຂວງ".to_owned())
            ]
        );
        // Digits are set in the Latin face: they are not neutral.
        assert_eq!(runs("ab"), vec![(false, "ab".to_owned())]);
    }

    #[test]
    fn lao_marks_take_no_width_of_their_own() {
        // ກີ່ : a consonant with a vowel and a tone mark stacked above it is as wide as the
        // consonant alone, because the marks are placed over it by shaping.
        let base = text_width("ກ", 10.0, false).unwrap();
        let stacked = text_width("ກີ່", 10.0, false).unwrap();
        assert!(base > 0.0);
        assert!((stacked - base).abs() < 0.01, "{base} {stacked}");
    }

    #[test]
    fn wrapping_keeps_every_word_and_each_line_fits() {
        let text = "The figures cover every case whose province lies in the scope of the user who made the report, whoever owns it.";
        let lines = wrap(text, 10.0, false, 150.0).unwrap();
        assert!(lines.len() > 3, "{lines:?}");
        for l in &lines {
            assert!(text_width(l, 10.0, false).unwrap() <= 150.0, "{l}");
            assert_eq!(l.trim(), l);
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn lao_wraps_between_words_without_spaces() {
        let text = "ລາຍງານສະພາບການປະຈຳເດືອນກ່ຽວກັບການຍຶດຢາເສບຕິດໃນແຂວງບໍ່ແກ້ວ";
        let lines = wrap(text, 10.0, false, 90.0).unwrap();
        assert!(lines.len() > 1, "{lines:?}");
        // Nothing lost, nothing added, and no line starts with a combining mark.
        assert_eq!(lines.concat(), text);
        for l in &lines {
            let first = l.chars().next().unwrap();
            assert!(
                !matches!(first, '\u{0EB1}' | '\u{0EB4}'..='\u{0EBC}' | '\u{0EC8}'..='\u{0ECD}'),
                "{l}"
            );
        }
    }

    #[test]
    fn a_word_wider_than_the_line_is_alone_and_whole() {
        let lines = wrap("a verylongwordthatdoesnotfit b", 10.0, false, 40.0).unwrap();
        assert_eq!(lines, vec!["a", "verylongwordthatdoesnotfit", "b"]);
        assert_eq!(wrap("", 10.0, false, 40.0).unwrap(), vec![""]);
    }

    fn doc(blocks: Vec<Block>) -> Document {
        Document {
            title: "Situation report".into(),
            subtitle: vec!["April 2025".into()],
            header: "Situation report · 2025-04".into(),
            page_label: "Page {page} of {pages}".into(),
            language: "en".into(),
            blocks,
        }
    }

    fn texts(page: &[Item]) -> Vec<&str> {
        page.iter()
            .filter_map(|i| match i {
                Item::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_long_table_goes_on_over_pages_with_its_header() {
        let rows: Vec<Vec<String>> = (0..120)
            .map(|i| vec![format!("row {i}"), i.to_string()])
            .collect();
        let d = doc(vec![Block::Table(Table {
            header: vec!["Substance".into(), "Cases".into()],
            rows,
            widths: vec![3.0, 1.0],
            numeric: vec![false, true],
        })]);
        let laid = layout(&d).unwrap();
        assert!(laid.pages.len() >= 3, "{}", laid.pages.len());
        let mut seen = Vec::new();
        for p in &laid.pages {
            let t = texts(p);
            assert!(t.contains(&"Substance"), "every page repeats the header");
            seen.extend(
                t.iter()
                    .filter(|s| s.starts_with("row "))
                    .map(|s| s.to_string()),
            );
            for i in p {
                if let Item::Text { y, .. } = i {
                    assert!(*y <= CONTENT_BOTTOM && *y >= CONTENT_TOP - 20.0);
                }
            }
        }
        let expect: Vec<String> = (0..120).map(|i| format!("row {i}")).collect();
        assert_eq!(seen, expect, "every row once, in order");
    }

    #[test]
    fn a_heading_is_not_left_at_the_foot_of_a_page() {
        let mut blocks: Vec<Block> = (0..45)
            .map(|i| Block::Paragraph(format!("Paragraph {i}.")))
            .collect();
        blocks.push(Block::Heading("Seizures".into()));
        blocks.push(Block::Paragraph("After the heading.".into()));
        let laid = layout(&doc(blocks)).unwrap();
        let page_of = |s: &str| laid.pages.iter().position(|p| texts(p).contains(&s));
        assert_eq!(page_of("Seizures"), page_of("After the heading."));
        let p = page_of("Seizures").unwrap();
        // The heading either starts its page or has room below it.
        for i in &laid.pages[p] {
            if let Item::Text { text, y, .. } = i {
                if text == "Seizures" {
                    assert!(CONTENT_BOTTOM - y >= KEEP_WITH_NEXT - 30.0);
                }
            }
        }
    }

    #[test]
    fn a_figure_is_never_split_and_a_pdf_is_written() {
        let svg = crate::chart::bar_chart(&crate::chart::BarChart {
            title: "ກໍລະນີ Cases".into(),
            bars: vec![crate::chart::Bar {
                label: "Bokeo".into(),
                value: Some(3.0),
                text: "3".into(),
            }],
            hidden_note: String::new(),
        });
        let mut blocks: Vec<Block> = (0..40)
            .map(|i| Block::Paragraph(format!("Paragraph {i}.")))
            .collect();
        for _ in 0..3 {
            blocks.push(Block::Figure(Figure {
                svg: svg.clone(),
                alt: "Cases".into(),
            }));
        }
        let d = doc(blocks);
        let laid = layout(&d).unwrap();
        for p in &laid.pages {
            for i in p {
                if let Item::Figure { y, h, .. } = i {
                    assert!(y + h <= CONTENT_BOTTOM + 0.01);
                }
            }
        }
        let bytes = paint(&d, &laid).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
    }

    #[test]
    fn a_figure_that_is_not_svg_is_an_error_naming_it() {
        let d = doc(vec![Block::Figure(Figure {
            svg: "<html>".into(),
            alt: String::new(),
        })]);
        assert!(matches!(layout(&d), Err(PdfError::Figure(0, _))));
    }
}
