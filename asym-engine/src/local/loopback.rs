//! One HTTP/1.1 exchange with a clone backend's admin surface on loopback, for the harness's
//! hot path (the reset calls around every test). A general client costs a fresh test process
//! one to two milliseconds more per call in an unoptimised build than writing the request and
//! reading the answer to the end of the connection, and these calls need nothing else: the
//! backend is the kit's own server, the request has no body, the answer is small JSON.

use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// How long a call may take, connection to last byte (a reset waits for the one in flight).
const TIMEOUT: Duration = Duration::from_secs(30);

/// `method path` on `127.0.0.1:port` with `headers`; the status and the body.
///
/// # Errors
/// The connection's failures, a timeout, or an answer that is not HTTP/1.1.
pub(crate) async fn exchange(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> std::io::Result<(u16, Vec<u8>)> {
    let call = async {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
        stream.set_nodelay(true)?;
        let mut request = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n");
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("Content-Length: 0\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        parse(&answer)
    };
    tokio::time::timeout(TIMEOUT, call)
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer in 30 s"))?
}

/// The status and body of a whole HTTP/1.1 answer (body framed by the connection's end or
/// chunked).
fn parse(answer: &[u8]) -> std::io::Result<(u16, Vec<u8>)> {
    let bad = |why: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, why.to_owned());
    let end = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no end of headers"))?;
    let head = std::str::from_utf8(&answer[..end]).map_err(|_| bad("headers are not text"))?;
    let status = head
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| bad("no HTTP/1.1 status line"))?;
    let body = &answer[end + 4..];
    let chunked = head.lines().any(|line| {
        line.split_once(':').is_some_and(|(name, value)| {
            name.trim().eq_ignore_ascii_case("transfer-encoding")
                && value.trim().eq_ignore_ascii_case("chunked")
        })
    });
    if !chunked {
        return Ok((status, body.to_vec()));
    }
    let mut rest = body;
    let mut out = Vec::new();
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or_else(|| bad("a chunk without its size line"))?;
        let size = std::str::from_utf8(&rest[..line_end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next()?.trim(), 16).ok())
            .ok_or_else(|| bad("a chunk size that is not hex"))?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok((status, out));
        }
        let chunk = rest
            .get(..size)
            .ok_or_else(|| bad("a chunk longer than the answer"))?;
        out.extend_from_slice(chunk);
        rest = rest
            .get(size + 2..)
            .ok_or_else(|| bad("a chunk without its end"))?;
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn answers_are_read_whole_or_refused_by_name() {
        let plain = b"HTTP/1.1 202 Accepted\r\ncontent-length: 11\r\n\r\n{\"ok\":true}";
        assert_eq!(parse(plain).unwrap(), (202, b"{\"ok\":true}".to_vec()));
        let chunked =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"ok\r\n7;x=y\r\n\":true}\r\n0\r\n\r\n";
        assert_eq!(parse(chunked).unwrap(), (200, b"{\"ok\":true}".to_vec()));
        for broken in [
            &b"HTTP/1.1 200 OK\r\n"[..],
            b"SSH-2.0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nabc",
        ] {
            assert!(parse(broken).is_err(), "{broken:?}");
        }
    }
}
