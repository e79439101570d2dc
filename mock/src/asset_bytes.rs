//! The bytes of the assets the mock serves, made in code: a small valid
//! PNG, a small valid ZIP, and a large video generated lazily in chunks.

use bytes::Bytes;

/// The CRC-32 (IEEE) that PNG chunks and ZIP entries carry.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + u32::from(x)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend((data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend(kind);
    out.extend(data);
    let crc = crc32(&out[start..]);
    out.extend(crc.to_be_bytes());
}

/// A `width` × `height` RGB PNG: a band of `rgb` over a light grey page.
/// Its image data is stored uncompressed (one stored deflate block, so at
/// most 65 535 bytes of raw rows).
pub(crate) fn png(width: u32, height: u32, rgb: [u8; 3]) -> Vec<u8> {
    let mut raw = Vec::new();
    for y in 0..height {
        raw.push(0); // filter: none
        for _ in 0..width {
            let band = y < height / 4;
            raw.extend(if band { rgb } else { [0xee, 0xee, 0xee] });
        }
    }
    raw.truncate(0xffff);
    let len = raw.len() as u16;
    let mut zlib = vec![0x78, 0x01, 0x01];
    zlib.extend(len.to_le_bytes());
    zlib.extend((!len).to_le_bytes());
    zlib.extend(&raw);
    zlib.extend(adler32(&raw).to_be_bytes());

    let mut ihdr = Vec::new();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no filter, no interlace
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    png_chunk(&mut out, b"IHDR", &ihdr);
    png_chunk(&mut out, b"IDAT", &zlib);
    png_chunk(&mut out, b"IEND", &[]);
    out
}

/// A ZIP archive of the given files, stored without compression.
pub(crate) fn zip(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in files {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let size = data.len() as u32;
        let name_len = name.len() as u16;
        // Local file header.
        out.extend(0x0403_4b50u32.to_le_bytes());
        out.extend([20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]); // version, flags, stored, time, date
        out.extend(crc.to_le_bytes());
        out.extend(size.to_le_bytes());
        out.extend(size.to_le_bytes());
        out.extend(name_len.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(name.as_bytes());
        out.extend(*data);
        // Its central directory entry.
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend([20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]);
        central.extend(crc.to_le_bytes());
        central.extend(size.to_le_bytes());
        central.extend(size.to_le_bytes());
        central.extend(name_len.to_le_bytes());
        central.extend([0u8; 12]); // extra, comment, disk, attributes
        central.extend(offset.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let central_offset = out.len() as u32;
    let count = files.len() as u16;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend(count.to_le_bytes());
    out.extend(count.to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(central_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// The size of one chunk of a large generated asset.
const CHUNK: usize = 64 * 1024;

/// Byte `i` of a large generated asset: a WebM (EBML) magic, then a
/// pattern that repeats only every 251 × 256 bytes.
pub(crate) fn large_byte(i: usize) -> u8 {
    const MAGIC: [u8; 4] = [0x1a, 0x45, 0xdf, 0xa3];
    match MAGIC.get(i) {
        Some(b) => *b,
        None => ((i % 251) as u8) ^ ((i / 251) as u8),
    }
}

/// Chunk `n` (of [`CHUNK`] bytes, the last one shorter) of a generated
/// asset of `size` bytes; `None` past its end.
pub(crate) fn large_chunk(size: usize, n: usize) -> Option<Bytes> {
    let start = n.checked_mul(CHUNK)?;
    if start >= size {
        return None;
    }
    let end = size.min(start + CHUNK);
    Some((start..end).map(large_byte).collect::<Vec<u8>>().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }

    #[test]
    fn png_and_zip_shapes() {
        let p = png(16, 8, [0xd0, 0x30, 0x30]);
        assert!(p.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(p.ends_with(&[0xAE, 0x42, 0x60, 0x82])); // IEND's CRC
        let z = zip(&[("trace.trace", b"{}"), ("network", b"[]")]);
        assert!(z.starts_with(b"PK\x03\x04"));
        assert_eq!(&z[z.len() - 22..z.len() - 18], b"PK\x05\x06");
    }

    #[test]
    fn large_chunks_cover_the_size() {
        let size = CHUNK * 2 + 7;
        let chunks: Vec<Bytes> = (0..).map_while(|n| large_chunk(size, n)).collect();
        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks.iter().map(Bytes::len).sum::<usize>(), size);
        assert_eq!(chunks[2][6], large_byte(size - 1));
    }
}
