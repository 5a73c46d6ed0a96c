//! Gunzip for SARIF uploads (`sarif` is gzip then base64): a small DEFLATE decoder (RFC 1951)
//! behind the gzip header (RFC 1952), bounded in what it produces.

/// Why a body would not gunzip.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Gunzip {
    /// Not gzip, or a corrupt stream.
    Corrupt,
    /// More than the bound once inflated.
    TooLarge,
}

/// The bytes `data` (one gzip member) inflates to, at most `max` of them.
pub(crate) fn gunzip(data: &[u8], max: usize) -> Result<Vec<u8>, Gunzip> {
    const FHCRC: u8 = 2;
    const FEXTRA: u8 = 4;
    const FNAME: u8 = 8;
    const FCOMMENT: u8 = 16;
    if data.len() < 18 || data[..3] != [0x1f, 0x8b, 8] {
        return Err(Gunzip::Corrupt);
    }
    let flags = data[3];
    let mut at = 10;
    if flags & FEXTRA != 0 {
        let len = usize::from(*data.get(at).ok_or(Gunzip::Corrupt)?)
            | usize::from(*data.get(at + 1).ok_or(Gunzip::Corrupt)?) << 8;
        at += 2 + len;
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            let end = data
                .get(at..)
                .and_then(|rest| rest.iter().position(|b| *b == 0));
            at += end.ok_or(Gunzip::Corrupt)? + 1;
        }
    }
    if flags & FHCRC != 0 {
        at += 2;
    }
    let stream = data.get(at..).ok_or(Gunzip::Corrupt)?;
    Inflater {
        data: stream,
        bit: 0,
        out: Vec::new(),
        max,
    }
    .run()
}

/// A DEFLATE stream being decoded.
struct Inflater<'a> {
    data: &'a [u8],
    bit: usize,
    out: Vec<u8>,
    max: usize,
}

/// A canonical Huffman code: how many codes of each length, and the symbols in code order.
struct Huffman {
    counts: [u16; 16],
    symbols: Vec<u16>,
}

impl Huffman {
    fn new(lengths: &[u8]) -> Result<Self, Gunzip> {
        let mut counts = [0u16; 16];
        for &len in lengths {
            counts[usize::from(len)] += 1;
        }
        counts[0] = 0;
        let mut offsets = [0u16; 16];
        for len in 1..15 {
            offsets[len + 1] = offsets[len] + counts[len];
        }
        let mut symbols = vec![0u16; lengths.len()];
        for (symbol, &len) in lengths.iter().enumerate() {
            if len != 0 {
                let slot = &mut offsets[usize::from(len)];
                *symbols.get_mut(usize::from(*slot)).ok_or(Gunzip::Corrupt)? =
                    u16::try_from(symbol).map_err(|_| Gunzip::Corrupt)?;
                *slot += 1;
            }
        }
        Ok(Self { counts, symbols })
    }
}

/// Base lengths and extra bits of length symbols 257–285, then of distance symbols.
const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
/// The order code length code lengths come in.
const ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

