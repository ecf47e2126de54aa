//! The small writer every SVG drawing uses: escaping, compact numbers and one colour scale.

use std::fmt::Write as _;

/// Escapes text for an XML attribute or element body.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Characters XML 1.0 forbids are dropped rather than written.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with at most two decimals and no trailing zeros, so drawings stay small.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return "0".to_owned();
    }
    let rounded = (v * 100.0).round() / 100.0;
    let mut s = format!("{rounded:.2}");
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    if s == "-0" {
        s = "0".to_owned();
    }
    s
}

/// A sequential colour scale (light to dark), the same in maps and charts so that a legend
/// reads the same everywhere. Colours from ColorBrewer's "YlOrRd", which stays readable
/// when printed in grey and for the common colour-vision deficiencies.
pub const SEQUENTIAL: [&str; 5] = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];

/// The fill of a region or bar whose figure is not shown (suppressed or no data).
pub const NO_VALUE: &str = "#e0e0e0";

/// An SVG document being written: elements are appended as text.
#[derive(Debug)]
pub struct Svg {
    body: String,
    width: f64,
    height: f64,
}

impl Svg {
    pub fn new(width: f64, height: f64) -> Self {
        Self {
            body: String::new(),
            width,
            height,
        }
    }

    /// Appends raw SVG markup that the caller built with [`escape`] and [`num`].
    pub fn push(&mut self, markup: &str) {
        self.body.push_str(markup);
    }

    /// A text element; `anchor` is `start`, `middle` or `end`.
    pub fn text(&mut self, x: f64, y: f64, size: f64, anchor: &str, text: &str) {
        let _ = write!(
            self.body,
            r#"<text x="{}" y="{}" font-size="{}" text-anchor="{}">{}</text>"#,
            num(x),
            num(y),
            num(size),
            escape(anchor),
            escape(text)
        );
    }

    /// The finished document. `title` is read by screen readers and shown on hover.
    pub fn finish(self, title: &str) -> String {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" font-family="'Noto Sans Lao', 'Noto Sans', sans-serif"><title>{t}</title>{b}</svg>"#,
            w = num(self.width),
            h = num(self.height),
            t = escape(title),
            b = self.body
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_forbidden_controls() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(escape("a\u{1}b\tc"), "ab\tc");
        assert_eq!(escape("ວຽງຈັນ"), "ວຽງຈັນ");
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.5), "1.5");
        assert_eq!(num(1.234), "1.23");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(-12.346), "-12.35");
    }

    #[test]
    fn a_document_has_its_title_and_size() {
        let mut s = Svg::new(100.0, 50.0);
        s.text(10.0, 20.0, 12.0, "start", "Ban <Houayxay>");
        let out = s.finish("Cases & items");
        assert!(out.starts_with("<svg "));
        assert!(out.contains(r#"viewBox="0 0 100 50""#));
        assert!(out.contains("<title>Cases &amp; items</title>"));
        assert!(out.contains("Ban &lt;Houayxay&gt;"));
        assert!(out.ends_with("</svg>"));
    }
}
