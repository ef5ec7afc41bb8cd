//! The picture as PNG: the SVG picture ([`super::svg`]) rasterised by resvg at twice its size
//! (a 2× device pixel ratio, sharp on high-density screens and in slides), with the text set
//! in the system's fonts. The provenance is in `iTXt` chunks (`Software`, `Description`, and
//! `provenance` with the JSON object), which image viewers and Pillow (`Image.text`) show.
//!
//! Two things can make the picture less than asked, and neither fails the export; each is a
//! warning for the user instead:
//!
//! - no usable font on the machine: the shapes are drawn, the text is not;
//! - a picture so large that 2× would pass [`MAX_PIXELS`] (or [`MAX_SIDE`] on one side): it is
//!   drawn smaller, so that a huge graph does not allocate gigabytes.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia;
use resvg::usvg;
/// The font database resvg draws text with (for [`render_with_fonts`]).
pub use resvg::usvg::fontdb;

use super::Export;

/// Pixels per SVG unit: a 2× device pixel ratio.
pub const SCALE: f32 = 2.0;
/// At most this many pixels (about 160 MiB while drawing); larger pictures are drawn smaller.
pub const MAX_PIXELS: u64 = 40_000_000;
/// At most this many pixels on one side.
pub const MAX_SIDE: u32 = 16_384;

/// A rendered PNG: the file's bytes, its size in pixels, and warnings for the user.
#[derive(Debug, Clone)]
pub struct Png {
    /// The PNG file's bytes.
    pub bytes: Vec<u8>,
    /// The picture's width in pixels.
    pub width: u32,
    /// The picture's height in pixels.
    pub height: u32,
    /// Warnings for the user: the picture was drawn, but not quite as asked.
    pub warnings: Vec<String>,
}

/// The system's fonts, loaded once per process (scanning the font directories takes a while,
/// and `:show` may draw many pictures).
pub fn system_fonts() -> Arc<fontdb::Database> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_system_fonts();
            Arc::new(db)
        })
        .clone()
}

/// Renders the export's picture as PNG with the system's fonts.
pub fn render(ex: &Export) -> Result<Png, String> {
    render_with_fonts(ex, system_fonts())
}

/// Renders the export's picture as PNG with the given fonts (an empty database draws no text).
pub fn render_with_fonts(ex: &Export, fonts: Arc<fontdb::Database>) -> Result<Png, String> {
    let svg = super::svg::render(ex)?;
    let version = format!("silkgraph {}", ex.prov.version);
    let one_line = ex.prov.one_line();
    let json = ex.prov.to_json().to_string();
    let meta = [("Software", version.as_str()), ("Description", one_line.as_str()), ("provenance", json.as_str())];
    rasterize(&svg, fonts, &meta)
}

/// Rasterises an SVG document at [`SCALE`] (less when that would pass the size limits) and
/// encodes it as PNG with `meta` as `iTXt` chunks.
pub fn rasterize(svg: &str, fonts: Arc<fontdb::Database>, meta: &[(&str, &str)]) -> Result<Png, String> {
    let mut warnings = Vec::new();
    let fonts = usable_fonts(fonts, super::svg::FONT, &mut warnings);
    let opt = usvg::Options { fontdb: fonts, ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| format!("cannot draw the picture: {e}"))?;
    let (w, h) = (tree.size().width(), tree.size().height());
    let scale = fit_scale(w, h);
    if scale < SCALE {
        warnings.push(format!(
            "the picture is {w:.0}×{h:.0} points, too large for a {SCALE}× PNG: drawn at {scale:.2} pixels per \
             point to stay within {} megapixels (the SVG and HTML views have no such limit)",
            MAX_PIXELS / 1_000_000
        ));
    }
    let width = ((w * scale).ceil() as u32).clamp(1, MAX_SIDE);
    let height = ((h * scale).ceil() as u32).clamp(1, MAX_SIDE);
    let mut pixmap =
        tiny_skia::Pixmap::new(width, height).ok_or_else(|| format!("cannot allocate a {width}×{height} picture"))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    let png = pixmap.encode_png().map_err(|e| format!("cannot encode the PNG: {e}"))?;
    Ok(Png { bytes: with_text_chunks(png, meta), width, height, warnings })
}

/// The pixels per point for a `w`×`h` picture: [`SCALE`], or less to stay within
/// [`MAX_PIXELS`] and [`MAX_SIDE`].
pub fn fit_scale(w: f32, h: f32) -> f32 {
    let (w, h) = (w.max(1.0) as f64, h.max(1.0) as f64);
    let by_area = (MAX_PIXELS as f64 / (w * h)).sqrt();
    let by_side = MAX_SIDE as f64 / w.max(h);
    // A little under the exact bound, so that rounding the size up stays within it.
    let fit = by_area.min(by_side) * 0.999;
    (SCALE as f64).min(fit) as f32
}

