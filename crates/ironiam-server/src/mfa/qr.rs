//! The QR code of a virtual MFA device, as a PNG.
//!
//! `CreateVirtualMFADevice` returns `QRCodePNG`, "a QR code PNG image that
//! encodes `otpauth://totp/...`" (botocore's `VirtualMFADevice` shape); the
//! console shows the same image. The modules come from `qrcodegen`; each is
//! drawn as a square of [`MODULE_PIXELS`] pixels inside the four-module quiet
//! zone the QR specification (ISO/IEC 18004) requires, so phone cameras and
//! `zbarimg` read it at once.

use qrcodegen::{QrCode, QrCodeEcc};

use super::png;

/// Pixels per module: large enough for a phone camera off a screen.
pub const MODULE_PIXELS: u32 = 6;

/// The light border around the symbol, in modules (ISO/IEC 18004 asks for 4).
pub const QUIET_ZONE: u32 = 4;

/// Why a QR code could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    /// The text does not fit in the largest QR code (version 40).
    #[error("the text is too long for a QR code")]
    TooLong,
}

/// A PNG of the QR code of `text`, at error correction level M (15%), which
/// is what authenticator apps expect and leaves room for screen glare.
///
/// # Errors
/// [`QrError::TooLong`] past QR version 40's capacity (about 2,300 bytes).
pub fn qr_code_png(text: &str) -> Result<Vec<u8>, QrError> {
    let code = QrCode::encode_text(text, QrCodeEcc::Medium).map_err(|_| QrError::TooLong)?;
    let modules = u32::try_from(code.size()).map_err(|_| QrError::TooLong)?;
    let side = (modules + 2 * QUIET_ZONE) * MODULE_PIXELS;
    Ok(png::bilevel(side, side, |x, y| {
        let module = |pixel: u32| {
            i32::try_from(pixel / MODULE_PIXELS)
                .ok()
                .and_then(|m| m.checked_sub(QUIET_ZONE as i32))
        };
        match (module(x), module(y)) {
            // Outside the symbol `get_module` answers light, so the quiet zone is light.
            (Some(mx), Some(my)) => code.get_module(mx, my),
            _ => false,
        }
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    #[test]
    fn symbol_is_centred_in_its_quiet_zone() {
        let text = "otpauth://totp/ironiam:phone%40123456789012?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ironiam&algorithm=SHA1&digits=6&period=30";
        let png = qr_code_png(text).unwrap();
        let code = QrCode::encode_text(text, QrCodeEcc::Medium).unwrap();
        let side = (code.size() as u32 + 8) * MODULE_PIXELS;
        // IHDR: width and height.
        assert_eq!(&png[16..20], &side.to_be_bytes());
        assert_eq!(&png[20..24], &side.to_be_bytes());
        // The same text always gives the same image.
        assert_eq!(qr_code_png(text).unwrap(), png);
    }

    #[test]
    fn text_too_long_for_any_version_is_refused() {
        assert_eq!(qr_code_png(&"x".repeat(4000)), Err(QrError::TooLong));
    }
}