impl Inflater<'_> {
    fn bits(&mut self, n: u8) -> Result<u32, Gunzip> {
        let mut value = 0u32;
        for i in 0..n {
            let byte = self.data.get(self.bit / 8).ok_or(Gunzip::Corrupt)?;
            value |= u32::from((byte >> (self.bit % 8)) & 1) << i;
            self.bit += 1;
        }
        Ok(value)
    }

    fn decode(&mut self, code: &Huffman) -> Result<u16, Gunzip> {
        let (mut first, mut index, mut value) = (0i32, 0i32, 0i32);
        for len in 1..16 {
            value |= i32::try_from(self.bits(1)?).map_err(|_| Gunzip::Corrupt)?;
            let count = i32::from(code.counts[len]);
            if value - count < first {
                let at = usize::try_from(index + value - first).map_err(|_| Gunzip::Corrupt)?;
                return code.symbols.get(at).copied().ok_or(Gunzip::Corrupt);
            }
            index += count;
            first = (first + count) << 1;
            value <<= 1;
        }
        Err(Gunzip::Corrupt)
    }

    fn run(mut self) -> Result<Vec<u8>, Gunzip> {
        loop {
            let last = self.bits(1)? == 1;
            match self.bits(2)? {
                0 => self.stored()?,
                1 => {
                    let mut lengths = [8u8; 288];
                    lengths[144..256].fill(9);
                    lengths[256..280].fill(7);
                    let (lit, dist) = (Huffman::new(&lengths)?, Huffman::new(&[5; 30])?);
                    self.block(&lit, &dist)?;
                }
                2 => {
                    let (lit, dist) = self.dynamic()?;
                    self.block(&lit, &dist)?;
                }
                _ => return Err(Gunzip::Corrupt),
            }
            if last {
                return Ok(self.out);
            }
        }
    }

    fn stored(&mut self) -> Result<(), Gunzip> {
        let at = self.bit.div_ceil(8);
        let header = self.data.get(at..at + 4).ok_or(Gunzip::Corrupt)?;
        let len = usize::from(u16::from_le_bytes([header[0], header[1]]));
        if u16::from_le_bytes([header[0], header[1]]) != !u16::from_le_bytes([header[2], header[3]])
        {
            return Err(Gunzip::Corrupt);
        }
        let bytes = self.data.get(at + 4..at + 4 + len).ok_or(Gunzip::Corrupt)?;
        self.push_all(bytes)?;
        self.bit = (at + 4 + len) * 8;
        Ok(())
    }

    fn dynamic(&mut self) -> Result<(Huffman, Huffman), Gunzip> {
        let literals = usize::try_from(self.bits(5)? + 257).map_err(|_| Gunzip::Corrupt)?;
        let distances = usize::try_from(self.bits(5)? + 1).map_err(|_| Gunzip::Corrupt)?;
        let codes = usize::try_from(self.bits(4)? + 4).map_err(|_| Gunzip::Corrupt)?;
        let mut code_lengths = [0u8; 19];
        for &slot in &ORDER[..codes] {
            code_lengths[slot] = u8::try_from(self.bits(3)?).map_err(|_| Gunzip::Corrupt)?;
        }
        let code = Huffman::new(&code_lengths)?;
        let mut lengths = Vec::with_capacity(literals + distances);
        while lengths.len() < literals + distances {
            let (value, times) = match self.decode(&code)? {
                symbol @ 0..=15 => (u8::try_from(symbol).map_err(|_| Gunzip::Corrupt)?, 1),
                16 => (*lengths.last().ok_or(Gunzip::Corrupt)?, 3 + self.bits(2)?),
                17 => (0, 3 + self.bits(3)?),
                _ => (0, 11 + self.bits(7)?),
            };
            for _ in 0..times {
                lengths.push(value);
            }
        }
        if lengths.len() != literals + distances {
            return Err(Gunzip::Corrupt);
        }
        let (lit, dist) = lengths.split_at(literals);
        Ok((Huffman::new(lit)?, Huffman::new(dist)?))
    }

    fn block(&mut self, lit: &Huffman, dist: &Huffman) -> Result<(), Gunzip> {
        loop {
            let symbol = usize::from(self.decode(lit)?);
            match symbol {
                0..=255 => self.push_all(&[u8::try_from(symbol).map_err(|_| Gunzip::Corrupt)?])?,
                256 => return Ok(()),
                _ => {
                    let i = symbol - 257;
                    let extra = *LENGTH_EXTRA.get(i).ok_or(Gunzip::Corrupt)?;
                    let len = usize::from(LENGTH_BASE[i]) + self.bits(extra)? as usize;
                    let d = usize::from(self.decode(dist)?);
                    let extra = *DIST_EXTRA.get(d).ok_or(Gunzip::Corrupt)?;
                    let back = usize::from(DIST_BASE[d]) + self.bits(extra)? as usize;
                    if back > self.out.len() {
                        return Err(Gunzip::Corrupt);
                    }
                    if self.out.len() + len > self.max {
                        return Err(Gunzip::TooLarge);
                    }
                    for _ in 0..len {
                        self.out.push(self.out[self.out.len() - back]);
                    }
                }
            }
        }
    }

    fn push_all(&mut self, bytes: &[u8]) -> Result<(), Gunzip> {
        if self.out.len() + bytes.len() > self.max {
            return Err(Gunzip::TooLarge);
        }
        self.out.extend_from_slice(bytes);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{Gunzip, gunzip};

    /// `printf 'hello hello hello\n' | gzip -9n` (a fixed-code block; the API tests upload
    /// dynamic ones).
    #[test]
    fn inflates_gzip() {
        let fixed = [
            0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x57, 0xc8, 0x40,
            0x90, 0x5c, 0x00, 0x3b, 0x7c, 0x8a, 0xdf, 0x12, 0, 0, 0,
        ];
        assert_eq!(gunzip(&fixed, 100).unwrap(), b"hello hello hello\n");
        assert_eq!(gunzip(&fixed, 5), Err(Gunzip::TooLarge));
        assert_eq!(
            gunzip(b"not gzip at all, not at all", 100),
            Err(Gunzip::Corrupt)
        );
    }
}