/// Fonts the picture's `font-family` list finds. When none of its families is installed but
/// other fonts are, the generic `sans-serif` (the list's last entry) is pointed at one of them
/// — a sans face when there is one — so the text is still drawn. With no fonts at all the
/// picture has no text, and a warning says so.
fn usable_fonts(fonts: Arc<fontdb::Database>, family_list: &str, warnings: &mut Vec<String>) -> Arc<fontdb::Database> {
    if fonts.is_empty() {
        warnings.push(
            "no fonts found on this system: the PNG is drawn without text (install a font package such as \
             fonts-dejavu-core, or use the SVG or HTML picture)"
                .into(),
        );
        return fonts;
    }
    let names: Vec<&str> = family_list.split(',').map(str::trim).collect();
    let mut families: Vec<fontdb::Family> = names
        .iter()
        .map(|n| match *n {
            "sans-serif" => fontdb::Family::SansSerif,
            "serif" => fontdb::Family::Serif,
            other => fontdb::Family::Name(other),
        })
        .collect();
    families.push(fontdb::Family::SansSerif);
    if fonts.query(&fontdb::Query { families: &families, ..fontdb::Query::default() }).is_some() {
        return fonts;
    }
    let family = |f: &fontdb::FaceInfo| f.families.first().map(|(name, _)| name.clone());
    let pick = fonts
        .faces()
        .filter(|f| family(f).is_some_and(|n| n.contains("Sans")) && f.style == fontdb::Style::Normal)
        .chain(fonts.faces())
        .find_map(family);
    match pick {
        Some(name) => {
            let mut db = (*fonts).clone();
            db.set_sans_serif_family(name);
            Arc::new(db)
        }
        None => fonts,
    }
}

/// The PNG with `iTXt` chunks (uncompressed UTF-8 text) inserted after its `IHDR` chunk.
fn with_text_chunks(png: Vec<u8>, meta: &[(&str, &str)]) -> Vec<u8> {
    // The 8-byte signature, then IHDR: length (4), type (4), 13 bytes of data, CRC (4).
    const AFTER_IHDR: usize = 8 + 4 + 4 + 13 + 4;
    if png.len() < AFTER_IHDR || &png[12..16] != b"IHDR" {
        return png;
    }
    let mut out = Vec::with_capacity(png.len() + meta.iter().map(|(k, v)| k.len() + v.len() + 17).sum::<usize>());
    out.extend_from_slice(&png[..AFTER_IHDR]);
    for (key, text) in meta {
        // Keyword (1-79 Latin-1 bytes), NUL, compression flag and method (0: none), an empty
        // language tag and translated keyword (each NUL-terminated), then the UTF-8 text.
        let key: String = key.chars().filter(|c| c.is_ascii_graphic() || *c == ' ').take(79).collect();
        let mut data = Vec::with_capacity(key.len() + 5 + text.len());
        data.extend_from_slice(key.as_bytes());
        data.extend_from_slice(&[0, 0, 0, 0, 0]);
        data.extend_from_slice(text.as_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = crc32fast::Hasher::new();
        crc.update(b"iTXt");
        crc.update(&data);
        out.extend_from_slice(b"iTXt");
        out.extend_from_slice(&data);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
    }
    out.extend_from_slice(&png[AFTER_IHDR..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_is_two_until_the_limits_then_less() {
        assert_eq!(fit_scale(1351.0, 1352.0), SCALE);
        let s = fit_scale(20_000.0, 20_000.0);
        assert!(s < 1.0 && (20_000.0 * s) as u64 * (20_000.0 * s) as u64 <= MAX_PIXELS, "{s}");
        let s = fit_scale(100_000.0, 300.0);
        assert!(100_000.0 * s <= MAX_SIDE as f32, "{s}");
    }

    #[test]
    fn text_chunks_follow_the_header_with_their_checksums() {
        let png = rasterize(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"5\"/>",
            Arc::new(fontdb::Database::new()),
            &[("Description", "ü")],
        )
        .unwrap();
        assert_eq!((png.width, png.height), (20, 10));
        let b = &png.bytes;
        assert_eq!(&b[37..41], b"iTXt");
        let len = u32::from_be_bytes(b[33..37].try_into().unwrap()) as usize;
        assert_eq!(&b[41..41 + len], b"Description\0\0\0\0\0\xc3\xbc");
        let crc = crc32fast::hash(&b[37..41 + len]);
        assert_eq!(b[41 + len..45 + len], crc.to_be_bytes());
        assert!(png.warnings.iter().any(|w| w.contains("no fonts")), "{:?}", png.warnings);
    }
}
